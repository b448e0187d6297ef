import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsObject, IsString, MaxLength, ValidateNested } from 'class-validator';

@ApiSchema({ name: 'CommentUserSchema' })
export class CommentUserDto {
  @ApiProperty() id: string;
  @ApiProperty() email: string;
}

@ApiSchema({ name: 'CommentDataSchema' })
export class CommentDataDto {
  @ApiProperty()
  @IsString()
  @MaxLength(10_000)
  text: string;
}

@ApiSchema({ name: 'CommentSchema' })
export class CommentDto {
  @ApiProperty() id: string;
  @ApiProperty({ type: CommentDataDto }) data: CommentDataDto;
  @ApiProperty({ example: 'note' }) type: string;
  @ApiProperty({ format: 'date-time' }) dateCreated: string;
  @ApiPropertyOptional({ type: CommentUserDto, nullable: true }) user: CommentUserDto | null;
}

@ApiSchema({ name: 'PostCommentSchema' })
export class CreateCommentDto {
  @ApiProperty({ type: CommentDataDto })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => CommentDataDto)
  data: CommentDataDto;
}
