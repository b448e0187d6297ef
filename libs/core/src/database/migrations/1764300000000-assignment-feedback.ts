import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue assignment (a user or a team of the organization) and user feedback arriving at ingest.
 *
 * User reports can arrive before their event (the SDKs send feedback first when the user answers the crash
 * dialog quickly); they are linked to the issue when the event is stored, or by maintenance, which looks for
 * the still unlinked ones through a small partial index.
 */
export class AssignmentFeedback1764300000000 implements MigrationInterface {
  name = 'AssignmentFeedback1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE issues
        ADD COLUMN assigned_user_id bigint REFERENCES users(id) ON DELETE SET NULL,
        ADD COLUMN assigned_team_id bigint REFERENCES teams(id) ON DELETE SET NULL,
        ADD CONSTRAINT issues_single_assignee CHECK (assigned_user_id IS NULL OR assigned_team_id IS NULL);
      CREATE INDEX issues_assigned_user_idx ON issues (assigned_user_id) WHERE assigned_user_id IS NOT NULL;
      CREATE INDEX issues_assigned_team_idx ON issues (assigned_team_id) WHERE assigned_team_id IS NOT NULL;

      CREATE INDEX user_reports_unlinked_idx ON user_reports (created) WHERE issue_id IS NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX IF EXISTS user_reports_unlinked_idx;
      ALTER TABLE issues DROP COLUMN IF EXISTS assigned_user_id, DROP COLUMN IF EXISTS assigned_team_id;
    `);
  }
}
