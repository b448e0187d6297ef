import { Injectable } from '@nestjs/common';
import { EventEntity } from './entities/event.entity';
import { EventScope, EventsRepository } from './events.repository';

export interface EventWithNeighbours {
  event: EventEntity;
  /** Event ids (dashed) of the next newer and next older event in the same scope, ordered by receive time. */
  nextEventId: string | null;
  previousEventId: string | null;
}

/** Reads events (newest first) from the day-partitioned table, always within an issue or a project. */
@Injectable()
export class EventsService {
  constructor(private readonly events: EventsRepository) {}

  private async list(scope: EventScope, offset: number, limit: number, countCap: number) {
    const [items, total] = await Promise.all([
      this.events.page(scope, offset, limit),
      this.events.countUpTo(scope, countCap + 1),
    ]);
    return { items, total };
  }

  listForIssue(issueId: string, offset: number, limit: number, countCap = 1000) {
    return this.list({ column: 'issue_id', id: issueId }, offset, limit, countCap);
  }

  listForProject(projectId: string, offset: number, limit: number, countCap = 1000) {
    return this.list({ column: 'project_id', id: projectId }, offset, limit, countCap);
  }

  private async withNeighbours(
    scope: EventScope,
    event: EventEntity | null,
  ): Promise<EventWithNeighbours | null> {
    if (!event) return null;
    const [nextEventId, previousEventId] = await Promise.all([
      this.events.neighbourId(scope, event, true),
      this.events.neighbourId(scope, event, false),
    ]);
    return { event, nextEventId, previousEventId };
  }

  async latestForIssue(issueId: string): Promise<EventWithNeighbours | null> {
    const event = await this.events.latestInIssue(issueId);
    if (!event) return null;
    return {
      event,
      nextEventId: null,
      previousEventId: await this.events.neighbourId({ column: 'issue_id', id: issueId }, event, false),
    };
  }

  async findInIssue(issueId: string, eventId: string): Promise<EventWithNeighbours | null> {
    return this.withNeighbours(
      { column: 'issue_id', id: issueId },
      await this.events.findInIssue(issueId, eventId),
    );
  }

  async findInProject(projectId: string, eventId: string): Promise<EventWithNeighbours | null> {
    return this.withNeighbours(
      { column: 'project_id', id: projectId },
      await this.events.findInProject(projectId, eventId),
    );
  }

  /** The newest event of each grouping hash of an issue. */
  async latestForHashes(issueId: string, hashes: string[]): Promise<Map<string, EventEntity>> {
    const result = new Map<string, EventEntity>();
    for (const hash of hashes) {
      const event = await this.events.latestOfHash(issueId, hash);
      if (event) result.set(hash, event);
    }
    return result;
  }

  /** The issue holding an event, among the given projects. */
  issueIdOfEvent(projectIds: string[], eventId: string): Promise<string | null> {
    return this.events.issueIdOfEvent(projectIds, eventId);
  }
}
