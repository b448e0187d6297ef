import { CanActivate, ExecutionContext, Injectable, UnprocessableEntityException } from '@nestjs/common';
import type { Request } from 'express';

/** C0 controls and DEL, except tab, line feed and carriage return, which text fields legitimately hold. */
const CONTROL_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

type Location = Array<string | number>;

/** A step of the walk: the path is kept as links to the parent, so deep nesting costs linear time, not quadratic. */
interface Step {
  value: unknown;
  key: string | number | null;
  parent: Step | null;
}

function locationOf(step: Step, root: Location): Location {
  const keys: Location = [];
  for (let at: Step | null = step; at && at.key !== null; at = at.parent) keys.push(at.key);
  return [...root, ...keys.reverse()];
}

/**
 * Where the first control character sits in a parsed query or JSON body (a value or a key), or null. Walks with
 * an explicit stack: a deeply nested body must not overflow the call stack.
 */
export function findControlCharacter(value: unknown, root: Location): Location | null {
  const pending: Step[] = [{ value, key: null, parent: null }];
  while (pending.length) {
    const step = pending.pop()!;
    const current = step.value;
    if (typeof current === 'string') {
      if (CONTROL_CHARACTER.test(current)) return locationOf(step, root);
    } else if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) pending.push({ value: current[i], key: i, parent: step });
    } else if (current !== null && typeof current === 'object') {
      for (const [key, child] of Object.entries(current)) {
        if (CONTROL_CHARACTER.test(key)) return locationOf({ value: child, key, parent: step }, root);
        pending.push({ value: child, key, parent: step });
      }
    }
  }
  return null;
}

/**
 * NUL and other control characters in any path parameter, query parameter or JSON body string of a REST request
 * are a 422 with the field's path, django-ninja style, before any handler runs: PostgreSQL refuses NUL in text
 * (which was a 500), and no name, slug or search needs the others.
 */
@Injectable()
export class ControlCharactersGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const req = context.switchToHttp().getRequest<Request>();
    const loc =
      findControlCharacter(req.params ?? {}, ['path']) ??
      findControlCharacter(req.query ?? {}, ['query']) ??
      (Buffer.isBuffer(req.body) ? null : findControlCharacter(req.body, ['body', 'payload']));
    if (!loc) return true;
    throw new UnprocessableEntityException({
      detail: [
        {
          type: 'value_error',
          loc,
          msg: 'Value error, must not contain NUL or other control characters',
        },
      ],
    });
  }
}
