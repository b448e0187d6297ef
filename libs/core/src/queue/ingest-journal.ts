import {
  closeSync,
  fdatasync,
  fdatasyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { QueueItem } from './ingest-queue';

export interface JournalRecord<T extends QueueItem = QueueItem> {
  seq: number;
  job: T;
}

interface Segment {
  number: number;
  path: string;
  /** Highest record sequence number in the segment (0 when it holds none). */
  lastSeq: number;
  size: number;
}

const SEGMENT = /^segment-(\d+)\.jsonl$/;

function readSegments(dir: string, onWarning: (message: string) => void) {
  const segments: Segment[] = [];
  const records = new Map<number, QueueItem>();
  let acked = 0;
  let maxSeq = 0;
  const files = readdirSync(dir)
    .map((name) => ({ name, match: SEGMENT.exec(name) }))
    .filter((f): f is { name: string; match: RegExpExecArray } => f.match !== null)
    .map((f) => ({ path: join(dir, f.name), number: Number(f.match[1]) }))
    .sort((a, b) => a.number - b.number);
  for (const file of files) {
    const text = readFileSync(file.path, 'utf8');
    const lines = text.split('\n');
    let lastSeq = 0;
    lines.forEach((line, index) => {
      if (!line) return;
      let entry: { s?: number; j?: QueueItem; a?: number };
      try {
        entry = JSON.parse(line) as typeof entry;
      } catch {
        if (index !== lines.length - 1) onWarning(`skipping a damaged line in ${file.path}`);
        return; // the last line: a write cut short by a crash, never acknowledged to the client
      }
      if (typeof entry.a === 'number') acked = Math.max(acked, entry.a);
      if (typeof entry.s === 'number' && entry.j) {
        records.set(entry.s, entry.j);
        lastSeq = Math.max(lastSeq, entry.s);
        maxSeq = Math.max(maxSeq, entry.s);
      }
    });
    segments.push({ ...file, lastSeq, size: Buffer.byteLength(text) });
  }
  const pending: JournalRecord[] = [...records.entries()]
    .filter(([seq]) => seq > acked)
    .sort((a, b) => a[0] - b[0])
    .map(([seq, job]) => ({ seq, job }));
  return { segments, pending, acked, maxSeq };
}

/** The jobs a journal directory holds that are not acknowledged yet, read without changing anything. */
export function unacknowledgedJobs(dir: string): JournalRecord[] {
  try {
    return readSegments(dir, () => undefined).pending;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}
const ROTATE_AT_BYTES = 16 * 1024 * 1024;
const SYNC_EVERY_MS = 1_000;

/**
 * The write-ahead journal of the in-process ingest queue: an append-only file of accepted jobs and
 * acknowledgements under the data directory.
 *
 * - `append` writes the job with a synchronous write() before the caller answers the client, so a job the API has
 *   acknowledged is in the operating system's hands even if the process is killed the next instant. The file is
 *   fdatasync'ed within a second of each write (and on close).
 * - Jobs are consumed in order, so one acknowledgement line `{"a": seq}` marks every job up to `seq` done.
 * - Segments rotate at 16 MiB; a segment whose jobs are all acknowledged is deleted. Every segment starts with the
 *   acknowledgement in force when it was opened, so deleting old segments never loses it.
 * - `open` reads what a previous process left and returns the jobs it had not finished, in order. A torn last
 *   line (a crash in the middle of a write, before the client got its answer) is ignored.
 */
export class IngestJournal {
  private readonly closedSegments: Segment[] = [];
  private current!: Segment;
  private fd = -1;
  private dirty = false;
  private syncing = false;
  private readonly timer: NodeJS.Timeout;

  private constructor(
    private readonly dir: string,
    private nextSeq: number,
    private acked: number,
    segments: Segment[],
  ) {
    this.closedSegments.push(...segments);
    this.openSegment((segments.at(-1)?.number ?? 0) + 1);
    this.deleteFinishedSegments();
    this.timer = setInterval(() => this.syncSoon(), SYNC_EVERY_MS);
    this.timer.unref();
  }

  static open(dir: string, onWarning: (message: string) => void = () => undefined) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const { segments, pending, acked, maxSeq } = readSegments(dir, onWarning);
    const journal = new IngestJournal(dir, Math.max(maxSeq, acked) + 1, acked, segments);
    return { journal, pending };
  }

  /** Records an accepted job; returns its sequence number. Throws if the disk refuses the write. */
  append(job: QueueItem): number {
    const seq = this.nextSeq++;
    this.write(`${JSON.stringify({ s: seq, j: job })}\n`);
    this.current.lastSeq = seq;
    return seq;
  }

  /** Marks every job up to `seq` done. */
  ack(seq: number): void {
    if (seq <= this.acked) return;
    this.acked = seq;
    this.write(`{"a":${seq}}\n`);
    if (this.current.size >= ROTATE_AT_BYTES) {
      this.closeSegment();
      this.openSegment(this.current.number + 1);
    }
    this.deleteFinishedSegments();
  }

  close(): void {
    clearInterval(this.timer);
    this.closeSegment();
  }

  private write(line: string): void {
    const bytes = Buffer.from(line, 'utf8');
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(this.fd, bytes, offset, bytes.length - offset);
    this.current.size += bytes.length;
    this.dirty = true;
  }

  private syncSoon(): void {
    if (!this.dirty || this.syncing || this.fd < 0) return;
    this.dirty = false;
    this.syncing = true;
    fdatasync(this.fd, () => {
      this.syncing = false;
    });
  }

  private openSegment(number: number): void {
    const path = join(this.dir, `segment-${String(number).padStart(8, '0')}.jsonl`);
    this.fd = openSync(path, 'a', 0o600);
    this.current = { number, path, lastSeq: 0, size: 0 };
    this.write(`{"a":${this.acked}}\n`);
  }

  private closeSegment(): void {
    if (this.fd < 0) return;
    const fd = this.fd;
    this.fd = -1;
    // An fdatasync still in flight on this descriptor may fail once it is closed; this one covers it.
    fdatasyncSync(fd);
    closeSync(fd);
    this.closedSegments.push(this.current);
  }

  private deleteFinishedSegments(): void {
    for (let i = this.closedSegments.length - 1; i >= 0; i--) {
      const segment = this.closedSegments[i]!;
      if (segment.lastSeq <= this.acked) {
        try {
          unlinkSync(segment.path);
        } catch {
          /* already gone */
        }
        this.closedSegments.splice(i, 1);
      }
    }
  }
}
