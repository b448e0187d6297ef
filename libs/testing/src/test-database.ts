import { createHash } from 'node:crypto';
import { Client } from 'pg';
// Relative, not '@app/core': the Jest global setup loads this file without the module name mapping.
import { MIGRATIONS } from '../../core/src/database/migrations';

export const TEST_PG_ADMIN_URL =
  process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/**
 * The migrated template, named after the migrations it holds: checkouts with other migrations (worktrees testing
 * against the same server at the same time) each get their own instead of rebuilding one another's mid-run.
 */
export const TEST_TEMPLATE_DB = `gt_test_template_${createHash('sha1')
  .update(MIGRATIONS.map((m) => m.name).join(','))
  .digest('hex')
  .slice(0, 12)}`;
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export function databaseUrl(name: string): string {
  const url = new URL(TEST_PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

async function admin<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: TEST_PG_ADMIN_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A fresh database cloned from the migrated template made by the Jest global setup. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `gt_test_${process.pid}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6).toString(36)}`;
  await admin((c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${TEST_TEMPLATE_DB}`));
  return {
    name,
    url: databaseUrl(name),
    drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

/** A Redis key prefix no other test file uses. */
export function uniqueRedisPrefix(): string {
  return `gt_test_${process.pid}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6).toString(36)}`;
}
