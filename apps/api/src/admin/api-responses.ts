import { applyDecorators } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiProperty,
  ApiSchema,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';

@ApiSchema({ name: 'ErrorSchema' })
export class ErrorDto {
  @ApiProperty({ example: 'Not Found' }) detail: string;
}

@ApiSchema({ name: 'ValidationIssue' })
export class ValidationIssueDto {
  @ApiProperty({ example: 'missing' }) type: string;
  @ApiProperty({
    type: 'array',
    items: { oneOf: [{ type: 'string' }, { type: 'integer' }] },
    example: ['body', 'payload', 'name'],
  })
  loc: Array<string | number>;
  @ApiProperty({ example: 'Field required' }) msg: string;
}

@ApiSchema({ name: 'ValidationErrorSchema' })
export class ValidationErrorDto {
  @ApiProperty({ type: [ValidationIssueDto] }) detail: ValidationIssueDto[];
}

/** What every authenticated admin route can answer besides success. */
export function ApiAdminErrors(options: { body?: boolean } = {}) {
  return applyDecorators(
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ type: ErrorDto, description: 'No or invalid credentials' }),
    ApiForbiddenResponse({
      type: ErrorDto,
      description: 'Token without the needed scope, role too low, or CSRF check failed',
    }),
    ApiNotFoundResponse({ type: ErrorDto, description: 'Unknown, or not visible to the caller' }),
    ...(options.body ? [ApiUnprocessableEntityResponse({ type: ValidationErrorDto })] : []),
  );
}
