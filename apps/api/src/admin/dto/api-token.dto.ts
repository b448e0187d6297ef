import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { IsDefined, ValidateBy } from 'class-validator';
import { ALL_SCOPES_BITS, isScope, SCOPES } from '@app/organizations';
import { StringField } from './fields';

/** A list of scope names (what the web UI sends) or GlitchTip's bit mask. */
function isScopes(value: unknown): boolean {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 && value <= ALL_SCOPES_BITS;
  return Array.isArray(value) && value.every((s) => typeof s === 'string' && isScope(s));
}

@ApiSchema({ name: 'APITokenIn' })
export class ApiTokenInDto {
  @StringField({ optional: true, max: 255, example: 'Terraform' }) label?: string;

  @ApiProperty({
    oneOf: [
      { type: 'array', items: { type: 'string', enum: [...SCOPES] } },
      { type: 'integer', description: 'Bit mask, in the order of the scope list' },
    ],
    example: ['org:read', 'project:write'],
  })
  @IsDefined({ message: 'Field required', context: { type: 'missing' } })
  @ValidateBy(
    { name: 'isScopes', validator: { validate: isScopes, defaultMessage: () => 'Invalid scope' } },
    { context: { type: 'value_error' } },
  )
  scopes: string[] | number;
}

@ApiSchema({ name: 'APITokenSchema' })
export class ApiTokenDto {
  @ApiProperty({ description: 'A number, unlike most ids' }) id: number;
  @ApiProperty() label: string;
  @ApiProperty({ type: [String], enum: SCOPES }) scopes: string[];
  @ApiProperty({
    description: 'The token: in full only in the creation response; lists show its first characters',
    example: '3f2a9c**********************************************************',
  })
  token: string;
  @ApiProperty({ format: 'date-time' }) created: string;
}

@ApiSchema({ name: 'APITokenAuth' })
export class ApiTokenAuthDto {
  @ApiProperty() id: number;
  @ApiProperty() label: string;
  @ApiProperty({ type: [String] }) scopes: string[];
  @ApiPropertyOptional() token: string;
  @ApiProperty({ format: 'date-time' }) created: string;
}
