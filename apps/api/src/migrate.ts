import { Client } from 'pg';
import { runMigrations } from '@app/core';
import { ensurePartitions } from '@app/partitioning';

/** Applies pending migrations and makes sure the event partitions for the coming days exist. */
export async function migrateDatabase(
  databaseUrl: string,
): Promise<{ applied: string[]; partitions: string[] }> {
  const applied = await runMigrations(databaseUrl);
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const partitions = await ensurePartitions(client);
    return { applied, partitions };
  } finally {
    await client.end();
  }
}
