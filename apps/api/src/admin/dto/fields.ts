import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiPropertyOptions } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
  IsDefined,
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';

/**
 * Field decorators for request DTOs: one line gives the OpenAPI property and the validation, with pydantic's
 * messages and error types so that 422 bodies read like GlitchTip's.
 */
interface FieldOptions {
  /** Absent (or null) is fine. */
  optional?: boolean;
  /** null is a value (stored as null) rather than "absent". */
  nullable?: boolean;
  description?: string;
  example?: unknown;
}

function presence(options: FieldOptions): PropertyDecorator[] {
  if (options.nullable) return [IsOptional()];
  if (options.optional) return [IsOptional()];
  return [IsDefined({ message: 'Field required', context: { type: 'missing' } })];
}

function doc(options: FieldOptions, extra: ApiPropertyOptions): PropertyDecorator {
  const base = {
    ...(options.description ? { description: options.description } : {}),
    ...(options.example !== undefined ? { example: options.example } : {}),
    ...(options.nullable ? { nullable: true } : {}),
    ...extra,
  } as ApiPropertyOptions;
  return options.optional || options.nullable ? ApiPropertyOptional(base) : ApiProperty(base);
}

export function StringField(options: FieldOptions & { min?: number; max?: number; pattern?: RegExp } = {}) {
  return applyDecorators(
    doc(options, {
      type: String,
      ...(options.min !== undefined ? { minLength: options.min } : {}),
      ...(options.max !== undefined ? { maxLength: options.max } : {}),
      ...(options.pattern ? { pattern: options.pattern.source } : {}),
    }),
    ...presence(options),
    IsString({ message: 'Input should be a valid string', context: { type: 'string_type' } }),
    ...(options.min !== undefined
      ? [
          MinLength(options.min, {
            message: `String should have at least ${options.min} character${options.min === 1 ? '' : 's'}`,
            context: { type: 'string_too_short' },
          }),
        ]
      : []),
    ...(options.max !== undefined
      ? [
          MaxLength(options.max, {
            message: `String should have at most ${options.max} characters`,
            context: { type: 'string_too_long' },
          }),
        ]
      : []),
    ...(options.pattern
      ? [
          Matches(options.pattern, {
            message: `String should match pattern '${options.pattern.source}'`,
            context: { type: 'string_pattern_mismatch' },
          }),
        ]
      : []),
  );
}

export function EmailField(options: FieldOptions = {}) {
  return applyDecorators(
    doc(options, { type: String, format: 'email' }),
    ...presence(options),
    IsString({ message: 'Input should be a valid string', context: { type: 'string_type' } }),
    IsEmail({}, { message: 'value is not a valid email address', context: { type: 'value_error' } }),
    MaxLength(254, {
      message: 'String should have at most 254 characters',
      context: { type: 'string_too_long' },
    }),
  );
}

export function BooleanField(options: FieldOptions = {}) {
  return applyDecorators(
    doc(options, { type: Boolean }),
    ...presence(options),
    IsBoolean({ message: 'Input should be a valid boolean', context: { type: 'bool_type' } }),
  );
}

export function IntField(options: FieldOptions & { min?: number; max?: number } = {}) {
  return applyDecorators(
    doc(options, {
      type: 'integer',
      ...(options.min !== undefined ? { minimum: options.min } : {}),
      ...(options.max !== undefined ? { maximum: options.max } : {}),
    }),
    ...presence(options),
    IsInt({ message: 'Input should be a valid integer', context: { type: 'int_type' } }),
    ...(options.min !== undefined
      ? [
          Min(options.min, {
            message: `Input should be greater than or equal to ${options.min}`,
            context: { type: 'greater_than_equal' },
          }),
        ]
      : []),
    ...(options.max !== undefined
      ? [
          Max(options.max, {
            message: `Input should be less than or equal to ${options.max}`,
            context: { type: 'less_than_equal' },
          }),
        ]
      : []),
  );
}

export function EnumField(values: readonly string[], options: FieldOptions = {}) {
  const listed = values.map((v) => `'${v}'`);
  const message = `Input should be ${listed.length > 1 ? `${listed.slice(0, -1).join(', ')} or ${listed.at(-1)}` : listed[0]}`;
  return applyDecorators(
    doc(options, { enum: [...values], type: String }),
    ...presence(options),
    IsIn([...values], { message, context: { type: 'literal_error' } }),
  );
}

export function NestedField(type: () => new () => object, options: FieldOptions & { each?: boolean } = {}) {
  return applyDecorators(
    doc(options, { type: options.each ? [type()] : type() }),
    ...presence(options),
    ...(options.each
      ? [IsArray({ message: 'Input should be a valid list', context: { type: 'list_type' } })]
      : []),
    ValidateNested({
      each: !!options.each,
      message: 'Input should be a valid dictionary',
      context: { type: 'model_type' },
    }),
    Type(type),
  );
}
