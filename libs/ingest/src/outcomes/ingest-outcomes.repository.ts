import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/**
 * What became of accepted items: `accepted` (the api queued it), `ignored` (answered 200, but a type GlitchTip does
 * not store: sessions, transactions, client reports, attachments…), `stored`, `duplicate` (a resend), `failed`
 * (kept in event_processing_failures; `reason` says at which stage).
 */
export type IngestOutcome = 'accepted' | 'ignored' | 'stored' | 'duplicate' | 'failed';

/** How many items of one type of one project had one outcome in one hour. */
export interface OutcomeCount {
  projectId: number;
  /** The start of the hour (UTC) the items were accepted in. */
  hour: Date;
  itemType: string;
  outcome: IngestOutcome;
  /** Empty when the outcome needs none. */
  reason: string;
  quantity: number;
}

/** All SQL on `ingest_outcomes`. */
@Injectable()
export class IngestOutcomesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Adds counts in one statement; counts of projects deleted meanwhile are dropped. */
  async add(counts: OutcomeCount[]): Promise<void> {
    if (counts.length === 0) return;
    // A fixed order, so that two processes flushing at once lock the same rows in the same order.
    const list = [...counts].sort(
      (a, b) =>
        a.projectId - b.projectId ||
        a.hour.getTime() - b.hour.getTime() ||
        (a.itemType + '\u0000' + a.outcome + '\u0000' + a.reason <
        b.itemType + '\u0000' + b.outcome + '\u0000' + b.reason
          ? -1
          : 1),
    );
    await this.dataSource.query(
      `INSERT INTO ingest_outcomes (project_id, hour, item_type, outcome, reason, quantity)
       SELECT x.p, x.h, x.t, x.o, x.r, x.q
         FROM unnest($1::bigint[], $2::timestamptz[], $3::varchar[], $4::varchar[], $5::varchar[], $6::bigint[])
              AS x(p, h, t, o, r, q)
         JOIN projects pr ON pr.id = x.p
       ON CONFLICT (project_id, hour, item_type, outcome, reason)
       DO UPDATE SET quantity = ingest_outcomes.quantity + EXCLUDED.quantity`,
      [
        list.map((c) => c.projectId),
        list.map((c) => c.hour.toISOString()),
        list.map((c) => c.itemType.slice(0, 32)),
        list.map((c) => c.outcome),
        list.map((c) => c.reason.slice(0, 64)),
        list.map((c) => c.quantity),
      ],
    );
  }

  /** The project's counts of the hours in [since, until), by hour, item type, outcome and reason. */
  async ofProject(projectId: number, since: Date, until: Date): Promise<OutcomeCount[]> {
    const rows: Array<{
      hour: Date;
      item_type: string;
      outcome: IngestOutcome;
      reason: string;
      quantity: string;
    }> = await this.dataSource.query(
      `SELECT hour, item_type, outcome, reason, quantity FROM ingest_outcomes
        WHERE project_id = $1 AND hour >= $2 AND hour < $3
        ORDER BY hour, item_type, outcome, reason`,
      [projectId, since.toISOString(), until.toISOString()],
    );
    return rows.map((r) => ({
      projectId,
      hour: new Date(r.hour),
      itemType: r.item_type,
      outcome: r.outcome,
      reason: r.reason,
      quantity: Number(r.quantity),
    }));
  }
}
