import { Logger } from '@nestjs/common';
import { BatchPostponedError, isTransientDatabaseError } from '@app/core';

export interface DatabaseAvailabilityOptions {
  /** A cheap statement that succeeds once the database answers again. */
  probe: () => Promise<unknown>;
  /** First wait before probing, doubled after each failed probe up to `maxDelayMs`. */
  firstDelayMs?: number;
  maxDelayMs?: number;
}

/**
 * Holds work while the database is unreachable, however long that lasts. The first piece of work that meets a
 * transient database error starts one probe loop (backing off up to `maxDelayMs`); every piece of work waits for it
 * and then runs again. A transient error therefore never surfaces to the queue, where it would spend one of the
 * job's attempts; other errors do. After `stop()`, work that cannot reach the database throws
 * `BatchPostponedError` so that the queue keeps it for later.
 */
export class DatabaseAvailability {
  private readonly logger = new Logger('Database');
  private recovery: Promise<void> | null = null;
  private stopping = false;
  private readonly stopped: Promise<void>;
  private signalStop!: () => void;
  private readonly firstDelayMs: number;
  private readonly maxDelayMs: number;

  constructor(private readonly options: DatabaseAvailabilityOptions) {
    this.firstDelayMs = options.firstDelayMs ?? 250;
    this.maxDelayMs = options.maxDelayMs ?? 5_000;
    this.stopped = new Promise((resolve) => (this.signalStop = resolve));
  }

  /** True while a transient error has been seen and the database has not answered since. */
  get unreachable(): boolean {
    return this.recovery !== null;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    for (;;) {
      if (this.recovery) await Promise.race([this.recovery, this.stopped]);
      if (this.stopping && this.recovery) throw new BatchPostponedError('the database is unreachable');
      try {
        return await work();
      } catch (error) {
        if (!isTransientDatabaseError(error)) throw error;
        if (this.stopping) throw new BatchPostponedError((error as Error).message);
        this.startRecovery(error as Error);
      }
    }
  }

  /** Ends every wait: work still waiting for the database is postponed. */
  stop(): void {
    this.stopping = true;
    this.signalStop();
  }

  private startRecovery(error: Error): void {
    if (this.recovery) return;
    const since = Date.now();
    this.logger.warn(
      `database unreachable (${error.message}): event processing waits for it; no job attempt is spent`,
    );
    this.recovery = this.probeUntilAnswered()
      .then(() => {
        if (!this.stopping)
          this.logger.log(`database reachable again after ${Math.round((Date.now() - since) / 1000)} s`);
      })
      .finally(() => {
        this.recovery = null;
      });
  }

  private async probeUntilAnswered(): Promise<void> {
    let delay = this.firstDelayMs;
    for (;;) {
      await this.sleep(delay);
      if (this.stopping) return;
      try {
        await this.options.probe();
        return;
      } catch {
        delay = Math.min(delay * 2, this.maxDelayMs);
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      timer.unref();
      void this.stopped.then(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
