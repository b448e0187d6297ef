import { IngestError } from './errors';

const DEFAULT_MAX_DEPTH = 128;
// Enough of V8's message to say what is wrong (it quotes a snippet of the input) without echoing payloads.
const MAX_REASON_LENGTH = 200;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/**
 * Parses JSON that must be an object, e.g. an event payload. `what` names the thing in error details
 * (`event payload is not valid JSON: ...`). Strips a UTF-8 byte order mark, and rejects nesting deeper
 * than `maxDepth` (default 128) before parsing: V8's JSON.parse copes with deep input, but every
 * recursive walk after it (normalization, grouping, serialization) would overflow the stack.
 */
export function parseJsonObject(
  bytes: Buffer | string,
  what: string,
  opts?: { maxDepth?: number },
): Record<string, unknown> {
  const maxDepth = opts?.maxDepth ?? DEFAULT_MAX_DEPTH;
  const input = stripBom(bytes);
  if (jsonDepthExceeds(input, maxDepth)) {
    throw new IngestError(400, `${what} is nested deeper than ${maxDepth} levels`);
  }
  let value: unknown;
  try {
    value = JSON.parse(typeof input === 'string' ? input : input.toString('utf8'));
  } catch (error) {
    throw new IngestError(400, `${what} is not valid JSON: ${shortReason(error)}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new IngestError(400, `${what} must be a JSON object`);
  }
  return value as Record<string, unknown>;
}

/**
 * True when JSON text opens more than `maxDepth` arrays/objects at once. One linear pass that jumps over
 * string literals (so brackets inside strings do not count; escaped quotes are honoured) and never
 * recurses, so it is safe on hostile input. Does not validate the JSON; JSON.parse does that after.
 */
export function jsonDepthExceeds(bytes: Buffer | string, maxDepth: number): boolean {
  // A document shorter than the limit cannot open that many containers.
  if (bytes.length <= maxDepth) return false;
  return typeof bytes === 'string'
    ? stringDepthExceeds(bytes, maxDepth)
    : bufferDepthExceeds(bytes, maxDepth);
}

function bufferDepthExceeds(bytes: Buffer, maxDepth: number): boolean {
  const length = bytes.length;
  let depth = 0;
  for (let i = 0; i < length; i++) {
    const c = bytes[i];
    if (c === QUOTE) {
      i = closingQuoteInBuffer(bytes, i + 1);
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > maxDepth) return true;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
    }
  }
  return false;
}

/** Index of the quote closing a string that starts at `from`, or the end of input if unterminated. */
function closingQuoteInBuffer(bytes: Buffer, from: number): number {
  let search = from;
  for (;;) {
    // indexOf is a native scan: far faster than a JS loop over long strings (stack frames, messages).
    const quote = bytes.indexOf(QUOTE, search);
    if (quote === -1) return bytes.length;
    let backslashes = 0;
    while (bytes[quote - 1 - backslashes] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote;
    search = quote + 1;
  }
}

function stringDepthExceeds(text: string, maxDepth: number): boolean {
  const length = text.length;
  let depth = 0;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      i = closingQuoteInString(text, i + 1);
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > maxDepth) return true;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
    }
  }
  return false;
}

function closingQuoteInString(text: string, from: number): number {
  let search = from;
  for (;;) {
    const quote = text.indexOf('"', search);
    if (quote === -1) return text.length;
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote;
    search = quote + 1;
  }
}

function stripBom(bytes: Buffer | string): Buffer | string {
  if (typeof bytes === 'string') return bytes.charCodeAt(0) === 0xfeff ? bytes.slice(1) : bytes;
  return bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf
    ? bytes.subarray(3)
    : bytes;
}

function shortReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.length > MAX_REASON_LENGTH ? `${message.slice(0, MAX_REASON_LENGTH)}...` : message;
}
