/**
 * The fields grouping reads from a normalized event. Structural on purpose: `NormalizedEvent` from
 * `@app/ingest` fits it, but this library must not import ingest (the dependency goes ingest → issues).
 */

export interface GroupingFrame {
  filename?: string | null;
  abs_path?: string | null;
  function?: string | null;
  raw_function?: string | null;
  module?: string | null;
  platform?: string | null;
  in_app?: boolean | null;
  /** Line and column never contribute to the hash (they move with every edit). */
  lineno?: number | null;
  colno?: number | null;
}

export interface GroupingStacktrace {
  frames?: GroupingFrame[] | null;
}

export interface GroupingException {
  type?: string | null;
  value?: string | null;
  mechanism?: { synthetic?: boolean | null; type?: string | null } | null;
  stacktrace?: GroupingStacktrace | null;
}

export interface GroupingEvent {
  platform?: string | null;
  exception?: { values?: GroupingException[] | null } | null;
  /** Top-level stack trace (only when it could not be moved into an exception). */
  stacktrace?: GroupingStacktrace | null;
  threads?: { values?: Array<{ stacktrace?: GroupingStacktrace | null }> | null } | null;
  logentry?: { message?: string | null; formatted?: string | null; params?: unknown } | null;
  /** Accepted for events that were not normalized (a plain string). */
  message?: unknown;
  fingerprint?: string[] | null;
  transaction?: string | null;
  level?: string | null;
  logger?: string | null;
  tags?: ReadonlyArray<readonly [string, string]> | Record<string, string> | null;
  csp?: {
    effective_directive?: string | null;
    violated_directive?: string | null;
    blocked_uri?: string | null;
  } | null;
}

export interface GroupingResult {
  /** 32 lowercase hex characters (md5). */
  hash: string;
  /**
   * How the hash was made: `exception` (types + stack frames), `exception-value` (types + normalized
   * values, no frame contributed), `message`, `csp`, `empty` (nothing usable), or `fingerprint` /
   * `fingerprint+<default strategy>` when an SDK fingerprint was used.
   */
  strategy: string;
}
