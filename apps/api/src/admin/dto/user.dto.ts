import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { BooleanField, EmailField, IntField, NestedField, StringField } from './fields';

@ApiSchema({ name: 'UserOptions' })
export class UserOptionsDto {
  @StringField({ nullable: true, max: 100, example: 'Europe/Paris' }) timezone?: string | null;
  @IntField({ nullable: true, min: 1, max: 2, description: '1 = newest frame first, 2 = oldest first' })
  stacktraceOrder?: number | null;
  @StringField({ nullable: true, max: 20, example: 'en' }) language?: string | null;
  @BooleanField({ nullable: true }) clock24Hours?: boolean | null;
  @StringField({ nullable: true, max: 20, example: 'dark' }) preferredTheme?: string | null;
}

@ApiSchema({ name: 'SocialAccountSchema' })
export class SocialAccountDto {
  @ApiProperty() id: number;
  @ApiProperty() provider: string;
  @ApiProperty() uid: string;
  @ApiPropertyOptional({ nullable: true, type: String }) email: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) username: string | null;
}

@ApiSchema({ name: 'UserSchema' })
export class UserDto {
  @ApiProperty({ example: '1' }) id: string;
  @ApiProperty({ type: UserOptionsDto }) options: UserOptionsDto;
  @ApiProperty({ description: 'The e-mail address' }) username: string;
  @ApiProperty({ format: 'date-time' }) dateJoined: string;
  @ApiProperty() email: string;
  @ApiProperty() hasPasswordAuth: boolean;
  @ApiProperty({ type: [SocialAccountDto] }) identities: SocialAccountDto[];
  @ApiPropertyOptional({ format: 'date-time', nullable: true, type: String }) lastLogin: string | null;
  @ApiProperty() isSuperuser: boolean;
  @ApiProperty() isActive: boolean;
  @ApiPropertyOptional({ nullable: true, type: String }) name: string | null;
}

@ApiSchema({ name: 'UserDetailSchema' })
export class UserDetailDto extends UserDto {
  @ApiPropertyOptional({ nullable: true, type: String }) chatwootIdentifierHash: string | null;
}

@ApiSchema({ name: 'UserIn' })
export class UpdateUserDto {
  @StringField({ optional: true, max: 255 }) name?: string;
  @NestedField(() => UserOptionsDto, { optional: true, description: 'Replaces the stored options' })
  options?: UserOptionsDto;
}

@ApiSchema({ name: 'EmailAddressSchema' })
export class EmailAddressDto {
  @ApiProperty() isPrimary: boolean;
  @ApiProperty() isVerified: boolean;
  @ApiProperty() email: string;
}

@ApiSchema({ name: 'EmailAddressIn' })
export class EmailAddressInDto {
  @EmailField() email: string;
}

@ApiSchema({ name: 'UserNotificationsSchema' })
export class UserNotificationsDto {
  @BooleanField() subscribeByDefault: boolean;
}
