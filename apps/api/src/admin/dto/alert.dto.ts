import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { IsArray, IsObject, IsOptional, IsString } from 'class-validator';
import { RECIPIENT_TYPES } from '@app/alerts';
import { BooleanField, EnumField, IntField, NestedField, StringField } from './fields';

@ApiSchema({ name: 'AlertRecipientIn' })
export class AlertRecipientInDto {
  @EnumField(RECIPIENT_TYPES) recipientType: (typeof RECIPIENT_TYPES)[number];
  @StringField({
    optional: true,
    max: 2000,
    description:
      'Empty for email; the http(s) endpoint otherwise (zulip: the server; ntfy: the topic URL; telegram: https://api.telegram.org)',
  })
  url?: string;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description:
      'signed_webhook: {"secret": "<at least 16 characters>"}; zulip: {"email", "apiKey", "stream", "topic"?}; ' +
      'ntfy: {"token"?}; telegram: {"botToken", "chatId"}. Secrets show their first 4 characters.',
  })
  @IsOptional()
  @IsObject({ message: 'Input should be a valid dictionary', context: { type: 'dict_type' } })
  config?: Record<string, unknown>;
  @ApiPropertyOptional({ type: [String], description: 'Tags of the latest event shown as extra fields' })
  @IsOptional()
  @IsArray({ message: 'Input should be a valid list', context: { type: 'list_type' } })
  @IsString({ each: true, message: 'Input should be a valid string', context: { type: 'string_type' } })
  tagsToAdd?: string[];
}

@ApiSchema({ name: 'ProjectAlertIn' })
export class ProjectAlertInDto {
  @StringField({ optional: true, nullable: true, max: 255 }) name?: string | null;
  @IntField({ nullable: true, min: 0, max: 525_600, description: 'Window of the event count, minutes' })
  timespanMinutes?: number | null;
  @IntField({
    nullable: true,
    min: 0,
    max: 1_000_000,
    description: 'Events in the window that fire the rule',
  })
  quantity?: number | null;
  @BooleanField({ optional: true }) uptime?: boolean;
  @IntField({ nullable: true, min: 0, max: 1_000_000 }) uptimeQuantity?: number | null;
  @IntField({ nullable: true, min: 0, max: 525_600 }) uptimeTimespanMinutes?: number | null;
  @StringField({ nullable: true, max: 255, description: 'Only events of this environment count' })
  environment?: string | null;
  @NestedField(() => AlertRecipientInDto, { each: true, optional: true })
  alertRecipients?: AlertRecipientInDto[];
}

@ApiSchema({ name: 'AlertRecipientSchema' })
export class AlertRecipientDto {
  @ApiProperty() id: string;
  @ApiProperty({ enum: [...RECIPIENT_TYPES] }) recipientType: string;
  @ApiProperty() url: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'A secret shows its first 4 characters',
  })
  config: Record<string, unknown>;
  @ApiProperty({ type: [String] }) tagsToAdd: string[];
}

@ApiSchema({ name: 'ProjectAlertSchema' })
export class ProjectAlertDto {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiPropertyOptional({ nullable: true, type: Number }) timespanMinutes: number | null;
  @ApiPropertyOptional({ nullable: true, type: Number }) quantity: number | null;
  @ApiProperty() uptime: boolean;
  @ApiPropertyOptional({ nullable: true, type: Number }) uptimeQuantity: number | null;
  @ApiPropertyOptional({ nullable: true, type: Number }) uptimeTimespanMinutes: number | null;
  @ApiPropertyOptional({ nullable: true, type: String }) environment: string | null;
  @ApiProperty({ type: [AlertRecipientDto] }) alertRecipients: AlertRecipientDto[];
}

@ApiSchema({ name: 'TestAlertResultSchema' })
export class TestAlertResultDto {
  @ApiPropertyOptional({ nullable: true, type: String, description: 'null: the email fallback' })
  recipientId: string | null;
  @ApiProperty() recipientType: string;
  @ApiProperty() success: boolean;
  @ApiPropertyOptional({ nullable: true, type: Number }) statusCode: number | null;
  @ApiPropertyOptional({ nullable: true, type: String }) error: string | null;
  @ApiProperty() durationMs: number;
}

@ApiSchema({ name: 'AlertNotificationIssueSchema' })
export class AlertNotificationIssueDto {
  @ApiProperty() id: string;
  @ApiProperty({ example: 'BACKEND-1' }) shortId: string;
  @ApiProperty() title: string;
}

@ApiSchema({ name: 'AlertDeliverySchema' })
export class AlertDeliveryDto {
  @ApiPropertyOptional({ nullable: true, type: String, description: "null: the email to the project's team" })
  recipientId: string | null;
  @ApiProperty() recipientType: string;
  @ApiProperty({ enum: ['pending', 'delivered', 'failed'] }) status: 'pending' | 'delivered' | 'failed';
  @ApiProperty({ description: 'Attempts started so far' }) attempts: number;
  @ApiPropertyOptional({ nullable: true, type: Number }) lastStatusCode: number | null;
  @ApiPropertyOptional({ nullable: true, type: String }) lastError: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time' }) lastAttemptAt: string | null;
}

@ApiSchema({ name: 'AlertNotificationSchema' })
export class AlertNotificationDto {
  @ApiProperty() id: string;
  @ApiProperty({ format: 'date-time' }) created: string;
  @ApiProperty({ type: [AlertNotificationIssueDto], description: 'The issues still stored' })
  issues: AlertNotificationIssueDto[];
  @ApiProperty({ type: [AlertDeliveryDto] }) deliveries: AlertDeliveryDto[];
}
