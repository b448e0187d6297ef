import { EventEntity } from '@app/events';
import { levelName } from '@app/issues';
import { buildEntries } from './event-entries';

type Json = Record<string, unknown>;

const TYPE_NAMES = ['default', 'error', 'csp'];
/** Keys the worker adds to the stored event that are not part of Sentry's event. */
const INTERNAL_KEYS = new Set(['grouping', 'received', 'datetime']);

export function typeName(type: number): string {
  return TYPE_NAMES[type] ?? 'default';
}

/** 32-hex without dashes, as GlitchTip prints event ids. */
export function eventIdHex(uuid: string): string {
  return uuid.replace(/-/g, '');
}

function messageOf(data: Json): string {
  const logentry = data.logentry as Json | undefined;
  if (logentry && typeof logentry.formatted === 'string') return logentry.formatted;
  if (typeof data.message === 'string') return data.message;
  return '';
}

/** Sentry's user interface always carries these keys. */
function userOf(data: Json): Json | null {
  const user = data.user as Json | undefined;
  if (!user || typeof user !== 'object') return null;
  return { id: null, email: null, username: null, ip_address: null, name: null, data: {}, ...user };
}

/** ISO 8601 with microseconds, as Sentry's JSON writes `datetime`. */
function sentryDatetime(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** IssueEventSchema (and the detail variant's common part). */
export function serializeEvent(event: EventEntity): Json {
  const data = event.data;
  return {
    id: eventIdHex(event.eventId),
    eventID: eventIdHex(event.eventId),
    groupID: String(event.issueId),
    projectID: String(event.projectId),
    title: event.title,
    message: messageOf(data),
    type: typeName(event.type),
    platform: event.platform,
    culprit: event.culprit,
    dist: (data.dist as string | undefined) ?? null,
    dateCreated: event.timestamp.toISOString(),
    dateReceived: event.received.toISOString(),
    tags: Object.entries(event.tags ?? {}).map(([key, value]) => ({ key, value })),
    entries: buildEntries(data),
    contexts: (data.contexts as Json | undefined) ?? {},
    context: (data.extra as Json | undefined) ?? {},
    user: userOf(data),
    sdk: (data.sdk as Json | undefined) ?? {},
    packages: (data.modules as Json | undefined) ?? {},
    metadata: (data.metadata as Json | undefined) ?? {},
    errors: (data.errors as unknown[] | undefined) ?? [],
  };
}

/** Breadcrumbs as Sentry's JSON writes them: `type` and `level` filled in, ms timestamps, no empty `data`. */
function sentryBreadcrumbs(value: unknown): unknown {
  const crumbs = (value as Json | undefined)?.values;
  if (!Array.isArray(crumbs)) return value;
  return {
    ...(value as Json),
    values: crumbs.map((crumb: Json) => {
      const out: Json = { ...crumb, type: crumb.type ?? 'default', level: crumb.level ?? 'info' };
      if (typeof crumb.timestamp === 'number') out.timestamp = Math.round(crumb.timestamp * 1000) / 1000;
      const data = crumb.data as Json | undefined;
      if (data && typeof data === 'object' && Object.keys(data).length === 0) delete out.data;
      return out;
    }),
  };
}

/**
 * The raw JSON download (Sentry's legacy event JSON): the stored event in Sentry's field names, plus the
 * fields Sentry adds (`project`, `hashes`, `datetime`, `received`, `location`, `version`...).
 */
export function serializeEventJson(event: EventEntity): Json {
  const data = event.data;
  const out: Json = {};
  for (const [key, value] of Object.entries(data)) if (!INTERNAL_KEYS.has(key)) out[key] = value;
  const metadata = (data.metadata as Json | undefined) ?? {};
  const logentry = data.logentry as Json | undefined;
  return {
    ...out,
    event_id: eventIdHex(event.eventId),
    project: Number(event.projectId),
    release: event.release,
    dist: (data.dist as string | undefined) ?? null,
    platform: event.platform,
    message: messageOf(data),
    datetime: sentryDatetime(event.timestamp),
    time_spent: null,
    tags: Object.entries(event.tags ?? {}),
    culprit: event.culprit,
    transaction: (data.transaction as string | undefined) ?? event.culprit,
    environment: event.environment,
    level: levelName(event.level),
    location: (metadata.filename as string | undefined) ?? null,
    logger: (data.logger as string | undefined) ?? '',
    metadata,
    fingerprint: (data.fingerprint as unknown[] | undefined) ?? ['{{ default }}'],
    hashes: [event.hash],
    received: event.received.getTime() / 1000,
    timestamp: event.timestamp.getTime() / 1000,
    title: event.title,
    type: typeName(event.type),
    modules: (data.modules as Json | undefined) ?? {},
    sdk: (data.sdk as Json | undefined) ?? {},
    user: data.user ?? null,
    ...(logentry ? { logentry } : {}),
    ...(data.breadcrumbs ? { breadcrumbs: sentryBreadcrumbs(data.breadcrumbs) } : {}),
    version: '7',
  };
}
