import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';

// Request bodies (django-allauth headless, browser client; snake_case like allauth).

@ApiSchema({ name: 'Login' })
export class LoginBodyDto {
  @ApiProperty({ format: 'email' }) email: string;
  @ApiProperty() password: string;
}

@ApiSchema({ name: 'Signup' })
export class SignupBodyDto {
  @ApiProperty({ format: 'email' }) email: string;
  @ApiProperty({ minLength: 8 }) password: string;
}

@ApiSchema({ name: 'RequestPassword' })
export class PasswordRequestBodyDto {
  @ApiProperty({ format: 'email' }) email: string;
}

@ApiSchema({ name: 'ResetPassword' })
export class PasswordResetBodyDto {
  @ApiProperty({ description: 'The key from the password reset link' }) key: string;
  @ApiProperty({ minLength: 8 }) password: string;
}

@ApiSchema({ name: 'ChangePassword' })
export class PasswordChangeBodyDto {
  @ApiPropertyOptional({ description: 'Required when the account has a password' }) current_password?: string;
  @ApiProperty({ minLength: 8 }) new_password: string;
}

@ApiSchema({ name: 'VerifyEmail' })
export class EmailVerifyBodyDto {
  @ApiProperty({ description: 'The key from the confirmation link' }) key: string;
}

@ApiSchema({ name: 'Reauthenticate' })
export class ReauthenticateBodyDto {
  @ApiProperty() password: string;
}

// Responses: the HTTP status is repeated in the body, as allauth does.

@ApiSchema({ name: 'AllauthUser' })
export class AllauthUserDto {
  @ApiProperty({ example: 1 }) id: number;
  @ApiProperty({ example: 'you@example.com' }) display: string;
  @ApiProperty() email: string;
  @ApiProperty() has_usable_password: boolean;
}

@ApiSchema({ name: 'AuthenticationMethod' })
export class AuthenticationMethodDto {
  @ApiProperty({ enum: ['password', 'password_reset'] }) method: string;
  @ApiProperty({ description: 'Unix time, seconds' }) at: number;
  @ApiPropertyOptional() email?: string;
  @ApiPropertyOptional() reauthenticated?: boolean;
}

@ApiSchema({ name: 'Authenticated' })
export class AuthenticatedDataDto {
  @ApiProperty({ type: AllauthUserDto }) user: AllauthUserDto;
  @ApiProperty({ type: [AuthenticationMethodDto] }) methods: AuthenticationMethodDto[];
}

@ApiSchema({ name: 'AuthenticationMeta' })
export class AuthenticationMetaDto {
  @ApiProperty() is_authenticated: boolean;
}

@ApiSchema({ name: 'AuthenticatedResponse' })
export class AuthenticatedResponseDto {
  @ApiProperty({ enum: [200] }) status: number;
  @ApiProperty({ type: AuthenticatedDataDto }) data: AuthenticatedDataDto;
  @ApiProperty({ type: AuthenticationMetaDto }) meta: AuthenticationMetaDto;
}

@ApiSchema({ name: 'Flow' })
export class FlowDto {
  @ApiProperty({ enum: ['login', 'signup', 'reauthenticate'] }) id: string;
  @ApiPropertyOptional() is_pending?: boolean;
}

@ApiSchema({ name: 'Flows' })
export class FlowsDto {
  @ApiProperty({ type: [FlowDto] }) flows: FlowDto[];
}

@ApiSchema({ name: 'AuthenticationResponse' })
export class UnauthenticatedResponseDto {
  @ApiProperty({ enum: [401] }) status: number;
  @ApiProperty({ type: FlowsDto }) data: FlowsDto;
  @ApiProperty({ type: AuthenticationMetaDto }) meta: AuthenticationMetaDto;
}

@ApiSchema({ name: 'AllauthError' })
export class AllauthErrorDto {
  @ApiProperty({ example: 'email_password_mismatch' }) code: string;
  @ApiProperty() message: string;
  @ApiPropertyOptional({ example: 'password' }) param?: string;
}

@ApiSchema({ name: 'ErrorResponse' })
export class AllauthErrorResponseDto {
  @ApiProperty({ enum: [400, 403, 409, 429] }) status: number;
  @ApiPropertyOptional({ type: [AllauthErrorDto] }) errors?: AllauthErrorDto[];
}

@ApiSchema({ name: 'StatusOK' })
export class AllauthStatusDto {
  @ApiProperty({ enum: [200] }) status: number;
}

@ApiSchema({ name: 'PasswordResetInfoData' })
export class PasswordResetInfoDataDto {
  @ApiProperty({ type: AllauthUserDto }) user: AllauthUserDto;
}

@ApiSchema({ name: 'PasswordResetInfo' })
export class PasswordResetInfoDto {
  @ApiProperty({ enum: [200] }) status: number;
  @ApiProperty({ type: PasswordResetInfoDataDto }) data: PasswordResetInfoDataDto;
}

@ApiSchema({ name: 'EmailVerificationInfoData' })
export class EmailVerificationInfoDataDto {
  @ApiProperty() email: string;
  @ApiProperty({ type: AllauthUserDto }) user: AllauthUserDto;
}

@ApiSchema({ name: 'EmailVerificationInfoMeta' })
export class EmailVerificationInfoMetaDto {
  @ApiProperty() is_authenticating: boolean;
}

@ApiSchema({ name: 'EmailVerificationInfo' })
export class EmailVerificationInfoDto {
  @ApiProperty({ enum: [200] }) status: number;
  @ApiProperty({ type: EmailVerificationInfoDataDto }) data: EmailVerificationInfoDataDto;
  @ApiProperty({ type: EmailVerificationInfoMetaDto }) meta: EmailVerificationInfoMetaDto;
}

@ApiSchema({ name: 'AccountConfiguration' })
export class AccountConfigurationDto {
  @ApiProperty({ type: [String], example: ['email'] }) login_methods: string[];
  @ApiProperty() is_open_for_signup: boolean;
  @ApiProperty() email_verification_by_code_enabled: boolean;
  @ApiProperty() login_by_code_enabled: boolean;
  @ApiProperty() password_reset_by_code_enabled: boolean;
}

@ApiSchema({ name: 'ConfigurationData' })
export class ConfigurationDataDto {
  @ApiProperty({ type: AccountConfigurationDto }) account: AccountConfigurationDto;
}

@ApiSchema({ name: 'ConfigurationResponse' })
export class ConfigurationResponseDto {
  @ApiProperty({ enum: [200] }) status: number;
  @ApiProperty({ type: ConfigurationDataDto }) data: ConfigurationDataDto;
}
