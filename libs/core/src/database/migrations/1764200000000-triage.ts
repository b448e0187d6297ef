import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The triage API: indexes that keep issue lists fast at tens of thousands of issues per project, comments,
 * user reports, and the release an issue was resolved "in the next release" of.
 *
 * Every issue list is answered per project (one ordered index scan per project, merged), so each sort has an
 * index led by `project_id`, with and without `status` (the web UI's default query is `is:unresolved`).
 */
export class Triage1764200000000 implements MigrationInterface {
  name = 'Triage1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE EXTENSION IF NOT EXISTS pg_trgm;

      -- Sort key of "priority": log10(count) + epoch(last_seen) / 300000, as GlitchTip ranks issues. The epoch of
      -- a timestamptz does not depend on the session time zone, so the function is immutable and indexable.
      CREATE FUNCTION issue_priority(n bigint, seen timestamptz) RETURNS double precision
        LANGUAGE sql IMMUTABLE PARALLEL SAFE
        AS $$ SELECT log(greatest(n, 1)::double precision) + extract(epoch FROM seen)::double precision / 300000 $$;

      CREATE INDEX issues_project_first_seen_idx ON issues (project_id, first_seen DESC, id DESC);
      CREATE INDEX issues_project_count_idx ON issues (project_id, count DESC, id DESC);
      CREATE INDEX issues_project_priority_idx ON issues (project_id, issue_priority(count, last_seen) DESC, id DESC);
      CREATE INDEX issues_project_status_first_seen_idx ON issues (project_id, status, first_seen DESC, id DESC);
      CREATE INDEX issues_project_status_count_idx ON issues (project_id, status, count DESC, id DESC);
      CREATE INDEX issues_project_status_priority_idx
        ON issues (project_id, status, issue_priority(count, last_seen) DESC, id DESC);
      -- Free text: substring matches over the lower-cased title and culprit the worker writes to search_text.
      CREATE INDEX issues_search_text_trgm_idx ON issues USING gin (search_text gin_trgm_ops);

      -- Tag filters (\`browser:Firefox\`, \`environment:prod\`, \`has:user\`) go from the tag to its issues.
      CREATE INDEX issue_tags_key_value_issue_idx ON issue_tags (key, value, issue_id);

      -- "Resolve in the next release": the release that was current when it was resolved. Events without a
      -- release, or of that release, do not reopen the issue.
      ALTER TABLE issues ADD COLUMN resolved_release varchar(255);

      -- Unmerge moves the events of one grouping hash to a new issue.
      CREATE INDEX events_issue_hash_received_idx ON events (issue_id, hash, received DESC);

      CREATE TABLE issue_comments (
        id bigserial PRIMARY KEY,
        issue_id bigint NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
        user_id bigint REFERENCES users(id) ON DELETE SET NULL,
        text text NOT NULL,
        created timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX issue_comments_issue_idx ON issue_comments (issue_id, created DESC, id DESC);

      CREATE TABLE user_reports (
        id bigserial PRIMARY KEY,
        project_id bigint NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        issue_id bigint REFERENCES issues(id) ON DELETE SET NULL,
        event_id uuid NOT NULL,
        name varchar(128) NOT NULL DEFAULT '',
        email varchar(254) NOT NULL DEFAULT '',
        comments text NOT NULL DEFAULT '',
        created timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX user_reports_project_event_uq ON user_reports (project_id, event_id);
      CREATE INDEX user_reports_issue_idx ON user_reports (issue_id, created DESC);
      CREATE INDEX user_reports_event_idx ON user_reports (event_id);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE IF EXISTS user_reports, issue_comments;
      DROP INDEX IF EXISTS events_issue_hash_received_idx, issue_tags_key_value_issue_idx, issues_search_text_trgm_idx,
        issues_project_status_priority_idx, issues_project_status_count_idx, issues_project_status_first_seen_idx,
        issues_project_priority_idx, issues_project_count_idx, issues_project_first_seen_idx;
      ALTER TABLE issues DROP COLUMN IF EXISTS resolved_release;
      DROP FUNCTION IF EXISTS issue_priority(bigint, timestamptz);
    `);
  }
}
