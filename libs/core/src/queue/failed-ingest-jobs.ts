import Bull from 'bull';
import { itemsOfJob } from './bull-ingest-queue';
import { QueueItemGroup } from './ingest-queue';

export interface FailedIngestJob {
  id: string;
  /** Events the job holds. */
  events: number;
  attemptsMade: number;
  failedAt: string | null;
  /** When its oldest event was accepted. */
  acceptedAt: string | null;
  reason: string;
}

function iso(ms: number | undefined): string | null {
  return typeof ms === 'number' && Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

/** Jobs in the ingest queue's failed set (Bull keeps the last 1,000), oldest first. */
export async function listFailedIngestJobs(queue: Bull.Queue): Promise<FailedIngestJob[]> {
  const jobs = (await queue.getFailed(0, -1)).filter((job): job is Bull.Job => Boolean(job));
  return jobs
    .map((job) => {
      const events = itemsOfJob(job);
      const accepted = events.map((e) => e.receivedAt).filter((at) => Number.isFinite(at));
      return {
        id: String(job.id),
        events: events.length,
        attemptsMade: job.attemptsMade,
        failedAt: iso(job.finishedOn),
        acceptedAt: iso(accepted.length ? Math.min(...accepted) : job.timestamp),
        reason: (job.failedReason ?? '').split('\n')[0]!.slice(0, 500),
      };
    })
    .sort((a, b) => (a.failedAt ?? '').localeCompare(b.failedAt ?? ''));
}

/**
 * Puts the events of every failed ingest job back in the queue as new jobs with all their attempts, then removes
 * the failed job. The add comes first: a crash in between leaves an event twice in the queue, which the worker
 * stores once. A job left by a version that queued one event per job becomes a group of one. A job holding no
 * event is left in the failed set, for inspection.
 */
export async function requeueFailedIngestJobs(queue: Bull.Queue): Promise<{ jobs: number; events: number }> {
  let jobs = 0;
  let events = 0;
  for (const job of await queue.getFailed(0, -1)) {
    if (!job) continue;
    const held = itemsOfJob(job);
    if (held.length === 0) continue;
    await queue.add({ events: held } satisfies QueueItemGroup);
    await job.remove();
    jobs++;
    events += held.length;
  }
  return { jobs, events };
}
