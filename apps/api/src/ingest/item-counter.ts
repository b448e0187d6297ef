import { Logger } from '@nestjs/common';
import { SharedStore } from '@app/core';

/**
 * Counts accepted envelope items per project and type (sessions, transactions, client reports…) in memory and
 * adds them to hashes in the shared store (Redis) every few seconds, so that counting costs no Redis call per
 * request.
 */
export class ItemCounter {
  private readonly logger = new Logger(ItemCounter.name);
  private counts = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly store: SharedStore,
    private readonly prefix: string,
    flushEveryMs = 5_000,
  ) {
    this.timer = setInterval(() => void this.flush(), flushEveryMs);
    this.timer.unref();
  }

  add(projectId: number, itemType: string, quantity = 1): void {
    const key = `${projectId}\u0000${itemType}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + quantity);
  }

  async flush(): Promise<void> {
    if (this.counts.size === 0) return;
    const counts = this.counts;
    this.counts = new Map();
    const increments = [...counts].map(([key, quantity]) => {
      const [projectId, itemType] = key.split('\u0000') as [string, string];
      return { key: `${this.prefix}:ingest-items:${projectId}`, field: itemType, by: quantity };
    });
    await this.store
      .incrementHashFields(increments)
      .catch((e: Error) => this.logger.warn(`could not record item counts: ${e.message}`));
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
