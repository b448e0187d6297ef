import { parseEnvelope } from './envelope';
import { IngestError } from './errors';

const HEADER = '{"event_id":"9ec79c33ec9942ab8353589fcb2e04dc","sent_at":"2026-08-01T10:00:00.123Z"}';
const EVENT = '{"message":"hello world","level":"error"}';

function bytes(...parts: Array<string | Buffer | number[]>): Buffer {
  return Buffer.concat(
    parts.map((part) =>
      typeof part === 'string' ? Buffer.from(part) : Buffer.isBuffer(part) ? part : Buffer.from(part),
    ),
  );
}

function rejection(body: Buffer): IngestError {
  try {
    parseEnvelope(body);
  } catch (error) {
    if (error instanceof IngestError) return error;
    throw error;
  }
  throw new Error('expected an IngestError');
}

describe('parseEnvelope', () => {
  it('parses the JS shape: no lengths, no final newline', () => {
    const envelope = parseEnvelope(bytes(`${HEADER}\n{"type":"event"}\n${EVENT}`));
    expect(envelope.header).toEqual(JSON.parse(HEADER));
    expect(envelope.items).toHaveLength(1);
    expect(envelope.items[0].header).toEqual({ type: 'event' });
    expect(envelope.items[0].payload.toString()).toBe(EVENT);
  });

  it('parses the Python shape: every item with length and a newline after each payload', () => {
    const attachment = bytes([0xef, 0xbb, 0xbf], 'Hello\r\n');
    const body = bytes(
      `${HEADER}\n`,
      `{"type":"event","content_type":"application/json","length":${Buffer.byteLength(EVENT)}}\n${EVENT}\n`,
      `{"type":"attachment","length":${attachment.length},"content_type":"text/plain","filename":"hello.txt"}\n`,
      attachment,
      '\n',
    );
    const { items } = parseEnvelope(body);
    expect(items.map((item) => item.header.type)).toEqual(['event', 'attachment']);
    expect(items[0].payload.toString()).toBe(EVENT);
    expect(items[1].payload.equals(attachment)).toBe(true);
    expect(items[1].header).toEqual({
      type: 'attachment',
      length: 10,
      content_type: 'text/plain',
      filename: 'hello.txt',
    });
  });

  it('reads length-delimited binary payloads containing newlines byte-exact', () => {
    const binary = Buffer.from([0x0a, 0x00, 0xff, 0x0a, 0x0d, 0x0a, 0x7b, 0x22, 0x0a, 0x80]);
    const body = bytes(
      '{}\n',
      `{"type":"replay_recording","length":${binary.length}}\n`,
      binary,
      '\n{"type":"event"}\n',
      EVENT,
    );
    const { items } = parseEnvelope(body);
    expect(items).toHaveLength(2);
    expect(items[0].payload.equals(binary)).toBe(true);
    expect(items[1].payload.toString()).toBe(EVENT);
  });

  it('counts length in bytes, not characters', () => {
    const text = Buffer.from('naïve ✓ 日本');
    const body = bytes(
      '{}\n',
      `{"type":"attachment","length":${text.length},"filename":"naïve.txt"}\n`,
      text,
    );
    const { items } = parseEnvelope(body);
    expect(items[0].payload.toString()).toBe('naïve ✓ 日本');
    expect(items[0].header.filename).toBe('naïve.txt');
  });

  it('accepts a length-delimited last item without a final newline', () => {
    const { items } = parseEnvelope(bytes('{}\n{"type":"attachment","length":3}\nabc'));
    expect(items[0].payload.toString()).toBe('abc');
  });

  it('returns payloads as views into the body, not copies', () => {
    const body = bytes(`${HEADER}\n{"type":"event"}\n${EVENT}`);
    const { payload } = parseEnvelope(body).items[0];
    expect(payload.buffer).toBe(body.buffer);
    expect(payload.byteOffset).toBe(body.byteOffset + body.indexOf(EVENT));
  });

  it('parses unknown item types like any other and keeps unknown attributes', () => {
    const body = bytes(
      `{"dsn":"https://k@host/1","custom":{"x":1}}\n`,
      `{"type":"foo","length":3,"weird":[1,2]}\nabc\n`,
      `{"type":"event"}\n${EVENT}\n`,
      `{"type":"client_report"}\n{"discarded_events":[]}`,
    );
    const envelope = parseEnvelope(body);
    expect(envelope.header).toEqual({ dsn: 'https://k@host/1', custom: { x: 1 } });
    expect(envelope.items.map((item) => item.header.type)).toEqual(['foo', 'event', 'client_report']);
    expect(envelope.items[0].header.weird).toEqual([1, 2]);
    expect(envelope.items[0].payload.toString()).toBe('abc');
  });

  it('accepts an envelope with a header and no items', () => {
    expect(parseEnvelope(bytes('{}'))).toEqual({ header: {}, items: [] });
    expect(parseEnvelope(bytes('{}\n'))).toEqual({ header: {}, items: [] });
    expect(parseEnvelope(bytes(`${HEADER}\n\n`)).items).toEqual([]);
  });

  it('skips blank trailing lines', () => {
    const { items } = parseEnvelope(bytes(`{}\n{"type":"event"}\n${EVENT}\n\n\r\n  \n`));
    expect(items).toHaveLength(1);
    expect(items[0].payload.toString()).toBe(EVENT);
  });

  it('tolerates CRLF line endings', () => {
    const body = bytes(
      `${HEADER}\r\n`,
      '{"type":"attachment","length":5}\r\n',
      'a\nb\rc',
      '\r\n',
      `{"type":"event"}\r\n${EVENT}\r\n`,
    );
    const { header, items } = parseEnvelope(body);
    expect(header).toEqual(JSON.parse(HEADER));
    expect(items.map((item) => item.header.type)).toEqual(['attachment', 'event']);
    expect(items[0].payload.toString()).toBe('a\nb\rc');
    // Without a length the payload runs to `\n`, so the `\r` stays (as in Relay); JSON.parse ignores it.
    expect(items[1].payload.toString()).toBe(`${EVENT}\r`);
    expect(JSON.parse(items[1].payload.toString())).toEqual(JSON.parse(EVENT));
  });

  it('gives empty payloads for empty lines, zero lengths and headers at the end of the body', () => {
    // Python writes `header \n payload \n`, so a zero-length payload shows up as two newlines in a row.
    const body = bytes(
      '{}\n',
      '{"type":"a"}\n',
      '\n',
      '{"type":"b","length":0}\n',
      '\n',
      '{"type":"c","length":0}',
    );
    const { items } = parseEnvelope(body);
    expect(items.map((item) => [item.header.type, item.payload.length])).toEqual([
      ['a', 0],
      ['b', 0],
      ['c', 0],
    ]);
    expect(parseEnvelope(bytes('{}\n{"type":"event"}')).items[0].payload.length).toBe(0);
    expect(parseEnvelope(bytes('{}\n{"type":"event"}\n')).items[0].payload.length).toBe(0);
  });

  it('ignores a UTF-8 BOM before the envelope header', () => {
    const { header, items } = parseEnvelope(
      bytes([0xef, 0xbb, 0xbf], `${HEADER}\n{"type":"event"}\n${EVENT}`),
    );
    expect(header.event_id).toBe('9ec79c33ec9942ab8353589fcb2e04dc');
    expect(items).toHaveLength(1);
  });

  it('treats a null length as absent', () => {
    const { items } = parseEnvelope(bytes(`{}\n{"type":"event","length":null}\n${EVENT}`));
    expect(items[0].payload.toString()).toBe(EVENT);
  });

  describe('errors', () => {
    it('rejects an empty body', () => {
      expect(rejection(Buffer.alloc(0))).toMatchObject({ status: 400, detail: 'empty envelope' });
    });

    it('rejects a malformed envelope header with the JSON reason', () => {
      const error = rejection(bytes('{"event_id":\n{"type":"event"}\n{}'));
      expect(error.status).toBe(400);
      expect(error.detail).toMatch(/^invalid envelope header: \S/);
      expect(rejection(bytes('\n{"type":"event"}\n{}')).detail).toMatch(/^invalid envelope header: /);
    });

    it('rejects an envelope header that is not an object', () => {
      expect(rejection(bytes('[]\n{"type":"event"}\n{}')).detail).toBe(
        'envelope header is not a JSON object',
      );
      expect(rejection(bytes('"text"')).detail).toBe('envelope header is not a JSON object');
    });

    it('names the item whose header is not JSON', () => {
      const error = rejection(bytes(`{}\n{"type":"event"}\n${EVENT}\n{type:session}\n{}`));
      expect(error.status).toBe(400);
      expect(error.detail).toMatch(/^envelope item 2: header is not valid JSON: \S/);
    });

    it('rejects an item header that is not an object', () => {
      expect(rejection(bytes('{}\n["event"]\n{}')).detail).toBe(
        'envelope item 1: header is not a JSON object',
      );
    });

    it('rejects an item without a type', () => {
      expect(rejection(bytes('{}\n{"length":2}\n{}')).detail).toBe('envelope item 1: missing type');
      expect(rejection(bytes('{}\n{"type":""}\n{}')).detail).toBe('envelope item 1: missing type');
      expect(rejection(bytes('{}\n{"type":7}\n{}')).detail).toBe('envelope item 1: type must be a string');
    });

    it('rejects a length running past the end of the body', () => {
      const payload = 'x'.repeat(120);
      const error = rejection(bytes(`{}\n{"type":"attachment","length":500}\n${payload}`));
      expect(error).toMatchObject({
        status: 400,
        detail: 'envelope item 1: length 500 exceeds remaining 120 bytes',
      });
    });

    it('rejects lengths that are not non-negative integers', () => {
      for (const length of ['-1', '1.5', '"3"', 'true', '{}']) {
        const error = rejection(bytes(`{}\n{"type":"attachment","length":${length}}\nabc`));
        expect(error.detail).toBe(`envelope item 1: invalid length ${length}`);
      }
    });

    it('rejects a length payload followed by something other than a newline', () => {
      const error = rejection(bytes('{}\n{"type":"event"}\n{}\n{"type":"attachment","length":2}\nabc\n'));
      expect(error.detail).toBe('envelope item 2: expected a newline after the 2-byte payload');
    });

    it('rejects hostile nesting in a header line', () => {
      const deep = '['.repeat(100_000) + ']'.repeat(100_000);
      expect(rejection(bytes(`{"a":${deep}}\n`)).detail).toBe(
        'envelope header is nested deeper than 32 levels',
      );
      expect(rejection(bytes(`{}\n{"type":"event","a":${deep}}\n{}`)).detail).toBe(
        'envelope item 1: header is nested deeper than 32 levels',
      );
    });
  });
});
