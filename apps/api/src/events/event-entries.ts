/** Builds the `entries` list of Sentry's legacy event shape, which GlitchTip's UI renders. */
type Json = Record<string, unknown>;

function asRecord(value: unknown): Json | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : null;
}

function valuesOf(value: unknown): Json[] {
  const record = asRecord(value);
  const list = Array.isArray(value)
    ? value
    : Array.isArray(record?.values)
      ? (record!.values as unknown[])
      : [];
  return list.map(asRecord).filter((v): v is Json => v !== null);
}

function frameContext(frame: Json): Array<[number, string]> {
  const line = typeof frame.lineno === 'number' ? frame.lineno : null;
  if (line === null || typeof frame.context_line !== 'string') return [];
  const pre = Array.isArray(frame.pre_context) ? (frame.pre_context as unknown[]) : [];
  const post = Array.isArray(frame.post_context) ? (frame.post_context as unknown[]) : [];
  return [
    ...pre.map((text, i): [number, string] => [line - pre.length + i, String(text ?? '')]),
    [line, frame.context_line],
    ...post.map((text, i): [number, string] => [line + 1 + i, String(text ?? '')]),
  ];
}

function serializeFrame(frame: Json): Json {
  return {
    filename: frame.filename ?? null,
    absPath: frame.abs_path ?? frame.filename ?? null,
    module: frame.module ?? null,
    package: frame.package ?? null,
    platform: frame.platform ?? null,
    instructionAddr: frame.instruction_addr ?? null,
    symbolAddr: frame.symbol_addr ?? null,
    // "?" is how browser SDKs write an anonymous function; Sentry shows null.
    function: frame.function === '?' ? null : (frame.function ?? null),
    ...(frame.raw_function !== undefined ? { rawFunction: frame.raw_function } : {}),
    symbol: frame.symbol ?? null,
    context: frameContext(frame),
    lineNo: frame.lineno ?? null,
    colNo: frame.colno ?? null,
    inApp: frame.in_app ?? false,
    trust: frame.trust ?? null,
    errors: null,
    vars: frame.vars ?? null,
  };
}

/** Sentry's rule: a trace has system frames when it mixes in-app frames with others. */
function hasSystemFrames(frames: Json[]): boolean {
  const system = frames.filter((f) => f.in_app !== true).length;
  return system > 0 && system !== frames.length;
}

/** Breadcrumb timestamps as ISO strings with milliseconds, as Sentry's API shows them. */
function isoTimestamp(value: unknown): unknown {
  if (typeof value === 'number' && Number.isFinite(value))
    return new Date(Math.round(value * 1000)).toISOString();
  return value ?? null;
}

function headerValue(headers: unknown, name: string): string | null {
  if (!Array.isArray(headers)) return null;
  for (const pair of headers) {
    if (Array.isArray(pair) && typeof pair[0] === 'string' && pair[0].toLowerCase() === name.toLowerCase()) {
      return typeof pair[1] === 'string' ? pair[1] : null;
    }
  }
  return null;
}

function isEmptyObject(value: unknown): boolean {
  const record = asRecord(value);
  return record !== null && Object.keys(record).length === 0;
}

function serializeStacktrace(stacktrace: unknown): Json | null {
  const record = asRecord(stacktrace);
  if (!record) return null;
  const frames = valuesOf({ values: record.frames });
  return {
    frames: frames.map(serializeFrame),
    framesOmitted: record.frames_omitted ?? null,
    registers: record.registers ?? null,
    hasSystemFrames: hasSystemFrames(frames),
  };
}

/**
 * Entries in the order Sentry's API lists them (message, exception, breadcrumbs, request, csp). Threads are
 * left out, as GlitchTip does: its web UI renders only these five types.
 */
export function buildEntries(data: Json): Json[] {
  const entries: Json[] = [];
  const logentry = asRecord(data.logentry);
  if (logentry) {
    const formatted = logentry.formatted ?? logentry.message ?? null;
    const message: Json = { formatted };
    if (typeof logentry.message === 'string' && logentry.message !== formatted)
      message.message = logentry.message;
    if (logentry.params !== undefined && logentry.params !== null) message.params = logentry.params;
    entries.push({ type: 'message', data: message });
  } else if (typeof data.message === 'string' && data.message) {
    entries.push({ type: 'message', data: { formatted: data.message } });
  }
  const exceptions = valuesOf(data.exception);
  if (exceptions.length) {
    const values = exceptions.map((exc) => ({
      type: exc.type ?? null,
      value: exc.value ?? null,
      module: exc.module ?? null,
      threadId: exc.thread_id ?? null,
      mechanism: exc.mechanism ?? null,
      stacktrace: serializeStacktrace(exc.stacktrace),
      rawStacktrace: serializeStacktrace(exc.raw_stacktrace),
    }));
    entries.push({
      type: 'exception',
      data: { values, excOmitted: null, hasSystemFrames: values.some((v) => v.stacktrace?.hasSystemFrames) },
    });
  }
  const breadcrumbs = valuesOf(data.breadcrumbs);
  if (breadcrumbs.length) {
    entries.push({
      type: 'breadcrumbs',
      data: {
        values: breadcrumbs.map((b) => ({
          timestamp: isoTimestamp(b.timestamp),
          type: b.type ?? 'default',
          category: b.category ?? null,
          level: b.level ?? 'info',
          message: b.message ?? null,
          data: b.data === undefined || isEmptyObject(b.data) ? null : b.data,
          event_id: b.event_id ?? null,
        })),
      },
    });
  }
  const request = asRecord(data.request);
  if (request) {
    entries.push({
      type: 'request',
      data: {
        url: request.url ?? null,
        method: request.method ?? null,
        query: request.query_string ?? [],
        fragment: request.fragment ?? '',
        data: request.data ?? null,
        headers: request.headers ?? [],
        cookies: request.cookies ?? [],
        env: request.env ?? null,
        inferredContentType: request.inferred_content_type ?? headerValue(request.headers, 'Content-Type'),
      },
    });
  }
  const csp = asRecord(data.csp);
  if (csp) entries.push({ type: 'csp', data: csp });
  return entries;
}
