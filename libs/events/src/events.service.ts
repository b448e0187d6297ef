import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { EventEntity } from './entities/event.entity';

export interface EventWithNeighbours {
  event: EventEntity;
  /** Event ids (dashed) of the next newer and next older event in the same scope, ordered by receive time. */
  nextEventId: string | null;
  previousEventId: string | null;
}

type Scope = { column: 'issue_id' | 'project_id'; id: string };

/** Reads events (newest first) from the day-partitioned table, always within an issue or a project. */
@Injectable()
export class EventsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get repo() {
    return this.dataSource.getRepository(EventEntity);
  }

  private async list(scope: Scope, offset: number, limit: number, countCap: number) {
    const items = await this.repo
      .createQueryBuilder('e')
      .where(`e.${scope.column} = :id`, { id: scope.id })
      .orderBy('e.received', 'DESC')
      .addOrderBy('e.event_id', 'DESC')
      .offset(offset)
      .limit(limit)
      .getMany();
    const counted: Array<{ n: string }> = await this.dataSource.query(
      `SELECT count(*) AS n FROM (SELECT 1 FROM events WHERE ${scope.column} = $1 LIMIT $2) c`,
      [scope.id, countCap + 1],
    );
    return { items, total: Number(counted[0]?.n ?? 0) };
  }

  listForIssue(issueId: string, offset: number, limit: number, countCap = 1000) {
    return this.list({ column: 'issue_id', id: issueId }, offset, limit, countCap);
  }

  listForProject(projectId: string, offset: number, limit: number, countCap = 1000) {
    return this.list({ column: 'project_id', id: projectId }, offset, limit, countCap);
  }

  /** The next event after (`newer`) or before `event` in receive order within the scope. */
  private async neighbour(scope: Scope, event: EventEntity, newer: boolean): Promise<string | null> {
    const rows: Array<{ event_id: string }> = await this.dataSource.query(
      `SELECT event_id FROM events
        WHERE ${scope.column} = $1 AND received ${newer ? '>=' : '<='} $2
          AND (received ${newer ? '>' : '<'} $2 OR event_id ${newer ? '>' : '<'} $3)
        ORDER BY received ${newer ? 'ASC' : 'DESC'}, event_id ${newer ? 'ASC' : 'DESC'} LIMIT 1`,
      [scope.id, event.received.toISOString(), event.eventId],
    );
    return rows[0]?.event_id ?? null;
  }

  private async withNeighbours(scope: Scope, event: EventEntity | null): Promise<EventWithNeighbours | null> {
    if (!event) return null;
    const [nextEventId, previousEventId] = await Promise.all([
      this.neighbour(scope, event, true),
      this.neighbour(scope, event, false),
    ]);
    return { event, nextEventId, previousEventId };
  }

  async latestForIssue(issueId: string): Promise<EventWithNeighbours | null> {
    const event = await this.repo.findOne({
      where: { issueId },
      order: { received: 'DESC', eventId: 'DESC' },
    });
    if (!event) return null;
    return {
      event,
      nextEventId: null,
      previousEventId: await this.neighbour({ column: 'issue_id', id: issueId }, event, false),
    };
  }

  async findInIssue(issueId: string, eventId: string): Promise<EventWithNeighbours | null> {
    const event = await this.repo.findOne({ where: { issueId, eventId } });
    return this.withNeighbours({ column: 'issue_id', id: issueId }, event);
  }

  async findInProject(projectId: string, eventId: string): Promise<EventWithNeighbours | null> {
    const event = await this.repo.findOne({ where: { projectId, eventId } });
    return this.withNeighbours({ column: 'project_id', id: projectId }, event);
  }

  /** The newest event of each grouping hash of an issue. */
  async latestForHashes(issueId: string, hashes: string[]): Promise<Map<string, EventEntity>> {
    const result = new Map<string, EventEntity>();
    for (const hash of hashes) {
      const event = await this.repo
        .createQueryBuilder('e')
        .where('e.issue_id = :issueId AND e.hash = :hash', { issueId, hash })
        .orderBy('e.received', 'DESC')
        .limit(1)
        .getOne();
      if (event) result.set(hash, event);
    }
    return result;
  }
}
