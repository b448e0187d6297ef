import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { isTransientDatabaseError, SharedStore } from '@app/core';
import { ProjectKeyInvalidation } from './project-key-invalidation';
import { IngestKeyInfo, ProjectKeysRepository } from './project-keys.repository';

const POSITIVE_TTL_MS = 60_000;
const NEGATIVE_TTL_MS = 10_000;
/** While the database is unreachable, how often one request per key tries it again (the others get the last state). */
const UNREACHABLE_RETRY_MS = 2_000;
const MAX_ENTRIES = 50_000;

/** The database is unreachable and this process has never seen the key: nothing to serve. */
export class KeyStoreUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`the database is unreachable: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = 'KeyStoreUnavailableError';
  }
}

interface CacheEntry {
  info: IngestKeyInfo | null;
  expires: number;
  /** The last refresh met an unreachable database: answer from `info` at once and refresh in the background. */
  unreachable: boolean;
}

/**
 * Authenticates ingest requests without a database round trip on a hit. Entries expire after a minute;
 * changes to keys, projects and organizations are pushed to every replica through the shared store's pub/sub
 * (Redis, or in-process in all-in-one mode), which marks every entry expired.
 *
 * While the database is unreachable, an expired entry keeps being served (the last known state of the key: events
 * still go to the queue, which waits for the database); a key this process has never seen gets
 * `KeyStoreUnavailableError`.
 */
@Injectable()
export class ProjectKeyCache implements OnModuleInit, OnApplicationShutdown {
  private readonly entries = new Map<string, CacheEntry>();
  private readonly inFlight = new Map<string, Promise<IngestKeyInfo | null>>();
  private unsubscribe: (() => Promise<void>) | null = null;
  private unregisterLocal: (() => void) | null = null;

  constructor(
    private readonly keys: ProjectKeysRepository,
    private readonly invalidation: ProjectKeyInvalidation,
    @Inject(SharedStore) private readonly store: SharedStore,
  ) {}

  async onModuleInit(): Promise<void> {
    this.unregisterLocal = this.invalidation.onLocalInvalidation(() => this.expireAll());
    this.unsubscribe = await this.store.subscribe(this.invalidation.channel, () => this.expireAll());
  }

  async onApplicationShutdown(): Promise<void> {
    this.unregisterLocal?.();
    await this.unsubscribe?.().catch(() => undefined);
  }

  /** Tells every process to forget cached keys; services call ProjectKeyInvalidation themselves after changes. */
  invalidate(): Promise<void> {
    return this.invalidation.publish();
  }

  /** Expired, not forgotten: the next lookup reloads, and falls back on the entry if the database is unreachable. */
  private expireAll(): void {
    for (const entry of this.entries.values()) {
      entry.expires = 0;
      entry.unreachable = false;
    }
  }

  /** `publicKeyHex` is 32 lowercase hex characters. */
  lookup(projectId: number, publicKeyHex: string): IngestKeyInfo | null | Promise<IngestKeyInfo | null> {
    const cacheKey = `${projectId}:${publicKeyHex}`;
    const hit = this.entries.get(cacheKey);
    if (hit && hit.expires > Date.now()) return hit.info;
    if (hit?.unreachable) {
      this.refresh(cacheKey, projectId, publicKeyHex).catch(() => undefined);
      return hit.info;
    }
    return this.refresh(cacheKey, projectId, publicKeyHex);
  }

  private refresh(cacheKey: string, projectId: number, publicKeyHex: string): Promise<IngestKeyInfo | null> {
    const pending = this.inFlight.get(cacheKey);
    if (pending) return pending;
    const load = this.load(projectId, publicKeyHex)
      .then(
        (info) => {
          if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
          this.entries.set(cacheKey, {
            info,
            expires: Date.now() + (info ? POSITIVE_TTL_MS : NEGATIVE_TTL_MS),
            unreachable: false,
          });
          return info;
        },
        (error: unknown) => {
          if (!isTransientDatabaseError(error)) throw error;
          const known = this.entries.get(cacheKey);
          if (!known) throw new KeyStoreUnavailableError(error);
          known.expires = Date.now() + UNREACHABLE_RETRY_MS;
          known.unreachable = true;
          return known.info;
        },
      )
      .finally(() => this.inFlight.delete(cacheKey));
    this.inFlight.set(cacheKey, load);
    return load;
  }

  private load(projectId: number, publicKeyHex: string): Promise<IngestKeyInfo | null> {
    return this.keys.ingestInfo(projectId, publicKeyHex);
  }
}
