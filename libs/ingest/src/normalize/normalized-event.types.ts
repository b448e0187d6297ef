/**
 * The canonical event produced by `normalizeEvent`: Sentry protocol field names (snake_case), every
 * interface in one shape only (lists are always `{ values: [...] }`, tags are always pairs), and every
 * repair listed in `errors`. Optional fields are left out rather than set to null.
 */

export type EventLevel = 'fatal' | 'error' | 'warning' | 'info' | 'debug';

/** One repair done while normalizing (same shape as Sentry's `event.errors`). */
export interface NormalizationError {
  /**
   * - `invalid_data`: the value had the wrong type or an invalid form and was dropped (or defaulted)
   * - `missing_attribute`: a required attribute was missing and a default was filled in
   * - `value_too_long`: a string was truncated
   * - `items_trimmed`: a list, object or nested data bag was cut to the size/depth limits
   * - `future_timestamp` / `past_timestamp`: the timestamp was outside [now - 30 days, now + 60 s] and
   *   was replaced by the receive time
   * - `clock_drift`: the client clock (`sent_at`) was off by 55 min or more; timestamps were shifted
   */
  type: string;
  /** Dotted path of the field, e.g. `exception.values.0.mechanism`. */
  name?: string;
  /** The offending input value (shortened), when useful. */
  value?: unknown;
}

export interface LogEntry {
  /** Template, e.g. `"User %s not found"`. */
  message?: string;
  params?: unknown[] | Record<string, unknown>;
  /** Always set when a message exists: the template with its params filled in. */
  formatted?: string;
}

export interface Mechanism {
  type: string;
  handled?: boolean;
  synthetic?: boolean;
  description?: string;
  help_link?: string;
  source?: string;
  exception_id?: number;
  parent_id?: number;
  is_exception_group?: boolean;
  meta?: Record<string, unknown>;
  data?: Record<string, unknown>;
}

export interface StackFrame {
  filename?: string;
  abs_path?: string;
  function?: string;
  raw_function?: string;
  module?: string;
  package?: string;
  platform?: string;
  symbol?: string;
  lineno?: number;
  colno?: number;
  in_app?: boolean;
  context_line?: string;
  pre_context?: string[];
  post_context?: string[];
  vars?: Record<string, unknown>;
  instruction_addr?: string;
  symbol_addr?: string;
  image_addr?: string;
  addr_mode?: string;
  stack_start?: boolean;
  source_link?: string;
  data?: Record<string, unknown>;
}

export interface Stacktrace {
  frames: StackFrame[];
  /** `[start, end)` indexes of the frames removed from the middle when the trace was too long. */
  frames_omitted?: [number, number];
  registers?: Record<string, string>;
}

export interface ExceptionValue {
  type?: string;
  value?: string;
  module?: string;
  thread_id?: number | string;
  mechanism?: Mechanism;
  stacktrace?: Stacktrace;
  raw_stacktrace?: Stacktrace;
}

export interface Thread {
  id?: number | string;
  name?: string;
  crashed?: boolean;
  current?: boolean;
  main?: boolean;
  state?: string;
  stacktrace?: Stacktrace;
  held_locks?: Record<string, unknown>;
}

export interface Breadcrumb {
  /** Float Unix seconds. */
  timestamp?: number;
  type?: string;
  category?: string;
  level?: EventLevel;
  message?: string;
  event_id?: string;
  data?: Record<string, unknown>;
}

export interface EventUser {
  id?: string;
  email?: string;
  username?: string;
  ip_address?: string;
  name?: string;
  segment?: string;
  geo?: Record<string, unknown>;
  /** Unknown user keys end up here. */
  data?: Record<string, unknown>;
}

export type Pairs = Array<[string, string]>;

export interface EventRequest {
  /** Without query string and fragment (those are split into their own fields). */
  url?: string;
  method?: string;
  data?: unknown;
  /** Sorted by key. */
  query_string?: Pairs;
  fragment?: string;
  /** Sorted by key. */
  cookies?: Pairs;
  /** Sorted by name; names in canonical case (`User-Agent`); the `Cookie` header is never kept. */
  headers?: Pairs;
  env?: Record<string, unknown>;
  inferred_content_type?: string;
}

/** A context always has a `type` (taken from its key when the SDK left it out). */
export type EventContext = Record<string, unknown> & { type: string };

export interface CspReport {
  blocked_uri?: string;
  document_uri?: string;
  effective_directive?: string;
  violated_directive?: string;
  original_policy?: string;
  referrer?: string;
  disposition?: string;
  status_code?: number;
  source_file?: string;
  line_number?: number;
  column_number?: number;
  script_sample?: string;
}

export interface SdkInfo {
  name?: string;
  version?: string;
  integrations?: string[];
  packages?: Array<{ name: string; version: string }>;
  settings?: Record<string, unknown>;
}

export interface NormalizedEvent {
  /** 32 lowercase hex characters. */
  event_id: string;
  /** Float Unix seconds (µs precision), after clock-drift and range repairs. */
  timestamp: number;
  /** `timestamp` as an ISO 8601 UTC string. */
  datetime: string;
  /** Receive time, ISO 8601 UTC. */
  received: string;
  level: EventLevel;
  /** Defaults to `other`. */
  platform: string;
  /** Sent `type` when meaningful (`transaction`, `csp`, ...); `deriveEventSummary` decides the issue type. */
  type?: string;
  logger?: string;
  server_name?: string;
  site?: string;
  release?: string;
  dist?: string;
  environment?: string;
  transaction?: string;
  transaction_info?: Record<string, unknown>;
  /** Deprecated by Sentry but still accepted; wins over the derived culprit. */
  culprit?: string;
  logentry?: LogEntry;
  exception?: { values: ExceptionValue[] };
  /** Only when it could not be moved into a lone exception. */
  stacktrace?: Stacktrace;
  threads?: { values: Thread[] };
  breadcrumbs?: { values: Breadcrumb[] };
  /** The event's own tags as given by the SDK, cleaned (see `extractTags` for the full tag set). */
  tags: Pairs;
  extra?: Record<string, unknown>;
  contexts?: Record<string, EventContext>;
  user?: EventUser;
  request?: EventRequest;
  fingerprint?: string[];
  modules?: Record<string, string>;
  sdk?: SdkInfo;
  debug_meta?: Record<string, unknown>;
  csp?: CspReport;
  /** Transaction-only fields, kept when present. */
  start_timestamp?: number;
  spans?: unknown[];
  measurements?: Record<string, unknown>;
  errors: NormalizationError[];
}

export interface NormalizeContext {
  receivedAt: Date;
  /** Event id from the envelope header or the URL; wins over the payload's. */
  eventId?: string;
  /** Address of the client, used for `{{auto}}` IPs. */
  clientIp?: string;
  /** `sentry_client` value (`name/version`), used when the payload has no `sdk`. */
  sentryClient?: string;
  /** Envelope `sent_at`; enables Relay's clock-drift correction. */
  sentAt?: Date;
}
