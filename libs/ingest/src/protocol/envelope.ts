import { IngestError } from './errors';
import { jsonDepthExceeds } from './json';

export interface EnvelopeItemHeader {
  type: string;
  length?: number;
  [key: string]: unknown;
}

export interface EnvelopeItem {
  header: EnvelopeItemHeader;
  /** The payload bytes; a view into the request body, not a copy. */
  payload: Buffer;
}

export interface Envelope {
  header: Record<string, unknown>;
  items: EnvelopeItem[];
}

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
// Header lines are small flat objects; this only stops hostile nesting from reaching JSON.parse.
const MAX_HEADER_DEPTH = 32;

/**
 * Parses a Sentry envelope, byte-exact (develop-docs envelopes.mdx, Relay `envelope/mod.rs`):
 *
 *   Envelope = Headers { "\n" Item } [ "\n" ]      Item = Headers "\n" Payload
 *
 * An item with `length` takes exactly that many bytes (binary-safe: attachments, gzipped replays),
 * optionally followed by `\n`; an item without runs to the next `\n` or the end of the body. The final
 * newline is optional (the JS SDKs omit it, Python adds it). Unknown item types are parsed like any other.
 *
 * More lenient than Relay: a `\r` ending a header line is ignored (Relay rejects CRLF), blank lines where
 * an item header is expected are skipped (trailing newlines, Python-style `\n` after a length payload
 * followed by another), and a UTF-8 BOM before the envelope header is ignored. A `\r` ending a payload
 * without `length` is kept, as in Relay: JSON parsers ignore it.
 *
 * Works on the Buffer and only decodes the header lines to strings. Throws IngestError 400 naming the
 * item (1-based) and what is wrong.
 */
export function parseEnvelope(body: Buffer): Envelope {
  const size = body.length;
  let offset = hasBom(body) ? 3 : 0;
  if (offset >= size) throw new IngestError(400, 'empty envelope');

  const headerEnd = lineEnd(body, offset);
  const header = parseHeaderLine(body, offset, headerEnd, (reason, isSyntaxError) =>
    isSyntaxError ? `invalid envelope header: ${reason}` : `envelope header ${reason}`,
  );
  offset = headerEnd + 1;

  const items: EnvelopeItem[] = [];
  while (offset < size) {
    const lineStop = lineEnd(body, offset);
    if (isBlank(body, offset, lineStop)) {
      offset = lineStop + 1;
      continue;
    }
    const itemNumber = items.length + 1;
    const problem = (reason: string): string => `envelope item ${itemNumber}: ${reason}`;
    const itemHeader = parseHeaderLine(body, offset, lineStop, (reason, isSyntaxError) =>
      problem(isSyntaxError ? `header is not valid JSON: ${reason}` : `header ${reason}`),
    );
    const type = itemHeader.type;
    if (typeof type !== 'string' || type === '') {
      throw new IngestError(
        400,
        problem(type === undefined || type === '' ? 'missing type' : 'type must be a string'),
      );
    }

    const payloadStart = Math.min(lineStop + 1, size);
    const length = itemHeader.length;
    let payloadEnd: number;
    if (length === undefined || length === null) {
      payloadEnd = lineEnd(body, payloadStart);
      offset = payloadEnd + 1;
    } else {
      if (typeof length !== 'number' || !Number.isInteger(length) || length < 0) {
        throw new IngestError(400, problem(`invalid length ${JSON.stringify(length)}`));
      }
      const remaining = size - payloadStart;
      if (length > remaining) {
        throw new IngestError(400, problem(`length ${length} exceeds remaining ${remaining} bytes`));
      }
      payloadEnd = payloadStart + length;
      offset = afterPayloadTerminator(body, payloadEnd);
      if (offset === -1) {
        throw new IngestError(400, problem(`expected a newline after the ${length}-byte payload`));
      }
    }
    items.push({
      header: itemHeader as EnvelopeItemHeader,
      payload: body.subarray(payloadStart, payloadEnd),
    });
  }
  return { header, items };
}

/** Index of the next `\n` at or after `from`, or the body length when there is none. */
function lineEnd(body: Buffer, from: number): number {
  const newline = body.indexOf(NEWLINE, from);
  return newline === -1 ? body.length : newline;
}

/** Where parsing continues after a length-delimited payload: past its `\n` or `\r\n`, or -1 if neither. */
function afterPayloadTerminator(body: Buffer, payloadEnd: number): number {
  if (payloadEnd >= body.length) return body.length;
  if (body[payloadEnd] === NEWLINE) return payloadEnd + 1;
  if (
    body[payloadEnd] === CARRIAGE_RETURN &&
    (payloadEnd + 1 === body.length || body[payloadEnd + 1] === NEWLINE)
  ) {
    return payloadEnd + 2;
  }
  return -1;
}

function parseHeaderLine(
  body: Buffer,
  start: number,
  end: number,
  describe: (reason: string, isSyntaxError: boolean) => string,
): Record<string, unknown> {
  const line = body.subarray(start, end);
  if (jsonDepthExceeds(line, MAX_HEADER_DEPTH)) {
    throw new IngestError(400, describe(`is nested deeper than ${MAX_HEADER_DEPTH} levels`, false));
  }
  let value: unknown;
  try {
    // JSON.parse treats a trailing `\r` as whitespace, which is what makes CRLF header lines work.
    value = JSON.parse(line.toString('utf8'));
  } catch (error) {
    throw new IngestError(400, describe(error instanceof Error ? error.message : String(error), true));
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new IngestError(400, describe('is not a JSON object', false));
  }
  return value as Record<string, unknown>;
}

function isBlank(body: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = body[i];
    if (c !== 0x20 && c !== 0x09 && c !== CARRIAGE_RETURN) return false;
  }
  return true;
}

function hasBom(body: Buffer): boolean {
  return body.length >= 3 && body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf;
}
