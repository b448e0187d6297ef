import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { APP_CONFIG, AppConfig, REDIS } from '@app/core';

/**
 * Fixed-window counters. With Redis every api replica counts the same attempts; without (all-in-one mode, a single
 * process) they live in this process.
 */
@Injectable()
export class RateLimiter {
  private readonly local = new Map<string, { count: number; expires: number }>();

  constructor(
    @Inject(REDIS) private readonly redis: Redis | null,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private key(bucket: string): string {
    return `${this.config.redisPrefix}:ratelimit:${bucket}`;
  }

  private localWindow(key: string, windowSeconds?: number): { count: number; expires: number } | undefined {
    const now = Date.now();
    if (this.local.size > 10_000) for (const [k, w] of this.local) if (w.expires <= now) this.local.delete(k);
    let window = this.local.get(key);
    if (window && window.expires <= now) {
      this.local.delete(key);
      window = undefined;
    }
    if (!window && windowSeconds !== undefined) {
      window = { count: 0, expires: now + windowSeconds * 1000 };
      this.local.set(key, window);
    }
    return window;
  }

  /** Counts one attempt; answers the seconds to wait when it goes over `limit`, else 0. */
  async hit(bucket: string, limit: number, windowSeconds: number): Promise<number> {
    const key = this.key(bucket);
    if (!this.redis) {
      const window = this.localWindow(key, windowSeconds)!;
      window.count++;
      return window.count > limit ? Math.max(Math.ceil((window.expires - Date.now()) / 1000), 1) : 0;
    }
    const results = await this.redis.multi().set(key, 0, 'EX', windowSeconds, 'NX').incr(key).ttl(key).exec();
    const count = Number(results?.[1]?.[1] ?? 0);
    const ttl = Number(results?.[2]?.[1] ?? windowSeconds);
    return count > limit ? Math.max(ttl, 1) : 0;
  }

  /**
   * When `limit` attempts were already counted in the current window (without counting one): the seconds until the
   * window ends, else 0.
   */
  async exhausted(bucket: string, limit: number): Promise<number> {
    const key = this.key(bucket);
    if (!this.redis) {
      const window = this.localWindow(key);
      if (!window || window.count < limit) return 0;
      return Math.max(Math.ceil((window.expires - Date.now()) / 1000), 1);
    }
    const results = await this.redis.multi().get(key).ttl(key).exec();
    const count = Number(results?.[0]?.[1] ?? 0);
    if (count < limit) return 0;
    return Math.max(Number(results?.[1]?.[1] ?? 1), 1);
  }

  async reset(bucket: string): Promise<void> {
    const key = this.key(bucket);
    if (!this.redis) this.local.delete(key);
    else await this.redis.del(key);
  }
}
