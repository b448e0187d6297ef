import { isPlainObject, PlainObject } from './normalize-utils';

/** Thrown when a `/security/` body holds no CSP violation (the endpoint answers 400). */
export class InvalidCspReportError extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'InvalidCspReportError';
  }
}

/** Reporting API (`report-to`) body keys → the `csp` interface's snake_case keys. */
const REPORT_TO_KEYS: Record<string, string> = {
  documentURL: 'document_uri',
  documentURI: 'document_uri',
  blockedURL: 'blocked_uri',
  blockedURI: 'blocked_uri',
  effectiveDirective: 'effective_directive',
  violatedDirective: 'violated_directive',
  originalPolicy: 'original_policy',
  referrer: 'referrer',
  disposition: 'disposition',
  statusCode: 'status_code',
  sourceFile: 'source_file',
  lineNumber: 'line_number',
  columnNumber: 'column_number',
  sample: 'script_sample',
};

/**
 * Turns a browser CSP report into an event payload for `normalizeEvent`: the classic
 * `{"csp-report": {...}}` body, or the Reporting API shape (`[{type: "csp-violation", body: {...}}]`,
 * of which the first violation is used). The event has `type: "csp"` and the `csp` interface.
 * @throws InvalidCspReportError when the body holds no violation.
 */
export function cspReportToEvent(report: unknown): Record<string, unknown> {
  const events = cspReportsToEvents(report);
  if (!events.length) throw new InvalidCspReportError('no CSP violation in the report');
  return events[0];
}

/** Like `cspReportToEvent`, for every violation of a Reporting API batch. */
export function cspReportsToEvents(report: unknown): Array<Record<string, unknown>> {
  const bodies: PlainObject[] = [];
  if (Array.isArray(report)) {
    for (const item of report) {
      const body = reportToBody(item);
      if (body) bodies.push(body);
    }
  } else if (isPlainObject(report)) {
    if (isPlainObject(report['csp-report'])) bodies.push(classicBody(report['csp-report']));
    else {
      const body = reportToBody(report);
      if (body) bodies.push(body);
    }
  }
  return bodies.filter((csp) => csp.effective_directive || csp.violated_directive).map(eventFromCsp);
}

function classicBody(report: PlainObject): PlainObject {
  const csp: PlainObject = {};
  for (const [key, value] of Object.entries(report)) csp[key.replace(/-/g, '_')] = value;
  return csp;
}

function reportToBody(item: unknown): PlainObject | undefined {
  if (!isPlainObject(item) || item.type !== 'csp-violation' || !isPlainObject(item.body)) return undefined;
  const csp: PlainObject = {};
  for (const [key, value] of Object.entries(item.body)) {
    const mapped = REPORT_TO_KEYS[key];
    if (mapped) csp[mapped] = value;
  }
  // The Reporting API puts the page URL at the top level too.
  if (csp.document_uri === undefined && typeof item.url === 'string') csp.document_uri = item.url;
  return csp;
}

function eventFromCsp(csp: PlainObject): Record<string, unknown> {
  if (!csp.effective_directive && typeof csp.violated_directive === 'string') {
    // Older browsers only send the violated directive ("style-src cdn.example.com").
    csp.effective_directive = csp.violated_directive.trim().split(/\s+/)[0];
  }
  const event: Record<string, unknown> = {
    type: 'csp',
    platform: 'other',
    logger: 'csp',
    level: 'error',
    csp,
    tags: [
      ['effective-directive', csp.effective_directive],
      ['blocked-uri', csp.blocked_uri],
    ].filter(([, value]) => typeof value === 'string' && value !== ''),
  };
  if (typeof csp.document_uri === 'string' && csp.document_uri) {
    const request: PlainObject = { url: csp.document_uri };
    if (typeof csp.referrer === 'string' && csp.referrer) request.headers = [['Referer', csp.referrer]];
    event.request = request;
  }
  return event;
}
