import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';

@ApiSchema({ name: 'EventTagSchema' })
export class EventTagDto {
  @ApiProperty() key: string;
  @ApiProperty() value: string;
}

@ApiSchema({ name: 'EventEntrySchema' })
export class EventEntryDto {
  @ApiProperty({ enum: ['exception', 'message', 'breadcrumbs', 'request', 'csp'] }) type: string;
  @ApiProperty({ type: Object, description: "Sentry's legacy entry shape" }) data: object;
}

@ApiSchema({ name: 'IssueEventSchema' })
export class IssueEventDto {
  @ApiProperty({ example: '0f6b1a2c3d4e4f5a8b9c0d1e2f3a4b5c' }) id: string;
  @ApiProperty() eventID: string;
  @ApiProperty() groupID: string;
  @ApiProperty() projectID: string;
  @ApiProperty() title: string;
  @ApiProperty() message: string;
  @ApiProperty({ enum: ['default', 'error', 'csp'] }) type: string;
  @ApiPropertyOptional({ nullable: true, type: String }) platform: string | null;
  @ApiProperty() culprit: string;
  @ApiPropertyOptional({ nullable: true, type: String }) dist: string | null;
  @ApiProperty({ format: 'date-time' }) dateCreated: string;
  @ApiProperty({ format: 'date-time' }) dateReceived: string;
  @ApiProperty({ type: [EventTagDto] }) tags: EventTagDto[];
  @ApiProperty({ type: [EventEntryDto] }) entries: EventEntryDto[];
  @ApiProperty({ type: Object }) contexts: object;
  @ApiProperty({ type: Object }) context: object;
  @ApiPropertyOptional({ type: Object, nullable: true }) user: object | null;
  @ApiProperty({ type: Object }) sdk: object;
  @ApiProperty({ type: Object }) packages: object;
  @ApiProperty({ type: Object }) metadata: object;
  @ApiProperty({ type: [Object] }) errors: object[];
}

@ApiSchema({ name: 'IssueEventDetailSchema' })
export class IssueEventDetailDto extends IssueEventDto {
  @ApiPropertyOptional({ nullable: true, type: String }) nextEventID: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) previousEventID: string | null;
  @ApiPropertyOptional({ nullable: true, type: Object }) userReport: object | null;
}
