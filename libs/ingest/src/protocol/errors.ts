/**
 * A rejection of an ingest request. `status` is the HTTP status to answer and `detail` the message
 * sent back as `{"detail": ...}` (Relay's error body shape, which SDKs log but never parse).
 */
export class IngestError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
  ) {
    super(detail);
    this.name = 'IngestError';
  }
}
