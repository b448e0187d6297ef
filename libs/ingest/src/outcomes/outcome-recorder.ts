import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { IngestOutcome, IngestOutcomesRepository, OutcomeCount } from './ingest-outcomes.repository';

const HOUR_MS = 3_600_000;
/** Most distinct counters held while the database does not take them (a long outage); beyond, counts are dropped. */
const MAX_COUNTERS = 50_000;

/**
 * The account stage: counts outcomes in memory and adds them to `ingest_outcomes` every few seconds in one
 * statement, so that counting costs no statement per request or per batch. Counts the database refuses (an
 * outage) are kept and added at the next flush; they are only lost if the process ends before the database is
 * back, which costs statistics, never events. Its users flush it when they stop: the api once its HTTP server is
 * closed, the worker once its consumer has stopped (no lifecycle hook here, so that a flush against an unreachable
 * database never runs ahead of the worker handing its batches back).
 */
@Injectable()
export class OutcomeRecorder implements OnModuleDestroy {
  private readonly logger = new Logger(OutcomeRecorder.name);
  private counts = new Map<string, OutcomeCount>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private droppedWarned = false;

  constructor(private readonly repository: IngestOutcomesRepository) {}

  /** `at`: when the items were accepted (epoch ms); they count in that hour. */
  record(
    projectId: number,
    itemType: string,
    outcome: IngestOutcome,
    reason = '',
    quantity = 1,
    at = Date.now(),
  ): void {
    if (quantity <= 0) return;
    const hour = Math.floor(at / HOUR_MS) * HOUR_MS;
    const key = `${projectId}\u0000${hour}\u0000${itemType}\u0000${outcome}\u0000${reason}`;
    const count = this.counts.get(key);
    if (count) count.quantity += quantity;
    else if (this.counts.size < MAX_COUNTERS)
      this.counts.set(key, { projectId, hour: new Date(hour), itemType, outcome, reason, quantity });
    else if (!this.droppedWarned) {
      this.droppedWarned = true;
      this.logger.warn('too many ingest outcome counters waiting for the database; dropping new ones');
    }
    this.timer ??= setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, 5_000).unref();
  }

  /** Adds what was counted so far to the table (one statement); on failure the counts stay for the next flush. */
  flush(): Promise<void> {
    this.flushing ??= this.write().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  private async write(): Promise<void> {
    if (this.counts.size === 0) return;
    const counts = this.counts;
    this.counts = new Map();
    try {
      await this.repository.add([...counts.values()]);
      this.droppedWarned = false;
    } catch (error) {
      this.logger.warn(`could not record ingest outcomes (${(error as Error).message}); retrying later`);
      for (const [key, count] of counts) {
        const newer = this.counts.get(key);
        if (newer) newer.quantity += count.quantity;
        else this.counts.set(key, count);
      }
      this.timer ??= setTimeout(() => {
        this.timer = null;
        void this.flush();
      }, 5_000).unref();
    }
  }

  onModuleDestroy(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
