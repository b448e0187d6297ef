import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { APP_CONFIG, AppConfig, REDIS } from '@app/core';

/** Fixed-window counters in Redis, so that every api replica counts the same attempts. */
@Injectable()
export class RateLimiter {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private key(bucket: string): string {
    return `${this.config.redisPrefix}:ratelimit:${bucket}`;
  }

  /** Counts one attempt; answers the seconds to wait when it goes over `limit`, else 0. */
  async hit(bucket: string, limit: number, windowSeconds: number): Promise<number> {
    const key = this.key(bucket);
    const results = await this.redis.multi().set(key, 0, 'EX', windowSeconds, 'NX').incr(key).ttl(key).exec();
    const count = Number(results?.[1]?.[1] ?? 0);
    const ttl = Number(results?.[2]?.[1] ?? windowSeconds);
    return count > limit ? Math.max(ttl, 1) : 0;
  }

  /** Whether `limit` attempts were already counted in the current window (without counting one). */
  async exhausted(bucket: string, limit: number): Promise<boolean> {
    return Number((await this.redis.get(this.key(bucket))) ?? 0) >= limit;
  }

  async reset(bucket: string): Promise<void> {
    await this.redis.del(this.key(bucket));
  }
}
