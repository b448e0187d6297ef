import { ArgumentMetadata, Injectable, PipeTransform, UnprocessableEntityException } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate, ValidationError } from 'class-validator';

/** One entry of django-ninja's (pydantic's) 422 body: `{"detail": [{type, loc, msg}]}`. */
export interface ValidationIssue {
  type: string;
  loc: Array<string | number>;
  msg: string;
}

/** A query-string DTO: validated by the pipe like a body, then parsed once into the typed request the handler gets. */
export interface QueryRequestClass<T> {
  fromQuery(query: Record<string, unknown>): T;
}

function isQueryRequestClass(metatype: unknown): metatype is QueryRequestClass<unknown> {
  return typeof (metatype as Partial<QueryRequestClass<unknown>>)?.fromQuery === 'function';
}

/** Thrown where a rule needs the database (e.g. "at least one owner"), in the same 422 shape. */
export function unprocessable(
  field: string,
  msg: string,
  type = 'value_error',
): UnprocessableEntityException {
  return new UnprocessableEntityException({ detail: [{ type, loc: ['body', 'payload', field], msg }] });
}

/** A 422 for a bad query parameter, in the same shape. */
export function queryError(name: string, msg: string, type = 'value_error'): UnprocessableEntityException {
  return new UnprocessableEntityException({ detail: [{ type, loc: ['query', name], msg }] });
}

/** Repeated query keys (`?id=1&id=2`) and comma lists arrive as strings or arrays; this gives a flat list. */
export function queryList(value: unknown): string[] {
  const list = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
  return list
    .flatMap((v) => String(v).split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

/** class-validator constraint names to pydantic error types, for bodies that state no type of their own. */
const TYPES: Record<string, string> = {
  isDefined: 'missing',
  isString: 'string_type',
  isBoolean: 'bool_type',
  isInt: 'int_type',
  isNumber: 'float_type',
  isIn: 'literal_error',
  isEmail: 'value_error',
  maxLength: 'string_too_long',
  minLength: 'string_too_short',
  min: 'greater_than_equal',
  max: 'less_than_equal',
  matches: 'string_pattern_mismatch',
  isArray: 'list_type',
  isObject: 'model_type',
  nestedValidation: 'model_type',
};

function collect(errors: ValidationError[], path: Array<string | number>, out: ValidationIssue[]): void {
  for (const error of errors) {
    const key = /^\d+$/.test(error.property) ? Number(error.property) : error.property;
    const loc = [...path, key];
    const constraints = error.constraints ?? {};
    const names = Object.keys(constraints);
    if (names.length) {
      // One entry per field, as pydantic reports it: a missing value first, then the first failed rule.
      const name = names.includes('isDefined') ? 'isDefined' : names[0]!;
      const context = (error.contexts?.[name] ?? {}) as { type?: string };
      out.push({ type: context.type ?? TYPES[name] ?? 'value_error', loc, msg: constraints[name]! });
    }
    if (error.children?.length) collect(error.children, loc, out);
  }
}

/**
 * The one validation pipe of the REST API. Request bodies are validated against their DTO class and answer 422 in
 * django-ninja's (pydantic's) shape with field paths (`loc: ["body", "payload", "teamRoles", 0, "teamSlug"]`),
 * which GlitchTip's web UI shows next to each field; unknown properties are dropped. Query strings declared as a
 * QueryRequestClass are parsed once by its `fromQuery`, which answers the same shape (`loc: ["query", name]`).
 */
@Injectable()
export class GlitchTipValidationPipe implements PipeTransform {
  async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const metatype = metadata.metatype;
    if (metadata.type === 'query' && isQueryRequestClass(metatype))
      return metatype.fromQuery((value ?? {}) as Record<string, unknown>);
    if (
      metadata.type !== 'body' ||
      !metatype ||
      [String, Boolean, Number, Array, Object].includes(metatype as never)
    )
      return value;
    if (value === undefined || value === null)
      throw new UnprocessableEntityException({
        detail: [{ type: 'missing', loc: ['body', 'payload'], msg: 'Field required' }],
      });
    if (typeof value !== 'object' || Array.isArray(value))
      throw new UnprocessableEntityException({
        detail: [
          {
            type: 'model_attributes_type',
            loc: ['body', 'payload'],
            msg: 'Input should be a valid dictionary or object to extract fields from',
          },
        ],
      });
    const instance = plainToInstance(metatype as new () => object, value);
    const errors = await validate(instance, {
      whitelist: true,
      forbidUnknownValues: false,
      stopAtFirstError: false,
    });
    if (errors.length) {
      const detail: ValidationIssue[] = [];
      collect(errors, ['body', 'payload'], detail);
      throw new UnprocessableEntityException({ detail });
    }
    return instance;
  }
}
