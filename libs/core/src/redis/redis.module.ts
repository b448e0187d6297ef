import { Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { InProcessSharedStore, RedisSharedStore, SharedStore } from './shared-store';

/**
 * The shared ioredis client, or null when REDIS_URL is unset (all-in-one mode without Redis). Code that must run
 * in every mode injects `SharedStore` instead.
 */
export const REDIS = Symbol('REDIS');

/** Closes the shared store and the Redis client on shutdown. */
@Injectable()
class RedisCloser implements OnApplicationShutdown {
  constructor(
    @Inject(REDIS) private readonly redis: Redis | null,
    private readonly store: SharedStore,
  ) {}
  async onApplicationShutdown(): Promise<void> {
    await this.store.close().catch(() => undefined);
    await this.redis?.quit().catch(() => this.redis?.disconnect());
  }
}

@Global()
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig): Redis | null =>
        config.redisUrl ? new Redis(config.redisUrl, { maxRetriesPerRequest: 3, lazyConnect: false }) : null,
    },
    {
      provide: SharedStore,
      inject: [REDIS],
      useFactory: (redis: Redis | null): SharedStore =>
        redis ? new RedisSharedStore(redis) : new InProcessSharedStore(),
    },
    RedisCloser,
  ],
  exports: [REDIS, SharedStore],
})
export class RedisModule {}
