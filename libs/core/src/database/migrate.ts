import { DataSource } from 'typeorm';
import { MIGRATIONS } from './migrations';

/** A short-lived connection that applies pending migrations; returns the names it applied. */
export async function runMigrations(databaseUrl: string): Promise<string[]> {
  const dataSource = new DataSource({
    type: 'postgres',
    url: databaseUrl,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    logging: ['error'],
  });
  await dataSource.initialize();
  try {
    // Serialise concurrent api replicas starting at once.
    await dataSource.query('SELECT pg_advisory_lock(4724754730)');
    try {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      return applied.map((m) => m.name);
    } finally {
      await dataSource.query('SELECT pg_advisory_unlock(4724754730)');
    }
  } finally {
    await dataSource.destroy();
  }
}
