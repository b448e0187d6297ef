import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { IngestQueue, IngestQueueStats, SharedStore, Transactions } from '@app/core';

const PROBE_TIMEOUT_MS = 2_000;

type Probed<T> = ({ ok: true } & T) | { ok: false; error: string };

/** Runs `check` within the probe timeout; the timer is cleared (and never holds the process). */
async function probe<T extends object>(check: () => Promise<T>): Promise<Probed<T>> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const value = await Promise.race([
      check(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('timed out')), PROBE_TIMEOUT_MS);
        timer.unref();
      }),
    ]);
    return { ok: true, ...value };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Health for load balancers and monitors. Each dependency is reported: `database`, `redis` (absent without Redis,
 * in all-in-one mode) and the ingest `queue` (job counts, age of the oldest waiting event). The status code follows
 * whether this process can accept events: 503 (`unavailable`) when the queue cannot take them (Redis down); a
 * database outage alone answers 200 `degraded`, because ingest goes on (keys from cache, events queued until the
 * database is back) and taking the api out of rotation would refuse those events.
 */
@ApiExcludeController()
@Controller()
export class HealthController {
  constructor(
    private readonly transactions: Transactions,
    @Inject(SharedStore) private readonly store: SharedStore,
    @Inject(IngestQueue) private readonly queue: IngestQueue,
  ) {}

  @Get('_health')
  async health(@Res() res: Response): Promise<void> {
    const withRedis = this.store.backend === 'redis';
    const [database, redis, queue] = await Promise.all([
      probe(() => this.transactions.ping().then(() => ({}))),
      withRedis ? probe(() => this.store.ping().then(() => ({}))) : Promise.resolve(undefined),
      probe<IngestQueueStats>(() => this.queue.stats()),
    ]);
    const acceptingEvents = queue.ok && (redis?.ok ?? true);
    const status = !acceptingEvents ? 'unavailable' : database.ok ? 'ok' : 'degraded';
    res
      .status(acceptingEvents ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE)
      .json({ status, database, ...(redis ? { redis } : {}), queue });
  }

  /** Self-hosted Sentry's health check path, which some monitors use. */
  @Get('api/0/internal/health')
  internalHealth(@Res() res: Response): void {
    res.status(HttpStatus.OK).json({ healthy: {}, problems: [] });
  }
}
