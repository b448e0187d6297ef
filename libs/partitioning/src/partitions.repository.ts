import { Injectable, Module } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { rowsOf, SqlRunner } from '@app/core';

// The partition DDL of the day-partitioned tables. Functions over a SqlRunner, because migrate runs them on a
// bare pg client before any Nest application exists.

/** Tables range-partitioned by day, with the column they are partitioned on. */
export const DAILY_PARTITIONED_TABLES = ['events'] as const;
export type DailyPartitionedTable = (typeof DAILY_PARTITIONED_TABLES)[number];

const DAY_MS = 86_400_000;

export function utcDay(date: Date): Date {
  return new Date(Math.floor(date.getTime() / DAY_MS) * DAY_MS);
}

export function partitionName(table: string, day: Date): string {
  return `${table}_p${day.toISOString().slice(0, 10).replace(/-/g, '')}`;
}

/** Creates the daily partition holding `day` if it does not exist yet (idempotent, safe under concurrency). */
export async function ensureDailyPartition(
  db: SqlRunner,
  table: DailyPartitionedTable,
  day: Date,
): Promise<void> {
  const start = utcDay(day);
  const end = new Date(start.getTime() + DAY_MS);
  const name = partitionName(table, start);
  await db.query(
    `DO $$ BEGIN
       CREATE TABLE IF NOT EXISTS ${name} PARTITION OF ${table}
         FOR VALUES FROM ('${start.toISOString()}') TO ('${end.toISOString()}');
     EXCEPTION WHEN duplicate_table OR unique_violation THEN NULL;
     END $$;`,
  );
}

/** Partitions from yesterday (late arrivals around midnight) through `daysAhead` days from now. */
export async function ensurePartitions(db: SqlRunner, now = new Date(), daysAhead = 3): Promise<string[]> {
  const created: string[] = [];
  for (const table of DAILY_PARTITIONED_TABLES) {
    for (let offset = -1; offset <= daysAhead; offset++) {
      const day = new Date(utcDay(now).getTime() + offset * DAY_MS);
      await ensureDailyPartition(db, table, day);
      created.push(partitionName(table, day));
    }
  }
  return created;
}

/** Lists a table's daily partitions with the day each one starts. */
export async function listDailyPartitions(
  db: SqlRunner,
  table: DailyPartitionedTable,
): Promise<Array<{ name: string; day: Date }>> {
  const rows = rowsOf<{ name: string }>(
    await db.query(
      `SELECT c.relname AS name FROM pg_inherits i
         JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
        WHERE p.relname = $1`,
      [table],
    ),
  );
  const pattern = new RegExp(`^${table}_p(\\d{4})(\\d{2})(\\d{2})$`);
  return rows
    .map((r) => ({ name: r.name, match: pattern.exec(r.name) }))
    .filter((r): r is { name: string; match: RegExpExecArray } => r.match !== null)
    .map((r) => ({ name: r.name, day: new Date(Date.UTC(+r.match[1]!, +r.match[2]! - 1, +r.match[3]!)) }))
    .sort((a, b) => a.day.getTime() - b.day.getTime());
}

/**
 * Drops whole daily partitions whose every row is older than `maxAgeDays` (the issues left without events are
 * the issues lib's to delete). Returns the dropped partition names.
 */
export async function dropExpiredPartitions(
  db: SqlRunner,
  maxAgeDays: number,
  now = new Date(),
): Promise<string[]> {
  const cutoff = new Date(utcDay(now).getTime() - maxAgeDays * DAY_MS);
  const dropped: string[] = [];
  for (const table of DAILY_PARTITIONED_TABLES) {
    for (const partition of await listDailyPartitions(db, table)) {
      // A partition covers [day, day + 1); it is expired once its end is at or before the cutoff.
      if (partition.day.getTime() + DAY_MS <= cutoff.getTime()) {
        await db.query(`DROP TABLE IF EXISTS ${partition.name}`);
        dropped.push(partition.name);
      }
    }
  }
  return dropped;
}

/** The same partition upkeep on the application's database, for Nest services. */
@Injectable()
export class PartitionsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  ensurePartitions(now = new Date(), daysAhead = 3): Promise<string[]> {
    return ensurePartitions(this.dataSource, now, daysAhead);
  }

  ensureDailyPartition(table: DailyPartitionedTable, day: Date): Promise<void> {
    return ensureDailyPartition(this.dataSource, table, day);
  }

  dropExpiredPartitions(maxAgeDays: number, now = new Date()): Promise<string[]> {
    return dropExpiredPartitions(this.dataSource, maxAgeDays, now);
  }
}

@Module({ providers: [PartitionsRepository], exports: [PartitionsRepository] })
export class PartitioningModule {}
