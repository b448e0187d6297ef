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

@ApiSchema({
  name: 'IssueEventJsonSchema',
  description:
    "Sentry's legacy event JSON (the raw download): the stored event in Sentry's snake_case field names",
})
export class IssueEventJsonDto {
  @ApiProperty() event_id: string;
  @ApiProperty({ description: 'Project id (a number)' }) project: number;
  @ApiPropertyOptional({ nullable: true, type: String }) release: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) dist: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) platform: string | null;
  @ApiProperty() message: string;
  @ApiProperty({ example: '2020-05-02T16:54:20.488000Z' }) datetime: string;
  @ApiProperty({ description: 'Unix seconds' }) timestamp: number;
  @ApiProperty({ description: 'Unix seconds' }) received: number;
  @ApiProperty({ type: 'array', items: { type: 'array', items: { type: 'string' } } }) tags: Array<
    [string, string]
  >;
  @ApiProperty() culprit: string;
  @ApiPropertyOptional({ nullable: true, type: String }) transaction: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) environment: string | null;
  @ApiProperty() level: string;
  @ApiProperty() title: string;
  @ApiProperty() type: string;
  @ApiProperty({ type: [String] }) hashes: string[];
  @ApiProperty({ type: Object }) metadata: object;
  @ApiProperty({ type: Object }) sdk: object;
  @ApiProperty({ type: Object }) modules: object;
  @ApiPropertyOptional({ type: Object, nullable: true }) user: object | null;
  @ApiPropertyOptional({ type: Object }) exception?: object;
  @ApiPropertyOptional({ type: Object }) breadcrumbs?: object;
  @ApiPropertyOptional({ type: Object }) request?: object;
  @ApiPropertyOptional({ type: Object }) contexts?: object;
  @ApiPropertyOptional({ type: Object }) extra?: object;
}
