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
    function: frame.function ?? null,
    rawFunction: frame.raw_function ?? null,
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

function serializeStacktrace(stacktrace: unknown): Json | null {
  const record = asRecord(stacktrace);
  if (!record) return null;
  const frames = valuesOf({ values: record.frames });
  return {
    frames: frames.map(serializeFrame),
    framesOmitted: record.frames_omitted ?? null,
    registers: record.registers ?? null,
    hasSystemFrames: frames.some((f) => f.in_app !== true),
  };
}

export function buildEntries(data: Json): Json[] {
  const entries: Json[] = [];
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
  const logentry = asRecord(data.logentry);
  if (logentry) {
    entries.push({
      type: 'message',
      data: {
        formatted: logentry.formatted ?? logentry.message ?? null,
        message: logentry.message ?? null,
        params: logentry.params ?? null,
      },
    });
  }
  const breadcrumbs = valuesOf(data.breadcrumbs);
  if (breadcrumbs.length) {
    entries.push({
      type: 'breadcrumbs',
      data: {
        values: breadcrumbs.map((b) => ({
          timestamp: b.timestamp ?? null,
          type: b.type ?? 'default',
          category: b.category ?? null,
          level: b.level ?? 'info',
          message: b.message ?? null,
          data: b.data ?? null,
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
        fragment: request.fragment ?? null,
        data: request.data ?? null,
        headers: request.headers ?? [],
        cookies: request.cookies ?? [],
        env: request.env ?? null,
        inferredContentType: request.inferred_content_type ?? null,
      },
    });
  }
  const csp = asRecord(data.csp);
  if (csp) entries.push({ type: 'csp', data: csp });
  return entries;
}
