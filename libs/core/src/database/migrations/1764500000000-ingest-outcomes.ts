import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What ingest did with each item, counted per project, hour, item type, outcome and reason (owned by the ingest
 * lib): accepted or ignored by the api, stored, dropped as duplicate or failed in the worker. Counts are added in
 * periodic upserts, never one row per item; the stats API reads them per project and period.
 */
export class IngestOutcomes1764500000000 implements MigrationInterface {
  name = 'IngestOutcomes1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE ingest_outcomes (
        project_id bigint NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        hour timestamptz NOT NULL,
        item_type varchar(32) NOT NULL,
        outcome varchar(16) NOT NULL,
        reason varchar(64) NOT NULL DEFAULT '',
        quantity bigint NOT NULL,
        PRIMARY KEY (project_id, hour, item_type, outcome, reason)
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS ingest_outcomes`);
  }
}
