import { Client } from 'pg';
import { runMigrations } from '../libs/core/src/database/migrate';
import { MIGRATIONS } from '../libs/core/src/database/migrations';
import { databaseUrl, TEST_PG_ADMIN_URL, TEST_TEMPLATE_DB } from '../libs/testing/src/test-database';

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function templateIsCurrent(): Promise<boolean> {
  const client = new Client({ connectionString: databaseUrl(TEST_TEMPLATE_DB) });
  try {
    await client.connect();
    const { rows } = await client.query('SELECT name FROM migrations ORDER BY id');
    const applied = (rows as Array<{ name: string }>).map((r) => r.name).join(',');
    return applied === MIGRATIONS.map((m) => new m().name).join(',');
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Builds one migrated template database; each test file clones it (CREATE DATABASE … TEMPLATE). */
export default async function globalSetup(): Promise<void> {
  const client = new Client({ connectionString: TEST_PG_ADMIN_URL });
  await client.connect();
  try {
    // Databases left behind by test processes that no longer run.
    const { rows } = await client.query(`SELECT datname FROM pg_database WHERE datname ~ '^gt_test_[0-9]+_'`);
    for (const { datname } of rows as Array<{ datname: string }>) {
      const pid = Number(datname.split('_')[2]);
      if (!processAlive(pid))
        await client.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`).catch(() => undefined);
    }
    if (await templateIsCurrent()) return;
    await client.query(`DROP DATABASE IF EXISTS ${TEST_TEMPLATE_DB} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${TEST_TEMPLATE_DB}`);
  } finally {
    await client.end();
  }
  await runMigrations(databaseUrl(TEST_TEMPLATE_DB));
}
