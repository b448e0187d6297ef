import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AppConfig, SharedStore } from '@app/core';

export const CACHE_INVALIDATION_CHANNEL = 'cache-invalidate';

/**
 * Tells every process that DSN keys, projects or organizations changed, so that their key caches reload: this
 * process's caches at once, the others through the shared store's pub/sub (Redis, or in-process in all-in-one
 * mode). Called by the services that change the data, so the REST API and `npm run manage` both invalidate.
 */
@Injectable()
export class ProjectKeyInvalidation {
  private readonly logger = new Logger(ProjectKeyInvalidation.name);
  private readonly localListeners = new Set<() => void>();

  constructor(
    @Inject(SharedStore) private readonly store: SharedStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  get channel(): string {
    return `${this.config.redisPrefix}:${CACHE_INVALIDATION_CHANNEL}`;
  }

  /** Registers a cache of this process; answers the unregister. */
  onLocalInvalidation(listener: () => void): () => void {
    this.localListeners.add(listener);
    return () => this.localListeners.delete(listener);
  }

  /**
   * Never throws: the change it follows is already stored, and a replica that misses the message reloads when its
   * entries expire (within a minute).
   */
  async publish(): Promise<void> {
    for (const listener of this.localListeners) listener();
    await this.store.publish(this.channel, 'keys').catch((error: unknown) => {
      this.logger.warn(`key cache invalidation not published: ${(error as Error)?.message ?? String(error)}`);
    });
  }
}
