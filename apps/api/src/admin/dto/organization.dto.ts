import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { StringField } from './fields';

@ApiSchema({ name: 'OrganizationSchema' })
export class OrganizationDto {
  @ApiProperty({ example: '1' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty() slug: string;
  @ApiProperty({ format: 'date-time' }) dateCreated: string;
  @ApiProperty({ type: Object, example: { id: 'active', name: 'active' } }) status: Record<string, string>;
  @ApiProperty({ type: Object, example: { avatarType: '', avatarUuid: null } }) avatar: Record<
    string,
    string | null
  >;
  @ApiProperty() isEarlyAdopter: boolean;
  @ApiProperty() require2fa: boolean;
  @ApiProperty() isAcceptingEvents: boolean;
  @ApiProperty({ minimum: 0, maximum: 100 }) eventThrottleRate: number;
}

@ApiSchema({ name: 'OrganizationInSchema' })
export class OrganizationInDto {
  @StringField({ min: 1, max: 200, example: 'Acme' }) name: string;
}
