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
  @ApiProperty({
    type: Object,
    description: '`{inNextRelease: true}` or `{inRelease: "1.2"}` when resolved so',
  })
  statusDetails: object;
  @ApiProperty({ type: Object }) metadata: object;
  @ApiProperty({ type: IssueProjectDto }) project: IssueProjectDto;
  @ApiProperty({ format: 'date-time' }) firstSeen: string;
  @ApiProperty({ format: 'date-time' }) lastSeen: string;
  @ApiPropertyOptional({ nullable: true, type: String }) firstRelease: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) lastRelease: string | null;
  @ApiProperty() permalink: string;
  @ApiProperty({ type: Object, example: { '24h': [] } }) stats: object;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'The event an event-id search matched' })
  matchingEventId: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) platform: string | null;
  @ApiProperty() isPublic: boolean;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'Not implemented (always null)' })
  shareId: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) logger: string | null;
  @ApiPropertyOptional({
    nullable: true,
    type: Object,
    description:
      'Who the issue is assigned to: `{type: "user", id, name, email}` or `{type: "team", id, name, slug}`',
    example: { type: 'user', id: '1', name: 'Jane', email: 'jane@example.com' },
  })
  assignedTo: object | null;
  @ApiPropertyOptional({ nullable: true, type: String }) subscriptionDetails: string | null;
}

@ApiSchema({ name: 'IssueDetailSchema' })
export class IssueDetailDto extends IssueDto {
  @ApiProperty() userReportCount: number;
}

@ApiSchema({ name: 'StatsDetailSchema' })
export class IssueStatsDetailDto {
  @ApiPropertyOptional({
    description: '24 hourly buckets `[unix seconds, count]`, oldest first',
    type: 'array',
    items: { type: 'array', items: { type: 'integer' } },
  })
  '24h'?: Array<[number, number]>;
  @ApiPropertyOptional({
    description: '14 daily buckets `[unix seconds, count]`, oldest first',
    type: 'array',
    items: { type: 'array', items: { type: 'integer' } },
  })
  '14d'?: Array<[number, number]>;
}

@ApiSchema({ name: 'IssueStatsResponse' })
export class IssueStatsDto {
  @ApiProperty() id: string;
  @ApiProperty() count: string;
  @ApiProperty() userCount: number;
  @ApiProperty({ format: 'date-time' }) firstSeen: string;
  @ApiProperty({ format: 'date-time' }) lastSeen: string;
  @ApiProperty() isUnhandled: boolean;
  @ApiProperty({ type: IssueStatsDetailDto }) stats: IssueStatsDetailDto;
}

@ApiSchema({ name: 'IssueTagTopValue' })
export class IssueTagTopValueDto {
  @ApiProperty() key: string;
  @ApiProperty() name: string;
  @ApiProperty() value: string;
  @ApiProperty() count: number;
}

@ApiSchema({ name: 'IssueTagSchema' })
export class IssueTagDto {
  @ApiProperty() key: string;
  @ApiProperty() name: string;
  @ApiProperty({ description: 'Events carrying the tag' }) totalValues: number;
  @ApiProperty({ description: 'Distinct values' }) uniqueValues: number;
  @ApiProperty({ type: [IssueTagTopValueDto], description: 'Most frequent values first (at most 100)' })
  topValues: IssueTagTopValueDto[];
}
