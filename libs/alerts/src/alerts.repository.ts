import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AlertRecipient, AlertRule, AlertRuleInput, RecipientType } from './alert-types';

interface RuleRow {
  id: string;
  project_id: string;
  name: string;
  timespan_minutes: number | null;
  quantity: number | null;
  uptime: boolean;
  uptime_quantity: number | null;
  uptime_timespan_minutes: number | null;
  environment: string | null;
}

interface RecipientRow {
  id: string;
  alert_id: string;
  recipient_type: string;
  url: string;
  config: Record<string, unknown>;
  tags_to_add: string[];
}

function toRecipient(row: RecipientRow): AlertRecipient {
  return {
    id: String(row.id),
    alertId: String(row.alert_id),
    recipientType: row.recipient_type as RecipientType,
    url: row.url,
    config: row.config ?? {},
    tagsToAdd: row.tags_to_add ?? [],
  };
}

function toRule(row: RuleRow, recipients: AlertRecipient[]): AlertRule {
  return {
    id: String(row.id),
    projectId: String(row.project_id),
    name: row.name,
    timespanMinutes: row.timespan_minutes,
    quantity: row.quantity,
    uptime: row.uptime,
    uptimeQuantity: row.uptime_quantity,
    uptimeTimespanMinutes: row.uptime_timespan_minutes,
    environment: row.environment,
    recipients: recipients.filter((r) => r.alertId === String(row.id)),
  };
}

const RULE_COLUMNS = `id, project_id, name, timespan_minutes, quantity, uptime, uptime_quantity,
  uptime_timespan_minutes, environment`;

/** All SQL on `project_alerts` and `alert_recipients`. Methods that take `m` run in the caller's transaction. */
@Injectable()
export class AlertsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private async withRecipients(rows: RuleRow[], m?: EntityManager): Promise<AlertRule[]> {
    if (rows.length === 0) return [];
    const recipients: RecipientRow[] = await (m ?? this.dataSource.manager).query(
      `SELECT id, alert_id, recipient_type, url, config, tags_to_add FROM alert_recipients
        WHERE alert_id = ANY($1::bigint[]) ORDER BY id`,
      [rows.map((r) => r.id)],
    );
    const all = recipients.map(toRecipient);
    return rows.map((row) => toRule(row, all));
  }

  /** One page of the project's rules, oldest first, and how many it has. */
  async pageOfProject(
    projectId: string,
    page: { offset: number; limit: number },
  ): Promise<{ rules: AlertRule[]; total: number }> {
    const rows: RuleRow[] = await this.dataSource.query(
      `SELECT ${RULE_COLUMNS} FROM project_alerts WHERE project_id = $1 ORDER BY id OFFSET $2 LIMIT $3`,
      [projectId, page.offset, page.limit],
    );
    const [count] = (await this.dataSource.query(
      `SELECT count(*) AS n FROM project_alerts WHERE project_id = $1`,
      [projectId],
    )) as Array<{ n: string }>;
    return { rules: await this.withRecipients(rows), total: Number(count?.n ?? 0) };
  }

  async find(projectId: string, alertId: string, m?: EntityManager): Promise<AlertRule | null> {
    if (!/^\d{1,18}$/.test(alertId)) return null;
    const rows: RuleRow[] = await (m ?? this.dataSource.manager).query(
      `SELECT ${RULE_COLUMNS} FROM project_alerts WHERE project_id = $1 AND id = $2`,
      [projectId, alertId],
    );
    return (await this.withRecipients(rows, m))[0] ?? null;
  }

  async findById(alertId: string): Promise<AlertRule | null> {
    const rows: RuleRow[] = await this.dataSource.query(
      `SELECT ${RULE_COLUMNS} FROM project_alerts WHERE id = $1`,
      [alertId],
    );
    return (await this.withRecipients(rows))[0] ?? null;
  }

  /** The issue rules (a timespan and a quantity, uptime or not) of these projects, with their recipients. */
  async issueRulesOfProjects(projectIds: string[]): Promise<AlertRule[]> {
    if (projectIds.length === 0) return [];
    const rows: RuleRow[] = await this.dataSource.query(
      `SELECT ${RULE_COLUMNS} FROM project_alerts
        WHERE project_id = ANY($1::bigint[]) AND timespan_minutes IS NOT NULL AND quantity IS NOT NULL
        ORDER BY id`,
      [projectIds],
    );
    return this.withRecipients(rows);
  }

  /** Projects having at least one issue rule, and the longest timespan among their rules (minutes). */
  async projectsWithIssueRules(): Promise<Array<{ projectId: string; longestMinutes: number }>> {
    const rows: Array<{ project_id: string; longest: number }> = await this.dataSource.query(
      `SELECT project_id, max(timespan_minutes) AS longest FROM project_alerts
        WHERE timespan_minutes IS NOT NULL AND quantity IS NOT NULL GROUP BY project_id`,
    );
    return rows.map((r) => ({ projectId: String(r.project_id), longestMinutes: Number(r.longest) }));
  }

  async insert(m: EntityManager, projectId: string, input: AlertRuleInput): Promise<string> {
    const [row] = (await m.query(
      `INSERT INTO project_alerts (project_id, name, timespan_minutes, quantity, uptime, uptime_quantity,
                                   uptime_timespan_minutes, environment)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
      [
        projectId,
        input.name,
        input.timespanMinutes,
        input.quantity,
        input.uptime,
        input.uptimeQuantity,
        input.uptimeTimespanMinutes,
        input.environment,
      ],
    )) as Array<{ id: string }>;
    const id = String(row!.id);
    await this.insertRecipients(m, id, input);
    return id;
  }

  /** Full replace: the rule's fields and its recipients (those not listed are deleted). */
  async replace(m: EntityManager, alertId: string, input: AlertRuleInput): Promise<void> {
    await m.query(
      `UPDATE project_alerts SET name = $2, timespan_minutes = $3, quantity = $4, uptime = $5,
              uptime_quantity = $6, uptime_timespan_minutes = $7, environment = $8
        WHERE id = $1`,
      [
        alertId,
        input.name,
        input.timespanMinutes,
        input.quantity,
        input.uptime,
        input.uptimeQuantity,
        input.uptimeTimespanMinutes,
        input.environment,
      ],
    );
    await m.query(`DELETE FROM alert_recipients WHERE alert_id = $1`, [alertId]);
    await this.insertRecipients(m, alertId, input);
  }

  private async insertRecipients(m: EntityManager, alertId: string, input: AlertRuleInput): Promise<void> {
    for (const r of input.recipients) {
      await m.query(
        `INSERT INTO alert_recipients (alert_id, recipient_type, url, config, tags_to_add)
         VALUES ($1, $2, $3, $4::jsonb, $5::text[])`,
        [alertId, r.recipientType, r.url, JSON.stringify(r.config), r.tagsToAdd],
      );
    }
  }

  async delete(alertId: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM project_alerts WHERE id = $1`, [alertId]);
  }
}
