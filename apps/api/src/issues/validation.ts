import { UnprocessableEntityException, ValidationError, ValidationPipe } from '@nestjs/common';

function flatten(
  errors: ValidationError[],
  path: string[],
): Array<{ type: string; loc: string[]; msg: string }> {
  return errors.flatMap((error) => {
    const loc = [...path, error.property];
    const own = Object.entries(error.constraints ?? {}).map(([type, msg]) => ({ type, loc, msg }));
    return [...own, ...flatten(error.children ?? [], loc)];
  });
}

/** Request bodies are validated into django-ninja's 422 `{"detail": [{type, loc, msg}]}`. */
export const bodyPipe = new ValidationPipe({
  whitelist: true,
  transform: true,
  exceptionFactory: (errors) =>
    new UnprocessableEntityException({ detail: flatten(errors, ['body', 'payload']) }),
});

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
