import { EventContext, NormalizedEvent, Pairs } from './normalized-event.types';
import { truncate } from './normalize-utils';
import { withUserAgentContexts } from './user-agent';

const MAX_TAG_CHARS = 200;

/**
 * Tags Sentry indexes from a context, by context type: `""` is the tag named after the context key
 * itself (`os`, `server-runtime`...), other entries become `<key>.<field>`. A tag is only made when
 * every field its template uses is present (Sentry's `ContextType.indexed_fields`).
 */
const CONTEXT_TAG_TEMPLATES: Record<string, Array<[string, string[]]>> = {
  os: [
    ['', ['name', 'version']],
    ['name', ['name']],
  ],
  runtime: [
    ['', ['name', 'version']],
    ['name', ['name']],
  ],
  browser: [
    ['', ['name', 'version']],
    ['name', ['name']],
  ],
  device: [
    ['', ['model']],
    ['family', ['family']],
  ],
  gpu: [
    ['name', ['name']],
    ['vendor', ['vendor_name']],
  ],
};

/**
 * All tags of an event, Sentry style: the event's own tags plus `level`, `environment`, `release`,
 * `dist`, `logger`, `server_name`, `site`, `transaction`, `user`, `url`, context tags (`browser`,
 * `browser.name`, `os`, `os.name`, `device`, `runtime`, ... also for aliased contexts such as
 * `server-runtime`) and `mechanism`/`handled`. Keys are unique (first wins), values at most 200 chars,
 * sorted by key.
 */
export function extractTags(ev: NormalizedEvent): Array<[string, string]> {
  const tags = new Map<string, string>();
  const add = (key: string, value: unknown): void => {
    if (typeof value !== 'string' && typeof value !== 'number') return;
    const text = String(value).replace(/\s+/g, ' ').trim();
    if (!text || tags.has(key)) return;
    tags.set(key.slice(0, MAX_TAG_CHARS), truncate(text, MAX_TAG_CHARS));
  };

  // Values from event fields win over SDK tags with the same key.
  add('level', ev.level);
  add('environment', ev.environment);
  add('release', ev.release);
  add('dist', ev.dist);
  add('logger', ev.logger);
  add('server_name', ev.server_name);
  add('site', ev.site);
  add('transaction', ev.transaction);
  add('user', userKey(ev));

  for (const [key, value] of ev.tags ?? []) add(key, value);

  add('url', ev.request?.url);
  for (const [key, value] of contextTags(withUserAgentContexts(ev.contexts, ev.request) ?? {}))
    add(key, value);
  const mechanism = ev.exception?.values[0]?.mechanism;
  if (mechanism) {
    add('mechanism', mechanism.type);
    if (mechanism.handled !== undefined) add('handled', mechanism.handled ? 'yes' : 'no');
  }

  return [...tags.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/**
 * The value of the `user` tag (`id:42`, `email:a@b.c`, `username:jane` or `ip:10.0.0.1`, first
 * available, as Sentry does), or null for anonymous events. Used to count distinct users.
 */
export function userKey(ev: NormalizedEvent): string | null {
  const user = ev.user;
  if (!user) return null;
  for (const [field, prefix] of [
    ['id', 'id'],
    ['email', 'email'],
    ['username', 'username'],
    ['ip_address', 'ip'],
  ] as const) {
    const value = user[field];
    if (value) return truncate(`${prefix}:${value}`, MAX_TAG_CHARS);
  }
  return null;
}

function contextTags(contexts: Record<string, EventContext>): Pairs {
  const pairs: Pairs = [];
  for (const [alias, context] of Object.entries(contexts)) {
    const templates = CONTEXT_TAG_TEMPLATES[context.type];
    if (!templates) continue;
    for (const [suffix, fields] of templates) {
      const values = fields.map((field) => context[field]);
      if (!values.every((value) => (typeof value === 'string' && value.trim()) || typeof value === 'number'))
        continue;
      pairs.push([
        suffix ? `${alias}.${suffix}` : alias,
        values.map((value) => String(value).trim()).join(' '),
      ]);
    }
  }
  return pairs;
}
