import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig, isTransientDatabaseError, SharedStore } from '@app/core';

/** What ingest needs to know about a DSN key, cached per process. */
export interface IngestKeyInfo {
  projectId: number;
  organizationId: number;
  keyActive: boolean;
  acceptingEvents: boolean;
  /** Max of the organization's and project's throttle rate, 0-100 (percent of events refused). */
  throttleRate: number;
}

const POSITIVE_TTL_MS = 60_000;
const NEGATIVE_TTL_MS = 10_000;
/** While the database is unreachable, how often one request per key tries it again (the others get the last state). */
const UNREACHABLE_RETRY_MS = 2_000;
const MAX_ENTRIES = 50_000;
export const CACHE_INVALIDATION_CHANNEL = 'cache-invalidate';

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

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(SharedStore) private readonly store: SharedStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private get channel(): string {
    return `${this.config.redisPrefix}:${CACHE_INVALIDATION_CHANNEL}`;
  }

  async onModuleInit(): Promise<void> {
    this.unsubscribe = await this.store.subscribe(this.channel, () => this.expireAll());
  }

  async onApplicationShutdown(): Promise<void> {
    await this.unsubscribe?.().catch(() => undefined);
  }

  /** Tells every process to forget cached keys (after a key, project or organization change). */
  async invalidate(): Promise<void> {
    this.expireAll();
    await this.store.publish(this.channel, 'keys');
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

  private async load(projectId: number, publicKeyHex: string): Promise<IngestKeyInfo | null> {
    const rows: Array<{
      project_id: string;
      organization_id: string;
      is_active: boolean;
      is_accepting_events: boolean;
      throttle: number;
    }> = await this.dataSource.query(
      `SELECT p.id AS project_id, p.organization_id, k.is_active, o.is_accepting_events,
              GREATEST(o.event_throttle_rate, p.event_throttle_rate) AS throttle
         FROM project_keys k JOIN projects p ON p.id = k.project_id JOIN organizations o ON o.id = p.organization_id
        WHERE k.public_key = $1::uuid AND k.project_id = $2`,
      [publicKeyHex, projectId],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      projectId: Number(row.project_id),
      organizationId: Number(row.organization_id),
      keyActive: row.is_active,
      acceptingEvents: row.is_accepting_events,
      throttleRate: Number(row.throttle),
    };
  }
}
