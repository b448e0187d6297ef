import { EventEntity } from '@app/events';
import { buildEntries } from './event-entries';

type Json = Record<string, unknown>;

const LEVEL_NAMES = ['sample', 'debug', 'info', 'warning', 'error', 'fatal'];
const TYPE_NAMES = ['default', 'error', 'csp'];

export function levelName(level: number): string {
  return LEVEL_NAMES[level] ?? 'error';
}
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
    user: (data.user as Json | undefined) ?? null,
    sdk: (data.sdk as Json | undefined) ?? {},
    packages: (data.modules as Json | undefined) ?? {},
    metadata: (data.metadata as Json | undefined) ?? {},
    errors: (data.errors as unknown[] | undefined) ?? [],
  };
}
