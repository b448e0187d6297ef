import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';

@ApiSchema({ name: 'UserReportSchema' })
export class UserReportDto {
  @ApiProperty() id: string;
  @ApiProperty() eventID: string;
  @ApiProperty({ example: { eventId: '0f6b1a2c3d4e4f5a8b9c0d1e2f3a4b5c' } }) event: object;
  @ApiProperty() name: string;
  @ApiProperty() email: string;
  @ApiProperty() comments: string;
  @ApiProperty({ format: 'date-time' }) dateCreated: string;
  @ApiPropertyOptional({ nullable: true, type: String }) user: string | null;
}
