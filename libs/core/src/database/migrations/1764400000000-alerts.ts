import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Project alert rules (libs/alerts), their recipients, the notifications they produced and the deliveries of
 * those notifications with one row per attempt.
 *
 * A notification is unique per (rule, issue, generation), so that worker replicas evaluating the same issue
 * create it once; a regression moves the issue to its next generation, so the rule can fire again. Deliveries
 * are the outbox the delivery job drains: a pending row is due at `next_attempt_at`.
 */
export class Alerts1764400000000 implements MigrationInterface {
  name = 'Alerts1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE project_alerts (
        id bigserial PRIMARY KEY,
        project_id bigint NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        name varchar(255) NOT NULL DEFAULT '',
        timespan_minutes integer,
        quantity integer,
        uptime boolean NOT NULL DEFAULT false,
        uptime_quantity integer,
        uptime_timespan_minutes integer,
        environment varchar(255),
        created timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX project_alerts_project_idx ON project_alerts (project_id, id);

      CREATE TABLE alert_recipients (
        id bigserial PRIMARY KEY,
        alert_id bigint NOT NULL REFERENCES project_alerts(id) ON DELETE CASCADE,
        recipient_type varchar(32) NOT NULL,
        url varchar(2000) NOT NULL DEFAULT '',
        config jsonb NOT NULL DEFAULT '{}',
        tags_to_add text[] NOT NULL DEFAULT '{}'
      );
      CREATE INDEX alert_recipients_alert_idx ON alert_recipients (alert_id, id);

      CREATE TABLE alert_issue_generations (
        issue_id bigint PRIMARY KEY REFERENCES issues(id) ON DELETE CASCADE,
        generation integer NOT NULL
      );

      CREATE TABLE alert_notifications (
        id bigserial PRIMARY KEY,
        alert_id bigint NOT NULL REFERENCES project_alerts(id) ON DELETE CASCADE,
        issue_id bigint NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
        generation integer NOT NULL,
        created timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX alert_notifications_alert_issue_generation_uq
        ON alert_notifications (alert_id, issue_id, generation);
      CREATE INDEX alert_notifications_issue_idx ON alert_notifications (issue_id);

      CREATE TABLE alert_deliveries (
        id bigserial PRIMARY KEY,
        alert_id bigint NOT NULL REFERENCES project_alerts(id) ON DELETE CASCADE,
        -- NULL: the rule has no recipients and mails the project's team members (GlitchTip's fallback).
        recipient_id bigint REFERENCES alert_recipients(id) ON DELETE CASCADE,
        issue_ids bigint[] NOT NULL,
        status varchar(16) NOT NULL DEFAULT 'pending',
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        created timestamptz NOT NULL DEFAULT now(),
        finished timestamptz
      );
      CREATE INDEX alert_deliveries_due_idx ON alert_deliveries (next_attempt_at) WHERE status = 'pending';
      CREATE INDEX alert_deliveries_alert_idx ON alert_deliveries (alert_id);

      CREATE TABLE alert_delivery_attempts (
        id bigserial PRIMARY KEY,
        delivery_id bigint NOT NULL REFERENCES alert_deliveries(id) ON DELETE CASCADE,
        attempt integer NOT NULL,
        status_code integer,
        error text,
        duration_ms integer NOT NULL,
        created timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX alert_delivery_attempts_delivery_idx ON alert_delivery_attempts (delivery_id, attempt);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE IF EXISTS alert_delivery_attempts, alert_deliveries, alert_notifications, alert_issue_generations,
        alert_recipients, project_alerts;
    `);
  }
}
