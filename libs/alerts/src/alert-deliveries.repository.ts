import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { rowsOf } from '@app/core';
import type { AttemptOutcome } from './http-post';

export type DeliveryStatus = 'pending' | 'sent' | 'failed';

export interface AlertDelivery {
  id: string;
  alertId: string;
  /** null: the email fallback of a rule without recipients. */
  recipientId: string | null;
  issueIds: string[];
  status: DeliveryStatus;
  /** Attempts started so far (the claimed one included). */
  attempts: number;
}

export interface DeliveryAttempt {
  attempt: number;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

/** One firing of a rule: the notifications one evaluation created, and the deliveries queued with them. */
export interface AlertFiring {
  /** The firing's first notification. */
  id: string;
  created: Date;
  issueIds: string[];
  deliveries: FiringDelivery[];
}

export interface FiringDelivery {
  /** null: the email fallback of a rule without recipients. */
  recipientId: string | null;
  /** null for the fallback; the recipient's type otherwise. */
  recipientType: string | null;
  status: DeliveryStatus;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  lastAttemptAt: Date | null;
}

interface DeliveryRow {
  id: string;
  alert_id: string;
  recipient_id: string | null;
  issue_ids: string[];
  status: DeliveryStatus;
  attempts: number;
}

function toDelivery(row: DeliveryRow): AlertDelivery {
  return {
    id: String(row.id),
    alertId: String(row.alert_id),
    recipientId: row.recipient_id === null ? null : String(row.recipient_id),
    issueIds: row.issue_ids.map(String),
    status: row.status,
    attempts: Number(row.attempts),
  };
}

/**
 * All SQL on `alert_issue_generations`, `alert_notifications`, `alert_deliveries` and `alert_delivery_attempts`.
 * Methods that take `m` run in the caller's transaction.
 */
@Injectable()
export class AlertDeliveriesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** A regression starts the issue's next generation, so that every rule may fire for it again. */
  async startNextGeneration(issueIds: string[]): Promise<void> {
    if (issueIds.length === 0) return;
    await this.dataSource.query(
      `INSERT INTO alert_issue_generations (issue_id, generation)
       SELECT DISTINCT unnest($1::bigint[]), 1
       ON CONFLICT (issue_id) DO UPDATE SET generation = alert_issue_generations.generation + 1`,
      [issueIds],
    );
  }

  /** Current generation per issue (0 until the first regression). */
  async generationsOf(issueIds: string[]): Promise<Map<string, number>> {
    if (issueIds.length === 0) return new Map();
    const rows: Array<{ issue_id: string; generation: number }> = await this.dataSource.query(
      `SELECT issue_id, generation FROM alert_issue_generations WHERE issue_id = ANY($1::bigint[])`,
      [issueIds],
    );
    return new Map(rows.map((r) => [String(r.issue_id), Number(r.generation)]));
  }

  /** Which of these (rule, issue) pairs already notified in the issue's current generation, as `rule:issue` keys. */
  async notifiedPairs(alertIds: string[], issueIds: string[]): Promise<Set<string>> {
    if (alertIds.length === 0 || issueIds.length === 0) return new Set();
    const rows: Array<{ alert_id: string; issue_id: string }> = await this.dataSource.query(
      `SELECT n.alert_id, n.issue_id FROM alert_notifications n
         LEFT JOIN alert_issue_generations g ON g.issue_id = n.issue_id
        WHERE n.alert_id = ANY($1::bigint[]) AND n.issue_id = ANY($2::bigint[])
          AND n.generation = coalesce(g.generation, 0)`,
      [alertIds, issueIds],
    );
    return new Set(rows.map((r) => `${r.alert_id}:${r.issue_id}`));
  }

  /**
   * Records notifications; the unique (rule, issue, generation) index lets only one of several replicas win each.
   * Returns the (alertId, issueId) pairs this call created.
   */
  async insertNotifications(
    m: EntityManager,
    rows: Array<{ alertId: string; issueId: string; generation: number }>,
  ): Promise<Array<{ alertId: string; issueId: string }>> {
    if (rows.length === 0) return [];
    const created = rowsOf<{ alert_id: string; issue_id: string }>(
      await m.query(
        `INSERT INTO alert_notifications (alert_id, issue_id, generation)
         SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::int[])
         ON CONFLICT DO NOTHING
         RETURNING alert_id, issue_id`,
        [rows.map((r) => r.alertId), rows.map((r) => r.issueId), rows.map((r) => r.generation)],
      ),
    );
    return created.map((r) => ({ alertId: String(r.alert_id), issueId: String(r.issue_id) }));
  }

  async insertDeliveries(
    m: EntityManager,
    deliveries: Array<{ alertId: string; recipientId: string | null; issueIds: string[] }>,
  ): Promise<void> {
    for (const d of deliveries) {
      await m.query(
        `INSERT INTO alert_deliveries (alert_id, recipient_id, issue_ids) VALUES ($1, $2, $3::bigint[])`,
        [d.alertId, d.recipientId, d.issueIds],
      );
    }
  }

  /**
   * Takes up to `limit` due deliveries for this process: each counts one more attempt and is not due again for
   * `leaseMs` (so that a replica dying mid-request leaves it to be retried, not lost). SKIP LOCKED keeps
   * replicas from taking the same one.
   */
  async claimDue(now: Date, leaseMs: number, limit: number): Promise<AlertDelivery[]> {
    const rows = rowsOf<DeliveryRow>(
      await this.dataSource.query(
        `UPDATE alert_deliveries d SET attempts = d.attempts + 1, next_attempt_at = $2
           FROM (SELECT id FROM alert_deliveries WHERE status = 'pending' AND next_attempt_at <= $1
                  ORDER BY next_attempt_at, id LIMIT $3 FOR UPDATE SKIP LOCKED) due
          WHERE d.id = due.id
          RETURNING d.id, d.alert_id, d.recipient_id, d.issue_ids, d.status, d.attempts`,
        [now.toISOString(), new Date(now.getTime() + leaseMs).toISOString(), limit],
      ),
    );
    return rows.map(toDelivery);
  }

  /** Stores the attempt's outcome; then the delivery is done (`sent`/`failed`) or due again at `retryAt`. */
  async recordAttempt(
    delivery: AlertDelivery,
    outcome: AttemptOutcome,
    next: { status: 'sent' | 'failed'; at: Date } | { status: 'pending'; retryAt: Date },
  ): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      await m.query(
        `INSERT INTO alert_delivery_attempts (delivery_id, attempt, status_code, error, duration_ms)
         VALUES ($1, $2, $3, $4, $5)`,
        [
          delivery.id,
          delivery.attempts,
          outcome.statusCode,
          outcome.error?.slice(0, 2000) ?? null,
          outcome.durationMs,
        ],
      );
      if (next.status === 'pending') {
        await m.query(`UPDATE alert_deliveries SET next_attempt_at = $2 WHERE id = $1`, [
          delivery.id,
          next.retryAt.toISOString(),
        ]);
      } else {
        await m.query(`UPDATE alert_deliveries SET status = $2, finished = $3 WHERE id = $1`, [
          delivery.id,
          next.status,
          next.at.toISOString(),
        ]);
      }
    });
  }

  /** The rule's deliveries, oldest first, with their attempts (for tests and inspection). */
  async ofAlert(alertId: string): Promise<Array<AlertDelivery & { attemptLog: DeliveryAttempt[] }>> {
    const rows: DeliveryRow[] = await this.dataSource.query(
      `SELECT id, alert_id, recipient_id, issue_ids, status, attempts FROM alert_deliveries
        WHERE alert_id = $1 ORDER BY id`,
      [alertId],
    );
    if (rows.length === 0) return [];
    const attempts: Array<{
      delivery_id: string;
      attempt: number;
      status_code: number | null;
      error: string | null;
      duration_ms: number;
    }> = await this.dataSource.query(
      `SELECT delivery_id, attempt, status_code, error, duration_ms FROM alert_delivery_attempts
        WHERE delivery_id = ANY($1::bigint[]) ORDER BY delivery_id, attempt`,
      [rows.map((r) => r.id)],
    );
    return rows.map((row) => ({
      ...toDelivery(row),
      attemptLog: attempts
        .filter((a) => String(a.delivery_id) === String(row.id))
        .map((a) => ({
          attempt: a.attempt,
          statusCode: a.status_code,
          error: a.error,
          durationMs: a.duration_ms,
        })),
    }));
  }

  /**
   * One page of the rule's firings, newest first, and how many it has. A firing has no row of its own: evaluation
   * inserts its notifications and deliveries in one transaction, so they share `created` (`now()` is the
   * transaction's start), which groups them.
   */
  async firingsOfAlert(
    alertId: string,
    page: { offset: number; limit: number },
  ): Promise<{ firings: AlertFiring[]; total: number }> {
    const rows: Array<{ id: string; created: Date; issue_ids: string[] }> = await this.dataSource.query(
      `SELECT min(id) AS id, created, array_agg(issue_id ORDER BY issue_id) AS issue_ids
         FROM alert_notifications WHERE alert_id = $1
        GROUP BY created ORDER BY created DESC, min(id) DESC OFFSET $2 LIMIT $3`,
      [alertId, page.offset, page.limit],
    );
    const [count] = (await this.dataSource.query(
      `SELECT count(DISTINCT created) AS n FROM alert_notifications WHERE alert_id = $1`,
      [alertId],
    )) as Array<{ n: string }>;
    const total = Number(count?.n ?? 0);
    if (rows.length === 0) return { firings: [], total };
    // Matched through the firing's first notification in SQL: `created` read into a JS Date loses microseconds.
    const deliveries: Array<{
      notification_id: string;
      recipient_id: string | null;
      recipient_type: string | null;
      status: DeliveryStatus;
      attempts: number;
      status_code: number | null;
      error: string | null;
      attempted: Date | null;
    }> = await this.dataSource.query(
      `SELECT n.id AS notification_id, d.recipient_id, r.recipient_type, d.status, d.attempts,
              a.status_code, a.error, a.created AS attempted
         FROM alert_notifications n
         JOIN alert_deliveries d
           ON d.alert_id = n.alert_id AND d.created = n.created AND n.issue_id = ANY(d.issue_ids)
         LEFT JOIN alert_recipients r ON r.id = d.recipient_id
         LEFT JOIN LATERAL (
           SELECT status_code, error, created FROM alert_delivery_attempts
            WHERE delivery_id = d.id ORDER BY attempt DESC LIMIT 1) a ON true
        WHERE n.id = ANY($1::bigint[])
        ORDER BY d.id`,
      [rows.map((r) => r.id)],
    );
    return {
      total,
      firings: rows.map((row) => ({
        id: String(row.id),
        created: row.created,
        issueIds: row.issue_ids.map(String),
        deliveries: deliveries
          .filter((d) => String(d.notification_id) === String(row.id))
          .map((d) => ({
            recipientId: d.recipient_id === null ? null : String(d.recipient_id),
            recipientType: d.recipient_type,
            status: d.status,
            attempts: Number(d.attempts),
            lastStatusCode: d.status_code,
            lastError: d.error,
            lastAttemptAt: d.attempted,
          })),
      })),
    };
  }
}
