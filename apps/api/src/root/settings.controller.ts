import { Controller, Get, Inject } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiSchema,
  ApiTags,
} from '@nestjs/swagger';
import { APP_CONFIG, AppConfig } from '@app/core';
import { AccountsService } from '@app/organizations';
import { instanceVersion } from './instance-version';

@ApiSchema({ name: 'SocialAppSchema' })
class SocialAppDto {
  @ApiProperty({ type: [String] }) scopes: string[];
  @ApiPropertyOptional({ nullable: true, type: String }) authorize_url: string | null;
  @ApiProperty() name: string;
  @ApiProperty() client_id: string;
  @ApiProperty() provider: string;
}

@ApiSchema({ name: 'SettingsOut' })
export class SettingsDto {
  @ApiProperty({ type: [SocialAppDto] }) socialApps: SocialAppDto[];
  @ApiProperty() billingEnabled: boolean;
  @ApiProperty() iPaidForGlitchTip: boolean;
  @ApiProperty({ description: 'ENABLE_USER_REGISTRATION, or no user exists yet' })
  enableUserRegistration: boolean;
  @ApiProperty() enableSocialAppsUserRegistration: boolean;
  @ApiProperty({ description: 'ENABLE_ORGANIZATION_CREATION' }) enableOrganizationCreation: boolean;
  @ApiPropertyOptional({ nullable: true, type: String }) stripePublicKey: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) plausibleUrl: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) plausibleDomain: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) chatwootWebsiteToken: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) sentryDSN: string | null;
  @ApiPropertyOptional({ nullable: true, type: Number }) sentryTracesSampleRate: number | null;
  @ApiPropertyOptional({ nullable: true, type: String }) environment: string | null;
  @ApiProperty({ example: '0.1.0' }) version: string;
  @ApiProperty({ example: 'UTC' }) serverTimeZone: string;
  @ApiPropertyOptional({ nullable: true, type: String }) glitchtipInstanceName: string | null;
  @ApiProperty({ type: [String] }) enabledFeatures: string[];
}

/** Instance settings the web UI reads before anyone logs in. */
@ApiTags('api')
@Controller('api/settings')
export class SettingsController {
  constructor(
    private readonly accounts: AccountsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  @ApiOperation({ operationId: 'get_settings', summary: 'Instance settings (anonymous)' })
  @ApiOkResponse({ type: SettingsDto })
  async get(): Promise<SettingsDto> {
    const registration =
      this.config.registration.enableUserRegistration || !(await this.accounts.anyUserExists());
    return {
      socialApps: [],
      billingEnabled: false,
      iPaidForGlitchTip: false,
      enableUserRegistration: registration,
      enableSocialAppsUserRegistration: registration,
      enableOrganizationCreation: this.config.registration.enableOrganizationCreation,
      stripePublicKey: null,
      plausibleUrl: null,
      plausibleDomain: null,
      chatwootWebsiteToken: null,
      sentryDSN: null,
      sentryTracesSampleRate: null,
      environment: null,
      version: instanceVersion(),
      serverTimeZone: 'UTC',
      glitchtipInstanceName: this.config.instanceName,
      enabledFeatures: [],
    };
  }
}
