import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { BooleanField, IntField, NestedField, StringField } from './fields';

@ApiSchema({ name: 'KeyRateLimit' })
export class KeyRateLimitDto {
  @IntField({ min: 0, description: 'Seconds' }) window: number;
  @IntField({ min: 0 }) count: number;
}

@ApiSchema({ name: 'ProjectKeyDsn' })
export class ProjectKeyDsnDto {
  @ApiProperty({ example: 'https://4f1c…@errors.example.com/1' }) public: string;
  @ApiProperty({ description: 'Same as public (kept for @sentry/wizard)' }) secret: string;
  @ApiProperty({ example: 'https://errors.example.com/api/1/security/?glitchtip_key=4f1c…' })
  security: string;
}

@ApiSchema({ name: 'ProjectKeySchema' })
export class ProjectKeyDto {
  @ApiPropertyOptional({ nullable: true, type: String }) name: string | null;
  @ApiPropertyOptional({ type: KeyRateLimitDto, nullable: true }) rateLimit: KeyRateLimitDto | null;
  @ApiProperty({ format: 'date-time' }) dateCreated: string;
  @ApiProperty({ format: 'uuid', description: 'Same as public' }) id: string;
  @ApiProperty({ type: ProjectKeyDsnDto }) dsn: ProjectKeyDsnDto;
  @ApiPropertyOptional({ nullable: true, type: String }) label: string | null;
  @ApiProperty({ format: 'uuid' }) public: string;
  @ApiProperty({ description: 'A number, unlike other ids' }) projectID: number;
  @ApiProperty() isActive: boolean;
}

@ApiSchema({ name: 'ProjectKeyIn' })
export class ProjectKeyInDto {
  @StringField({ nullable: true, max: 64 }) name?: string | null;
  @NestedField(() => KeyRateLimitDto, { nullable: true, description: 'null removes the limit' })
  rateLimit?: KeyRateLimitDto | null;
  @BooleanField({ optional: true }) isActive?: boolean;
}
