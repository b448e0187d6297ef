import { appendFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InProcessIngestQueue } from './in-process-ingest-queue';
import { unacknowledgedJobs } from './ingest-journal';
import { QueueItem } from './ingest-queue';

/** The shape of an ingest item (the ingest lib's own type is not core's to import). */
interface TestItem extends QueueItem {
  projectId: number;
  eventId: string;
  kind: string;
}

function job(n: number, projectId = 1): TestItem {
  return {
    projectId,
    eventId: n.toString(16).padStart(32, '0'),
    receivedAt: 1_700_000_000_000 + n,
    kind: 'event',
    payload: JSON.stringify({ message: `event ${n}` }),
  };
}

describe('InProcessIngestQueue', () => {
  let dataDir: string;
  const journalDir = () => join(dataDir, 'ingest-queue');
  const open = (options: Partial<{ batchSize: number; batchWaitMs: number; drainTimeoutMs: number }> = {}) =>
    InProcessIngestQueue.open<TestItem>(dataDir, {
      batchSize: 3,
      batchWaitMs: 20,
      pendingKey: (item) => `${(item as TestItem).projectId}:${(item as TestItem).eventId}`,
      ...options,
    });

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'gt-queue-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('delivers jobs in order, in batches, and acknowledges them in the journal', async () => {
    const queue = open();
    const batches: string[][] = [];
    await queue.consumer.start(async (jobs) => {
      batches.push(jobs.map((j) => j.eventId.slice(-1)));
    });
    for (let n = 1; n <= 7; n++) await queue.enqueue(job(n));
    await queue.consumer.stop();
    expect(batches.flat()).toEqual(['1', '2', '3', '4', '5', '6', '7']);
    expect(batches[0]).toHaveLength(3);
    expect(await queue.backlog()).toBe(0);
    expect(unacknowledgedJobs(journalDir())).toHaveLength(0);
    await queue.close();
  });

  it('drops a resend of an event that is still queued, as Bull does by job id', async () => {
    const queue = open({ batchWaitMs: 60_000 });
    await queue.enqueue(job(1));
    await queue.enqueue(job(1));
    await queue.enqueue(job(1, 2)); // same event id, another project
    expect(await queue.backlog()).toBe(2);
    await queue.close();
  });

  it('keeps what was accepted across a restart, with or without a clean stop', async () => {
    const first = open({ batchWaitMs: 60_000 });
    await first.enqueue(job(1));
    await first.enqueue(job(2));
    // No consumer ran and the process "dies": no close(), only the lock is left behind (by this same pid).
    (first as unknown as { lock: { release(): void } }).lock.release();
    // A write cut short by the crash, never answered to the client.
    const segment = readdirSync(journalDir()).find((f) => f.endsWith('.jsonl'))!;
    appendFileSync(join(journalDir(), segment), '{"s":3,"j":{"projectId":1,"eve');

    const second = open();
    expect(await second.backlog()).toBe(2);
    const seen: string[] = [];
    await second.consumer.start(async (jobs) => {
      seen.push(...jobs.map((j) => j.eventId.slice(-1)));
    });
    await second.enqueue(job(4));
    await second.consumer.stop();
    await second.close();
    expect(seen).toEqual(['1', '2', '4']);

    const third = open();
    expect(await third.backlog()).toBe(0);
    await third.close();
    // Fully acknowledged segments are deleted; only the current one remains.
    expect(readdirSync(journalDir()).filter((f) => f.endsWith('.jsonl'))).toHaveLength(1);
  });

  it('retries a batch that fails, and leaves it journaled when the drain times out', async () => {
    const queue = open({ drainTimeoutMs: 300 });
    let calls = 0;
    await queue.consumer.start(async () => {
      calls++;
      throw new Error('database down');
    });
    await queue.enqueue(job(1));
    await queue.consumer.stop();
    await queue.close();
    expect(calls).toBeGreaterThanOrEqual(1);
    expect(unacknowledgedJobs(journalDir()).map((r) => (r.job as TestItem).eventId)).toEqual([
      job(1).eventId,
    ]);
  });

  it('refuses a second queue on the same data directory', () => {
    const queue = open();
    expect(() => open()).toThrow(/is held by process/);
    return queue.close();
  });
});
