import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The foundation schema. Events live in a table range-partitioned by day on `received`; the partitioning lib
 * creates the daily partitions (at migrate time and from the worker's daily schedule) and drops expired ones.
 */
export class InitialSchema1764000000000 implements MigrationInterface {
  name = 'InitialSchema1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE users (
        id bigserial PRIMARY KEY,
        email varchar(254) NOT NULL,
        password varchar(255),
        name varchar(255) NOT NULL DEFAULT '',
        is_superuser boolean NOT NULL DEFAULT false,
        is_active boolean NOT NULL DEFAULT true,
        subscribe_by_default boolean NOT NULL DEFAULT true,
        options jsonb NOT NULL DEFAULT '{}',
        date_joined timestamptz NOT NULL DEFAULT now(),
        last_login timestamptz
      );
      CREATE UNIQUE INDEX users_email_lower_uq ON users (lower(email));

      CREATE TABLE organizations (
        id bigserial PRIMARY KEY,
        name varchar(200) NOT NULL,
        slug varchar(200) NOT NULL,
        is_accepting_events boolean NOT NULL DEFAULT true,
        event_throttle_rate smallint NOT NULL DEFAULT 0,
        open_membership boolean NOT NULL DEFAULT true,
        scrub_ip_addresses boolean NOT NULL DEFAULT true,
        created timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX organizations_slug_uq ON organizations (slug);

      CREATE TABLE organization_users (
        id bigserial PRIMARY KEY,
        organization_id bigint NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        user_id bigint REFERENCES users(id) ON DELETE CASCADE,
        email varchar(254),
        role smallint NOT NULL DEFAULT 0,
        is_owner boolean NOT NULL DEFAULT false,
        created timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX organization_users_org_user_uq ON organization_users (organization_id, user_id);
      CREATE UNIQUE INDEX organization_users_org_email_uq ON organization_users (organization_id, lower(email));
      CREATE INDEX organization_users_user_idx ON organization_users (user_id);

      CREATE TABLE teams (
        id bigserial PRIMARY KEY,
        organization_id bigint NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        slug varchar(50) NOT NULL,
        created timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX teams_org_slug_uq ON teams (organization_id, slug);

      CREATE TABLE team_members (
        team_id bigint NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
        organization_user_id bigint NOT NULL REFERENCES organization_users(id) ON DELETE CASCADE,
        PRIMARY KEY (team_id, organization_user_id)
      );

      CREATE TABLE projects (
        id bigserial PRIMARY KEY,
        organization_id bigint NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        name varchar(64) NOT NULL,
        slug varchar(64) NOT NULL,
        platform varchar(64),
        first_event timestamptz,
        event_throttle_rate smallint NOT NULL DEFAULT 0,
        scrub_ip_addresses boolean NOT NULL DEFAULT true,
        issue_counter integer NOT NULL DEFAULT 0,
        created timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX projects_org_slug_uq ON projects (organization_id, slug);

      CREATE TABLE project_teams (
        project_id bigint NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        team_id bigint NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
        PRIMARY KEY (project_id, team_id)
      );

      CREATE TABLE project_keys (
        id bigserial PRIMARY KEY,
        project_id bigint NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        public_key uuid NOT NULL,
        name varchar(64) NOT NULL DEFAULT 'Default',
        is_active boolean NOT NULL DEFAULT true,
        rate_limit_count integer,
        rate_limit_window integer,
        data jsonb NOT NULL DEFAULT '{}',
        created timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX project_keys_public_key_uq ON project_keys (public_key);
      CREATE INDEX project_keys_project_idx ON project_keys (project_id);

      CREATE TABLE api_tokens (
        id bigserial PRIMARY KEY,
        user_id bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        token_hash char(64) NOT NULL,
        label varchar(255) NOT NULL DEFAULT '',
        scopes integer NOT NULL DEFAULT 0,
        created timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX api_tokens_hash_uq ON api_tokens (token_hash);
      CREATE INDEX api_tokens_user_idx ON api_tokens (user_id);

      CREATE TABLE environments (
        id bigserial PRIMARY KEY,
        organization_id bigint NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        name varchar(255) NOT NULL,
        created timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX environments_org_name_uq ON environments (organization_id, name);

      CREATE TABLE environment_projects (
        environment_id bigint NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
        project_id bigint NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        is_hidden boolean NOT NULL DEFAULT false,
        PRIMARY KEY (project_id, environment_id)
      );

      CREATE TABLE releases (
        id bigserial PRIMARY KEY,
        organization_id bigint NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        version varchar(255) NOT NULL,
        created timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX releases_org_version_uq ON releases (organization_id, version);

      CREATE TABLE release_projects (
        release_id bigint NOT NULL REFERENCES releases(id) ON DELETE CASCADE,
        project_id bigint NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        PRIMARY KEY (project_id, release_id)
      );

      CREATE TABLE issues (
        id bigserial PRIMARY KEY,
        project_id bigint NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        short_id integer NOT NULL,
        title varchar(255) NOT NULL,
        culprit varchar(1024) NOT NULL DEFAULT '',
        type smallint NOT NULL DEFAULT 0,
        level smallint NOT NULL DEFAULT 4,
        status smallint NOT NULL DEFAULT 0,
        status_details jsonb NOT NULL DEFAULT '{}',
        metadata jsonb NOT NULL DEFAULT '{}',
        platform varchar(64),
        count bigint NOT NULL DEFAULT 0,
        user_count integer NOT NULL DEFAULT 0,
        first_seen timestamptz NOT NULL,
        last_seen timestamptz NOT NULL,
        first_release varchar(255),
        last_release varchar(255),
        is_public boolean NOT NULL DEFAULT false,
        search_text text NOT NULL DEFAULT ''
      );
      CREATE UNIQUE INDEX issues_project_short_id_uq ON issues (project_id, short_id);
      CREATE INDEX issues_project_last_seen_idx ON issues (project_id, last_seen DESC, id DESC);
      CREATE INDEX issues_project_status_last_seen_idx ON issues (project_id, status, last_seen DESC, id DESC);

      CREATE TABLE issue_hashes (
        id bigserial PRIMARY KEY,
        project_id bigint NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        issue_id bigint NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
        value char(32) NOT NULL,
        created timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX issue_hashes_project_value_uq ON issue_hashes (project_id, value);
      CREATE INDEX issue_hashes_issue_idx ON issue_hashes (issue_id);

      -- Per-issue tag aggregates: one row per distinct (key, value) with its count.
      CREATE TABLE issue_tags (
        issue_id bigint NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
        key varchar(200) NOT NULL,
        value varchar(200) NOT NULL,
        count bigint NOT NULL DEFAULT 0,
        first_seen timestamptz NOT NULL,
        last_seen timestamptz NOT NULL,
        PRIMARY KEY (issue_id, key, value)
      );

      -- Hourly event counts per issue, for sparklines and frequency sorts without scanning events.
      CREATE TABLE issue_hourly_counts (
        issue_id bigint NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
        hour timestamptz NOT NULL,
        count integer NOT NULL,
        PRIMARY KEY (issue_id, hour)
      );

      CREATE TABLE events (
        event_id uuid NOT NULL,
        received timestamptz NOT NULL,
        project_id bigint NOT NULL,
        issue_id bigint NOT NULL,
        timestamp timestamptz NOT NULL,
        type smallint NOT NULL,
        level smallint NOT NULL,
        title varchar(255) NOT NULL,
        culprit varchar(1024) NOT NULL DEFAULT '',
        platform varchar(64),
        environment varchar(255),
        release varchar(255),
        user_key varchar(200),
        hash char(32) NOT NULL,
        tags jsonb NOT NULL DEFAULT '{}',
        data jsonb NOT NULL,
        PRIMARY KEY (event_id, received)
      ) PARTITION BY RANGE (received);
      CREATE INDEX events_issue_received_idx ON events (issue_id, received DESC);
      CREATE INDEX events_project_received_idx ON events (project_id, received DESC);
      CREATE INDEX events_event_id_idx ON events (event_id);

      -- Events the worker could not process: kept for inspection instead of being retried forever.
      CREATE TABLE event_processing_failures (
        id bigserial PRIMARY KEY,
        project_id bigint,
        event_id uuid,
        error text NOT NULL,
        payload text NOT NULL,
        created timestamptz NOT NULL DEFAULT now()
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE IF EXISTS event_processing_failures, events, issue_hourly_counts, issue_tags, issue_hashes, issues,
        release_projects, releases, environment_projects, environments, api_tokens, project_keys, project_teams,
        projects, team_members, teams, organization_users, organizations, users CASCADE;
    `);
  }
}
