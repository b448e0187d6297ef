import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { IssueEventDto } from '../../events/dto/event.dto';

@ApiSchema({ name: 'IssueHashSchema' })
export class IssueHashDto {
  @ApiProperty({ description: 'The grouping hash (32 hex)' }) id: string;
  @ApiPropertyOptional({ type: IssueEventDto, nullable: true }) latestEvent: IssueEventDto | null;
}
