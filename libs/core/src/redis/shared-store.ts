import { Logger } from '@nestjs/common';
import Redis from 'ioredis';

/**
 * What processes share through Redis besides the queues: pub/sub (cache invalidation) and a liveness probe.
 * With Redis configured every process sees every other; without (all-in-one mode, one process) an in-process
 * implementation gives the same behaviour to that one process. Code that must run in every mode uses this, not
 * the raw REDIS client.
 */
export abstract class SharedStore {
  abstract readonly backend: 'redis' | 'in-process';
  abstract publish(channel: string, message: string): Promise<void>;
  /** Calls `onMessage` for each message published on `channel` by any process; returns the unsubscribe. */
  abstract subscribe(channel: string, onMessage: (message: string) => void): Promise<() => Promise<void>>;
  abstract ping(): Promise<void>;
  abstract close(): Promise<void>;
}

type Handlers = Map<string, Set<(message: string) => void>>;

function deliver(handlers: Handlers, channel: string, message: string): void {
  for (const handler of handlers.get(channel) ?? []) handler(message);
}

export class RedisSharedStore extends SharedStore {
  readonly backend = 'redis' as const;
  private readonly logger = new Logger(RedisSharedStore.name);
  private readonly handlers: Handlers = new Map();
  private subscriber: Redis | null = null;

  constructor(private readonly redis: Redis) {
    super();
  }

  async publish(channel: string, message: string): Promise<void> {
    await this.redis.publish(channel, message);
  }

  async subscribe(channel: string, onMessage: (message: string) => void): Promise<() => Promise<void>> {
    if (!this.subscriber) {
      this.subscriber = this.redis.duplicate();
      this.subscriber.on('message', (ch: string, message: string) => deliver(this.handlers, ch, message));
      this.subscriber.on('error', (e: Error) => this.logger.warn(`subscriber: ${e.message}`));
    }
    let set = this.handlers.get(channel);
    if (!set) {
      set = new Set();
      this.handlers.set(channel, set);
      await this.subscriber.subscribe(channel);
    }
    set.add(onMessage);
    return async () => {
      set.delete(onMessage);
      if (set.size === 0 && this.handlers.get(channel) === set) {
        this.handlers.delete(channel);
        await this.subscriber?.unsubscribe(channel).catch(() => undefined);
      }
    };
  }

  async ping(): Promise<void> {
    await this.redis.ping();
  }

  async close(): Promise<void> {
    const subscriber = this.subscriber;
    this.subscriber = null;
    await subscriber?.quit().catch(() => subscriber.disconnect());
  }
}

/** The single-process stand-in: messages go to this process's subscribers. */
export class InProcessSharedStore extends SharedStore {
  readonly backend = 'in-process' as const;
  private readonly handlers: Handlers = new Map();

  async publish(channel: string, message: string): Promise<void> {
    queueMicrotask(() => deliver(this.handlers, channel, message));
  }

  async subscribe(channel: string, onMessage: (message: string) => void): Promise<() => Promise<void>> {
    let set = this.handlers.get(channel);
    if (!set) this.handlers.set(channel, (set = new Set()));
    set.add(onMessage);
    return async () => {
      set.delete(onMessage);
    };
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    this.handlers.clear();
  }
}
