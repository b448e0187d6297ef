import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';

@ApiSchema({ name: 'IssueProjectSchema' })
export class IssueProjectDto {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty() slug: string;
  @ApiPropertyOptional({ nullable: true, type: String }) platform: string | null;
}

@ApiSchema({ name: 'IssueSchema' })
export class IssueDto {
  @ApiProperty({ example: '42' }) id: string;
  @ApiProperty({ example: 'BACKEND-1A' }) shortId: string;
  @ApiProperty() title: string;
  @ApiProperty() culprit: string;
  @ApiProperty({ description: 'Event count, as a string', example: '12' }) count: string;
  @ApiProperty() userCount: number;
  @ApiProperty() numComments: number;
  @ApiProperty({ enum: ['default', 'error', 'csp'] }) type: string;
  @ApiProperty({ enum: ['sample', 'debug', 'info', 'warning', 'error', 'fatal'] }) level: string;
  @ApiProperty({ enum: ['unresolved', 'resolved', 'ignored'] }) status: string;
  @ApiProperty({ type: Object }) statusDetails: object;
  @ApiProperty({ type: Object }) metadata: object;
  @ApiProperty({ type: IssueProjectDto }) project: IssueProjectDto;
  @ApiProperty({ format: 'date-time' }) firstSeen: string;
  @ApiProperty({ format: 'date-time' }) lastSeen: string;
  @ApiPropertyOptional({ nullable: true, type: String }) firstRelease: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) lastRelease: string | null;
  @ApiProperty() permalink: string;
  @ApiProperty({ type: Object }) stats: object;
  @ApiPropertyOptional({ nullable: true, type: String }) matchingEventId: string | null;
}
