import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig, SharedStore } from '@app/core';

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
const MAX_ENTRIES = 50_000;
export const CACHE_INVALIDATION_CHANNEL = 'cache-invalidate';

/**
 * Authenticates ingest requests without a database round trip on a hit. Entries expire after a minute;
 * changes to keys, projects and organizations are pushed to every replica through the shared store's pub/sub
 * (Redis, or in-process in all-in-one mode).
 */
@Injectable()
export class ProjectKeyCache implements OnModuleInit, OnApplicationShutdown {
  private readonly entries = new Map<string, { info: IngestKeyInfo | null; expires: number }>();
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
    this.unsubscribe = await this.store.subscribe(this.channel, () => this.entries.clear());
  }

  async onApplicationShutdown(): Promise<void> {
    await this.unsubscribe?.().catch(() => undefined);
  }

  /** Tells every process to forget cached keys (after a key, project or organization change). */
  async invalidate(): Promise<void> {
    this.entries.clear();
    await this.store.publish(this.channel, 'keys');
  }

  /** `publicKeyHex` is 32 lowercase hex characters. */
  lookup(projectId: number, publicKeyHex: string): IngestKeyInfo | null | Promise<IngestKeyInfo | null> {
    const cacheKey = `${projectId}:${publicKeyHex}`;
    const hit = this.entries.get(cacheKey);
    if (hit && hit.expires > Date.now()) return hit.info;
    const pending = this.inFlight.get(cacheKey);
    if (pending) return pending;
    const load = this.load(projectId, publicKeyHex)
      .then((info) => {
        if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
        this.entries.set(cacheKey, {
          info,
          expires: Date.now() + (info ? POSITIVE_TTL_MS : NEGATIVE_TTL_MS),
        });
        return info;
      })
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
