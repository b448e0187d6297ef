import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Accounts and the admin API: browser sessions (shared by every api replica), e-mail addresses, per-project alert
 * preferences, token hints (tokens themselves stay hashed) and the one primary owner per organization.
 */
export class Accounts1764100000000 implements MigrationInterface {
  name = 'Accounts1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE user_sessions (
        id bigserial PRIMARY KEY,
        key_hash char(64) NOT NULL,
        user_id bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        methods jsonb NOT NULL DEFAULT '[]',
        user_agent varchar(512) NOT NULL DEFAULT '',
        ip varchar(64) NOT NULL DEFAULT '',
        created timestamptz NOT NULL DEFAULT now(),
        expires timestamptz NOT NULL
      );
      CREATE UNIQUE INDEX user_sessions_key_hash_uq ON user_sessions (key_hash);
      CREATE INDEX user_sessions_user_idx ON user_sessions (user_id);
      CREATE INDEX user_sessions_expires_idx ON user_sessions (expires);

      CREATE TABLE email_addresses (
        id bigserial PRIMARY KEY,
        user_id bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        email varchar(254) NOT NULL,
        is_primary boolean NOT NULL DEFAULT false,
        is_verified boolean NOT NULL DEFAULT false,
        created timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX email_addresses_user_email_uq ON email_addresses (user_id, lower(email));
      CREATE UNIQUE INDEX email_addresses_verified_email_uq ON email_addresses (lower(email)) WHERE is_verified;
      CREATE UNIQUE INDEX email_addresses_primary_uq ON email_addresses (user_id) WHERE is_primary;
      -- Users made by the management commands before this migration: their address counts as verified.
      INSERT INTO email_addresses (user_id, email, is_primary, is_verified)
        SELECT id, email, true, true FROM users;

      CREATE TABLE user_project_alerts (
        user_id bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        project_id bigint NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        status smallint NOT NULL,
        PRIMARY KEY (user_id, project_id)
      );
      CREATE INDEX user_project_alerts_project_idx ON user_project_alerts (project_id);

      ALTER TABLE api_tokens ADD COLUMN token_hint varchar(8) NOT NULL DEFAULT '';

      CREATE UNIQUE INDEX organization_users_primary_owner_uq ON organization_users (organization_id) WHERE is_owner;
      CREATE INDEX team_members_org_user_idx ON team_members (organization_user_id);
      CREATE INDEX project_teams_team_idx ON project_teams (team_id);
      CREATE INDEX projects_organization_name_idx ON projects (organization_id, name);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX IF EXISTS projects_organization_name_idx, project_teams_team_idx, team_members_org_user_idx,
        organization_users_primary_owner_uq;
      ALTER TABLE api_tokens DROP COLUMN IF EXISTS token_hint;
      DROP TABLE IF EXISTS user_project_alerts, email_addresses, user_sessions;
    `);
  }
}
