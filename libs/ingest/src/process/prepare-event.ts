import { computeGroupingHash, EventLevel, IssueType, LEVEL_BY_NAME } from '@app/issues';
import { IngestJobData } from '../jobs';
import { cspReportToEvent, deriveEventSummary, extractTags, normalizeEvent, userKey } from '../normalize';

/** One event, normalized and summarized, ready for the batch writer. */
export interface PreparedEvent {
  projectId: number;
  /** The kind of item it came from (`event`, `csp`…), for accounting. */
  itemType: IngestJobData['kind'];
  eventId: string;
  received: Date;
  timestamp: Date;
  type: IssueType;
  level: EventLevel;
  title: string;
  culprit: string;
  metadata: Record<string, unknown>;
  platform: string | null;
  environment: string | null;
  release: string | null;
  userKey: string | null;
  hash: string;
  tags: Array<[string, string]>;
  /**
   * The stored event document (the normalized event plus its summary) as UTF-8 JSON: serialized here, while
   * preparing, rather than between two statements of the batch's transaction; off the V8 heap and far smaller
   * than the object graph; and joined into the batch's statement parameter with a plain memory copy.
   */
  dataJson: Buffer;
}

const TYPES: Record<string, IssueType> = {
  default: IssueType.Default,
  error: IssueType.Error,
  csp: IssueType.Csp,
};

function str(value: unknown, max: number): string | null {
  return typeof value === 'string' && value !== '' ? value.slice(0, max) : null;
}

/** Pure: turns a queued job into what gets stored. Throws only on payloads that cannot be an event. */
export function prepareEvent(job: IngestJobData): PreparedEvent {
  const parsed: unknown = JSON.parse(job.payload);
  if (typeof parsed !== 'object' || parsed === null) throw new Error('payload is not a JSON object');
  const raw = job.kind === 'csp' ? cspReportToEvent(parsed) : (parsed as Record<string, unknown>);
  const received = new Date(job.receivedAt);
  const event = normalizeEvent(raw, {
    receivedAt: received,
    eventId: job.eventId,
    clientIp: job.clientIp,
    sentryClient: job.sentryClient,
  });
  const summary = deriveEventSummary(event);
  const grouping = computeGroupingHash(event);
  const tags = extractTags(event);
  const ev = event as unknown as Record<string, unknown>;
  const timestamp =
    typeof ev.timestamp === 'number' ? new Date(ev.timestamp * 1000) : new Date(String(ev.timestamp));
  const data: Record<string, unknown> = {
    ...ev,
    title: summary.title,
    culprit: summary.culprit,
    metadata: summary.metadata,
    type: summary.type,
    grouping: { hash: grouping.hash, strategy: grouping.strategy },
  };
  return {
    projectId: job.projectId,
    itemType: job.kind,
    eventId: job.eventId,
    received,
    timestamp: Number.isNaN(timestamp.getTime()) ? received : timestamp,
    type: TYPES[summary.type] ?? IssueType.Default,
    level: LEVEL_BY_NAME[String(ev.level)] ?? EventLevel.Error,
    title: summary.title.slice(0, 255),
    culprit: summary.culprit.slice(0, 1024),
    metadata: summary.metadata,
    platform: str(ev.platform, 64),
    environment: str(ev.environment, 255),
    release: str(ev.release, 255),
    userKey: userKey(event)?.slice(0, 200) ?? null,
    hash: grouping.hash,
    tags,
    dataJson: Buffer.from(JSON.stringify(data), 'utf8'),
  };
}
