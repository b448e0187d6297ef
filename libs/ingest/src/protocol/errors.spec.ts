import { IngestError } from './errors';

describe('IngestError', () => {
  it('carries the HTTP status and the detail message', () => {
    const error = new IngestError(413, 'request body exceeds 10 bytes');
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(IngestError);
    expect(error.status).toBe(413);
    expect(error.detail).toBe('request body exceeds 10 bytes');
    expect(error.message).toBe('request body exceeds 10 bytes');
    expect(error.name).toBe('IngestError');
  });
});
