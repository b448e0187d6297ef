import { Injectable } from '@nestjs/common';
import { Transactions, Tx } from '@app/core';
import { EventsRepository } from '@app/events';
import { IssueEntity, IssueStatus } from './entities/issue.entity';
import { IssueCommentsRepository } from './issue-comments.repository';
import { IssuePage, IssueSort, IssuesRepository, StatusChange } from './issues.repository';
import { IssueFilter } from './search/issue-filter-sql';
import { UserReportsRepository } from './user-reports.repository';

export type { IssuePage, IssueSort, StatusChange } from './issues.repository';

export type StatsPeriod = '24h' | '14d';

export interface IssueTagSummary {
  key: string;
  totalValues: number;
  uniqueValues: number;
  topValues: Array<{ value: string; count: number }>;
}

export class IssueActionError extends Error {}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Issues whose last event is older than the retention are deleted this many at a time. */
const RETENTION_BATCH = 1000;

/**
 * Issue queries and triage actions. Lists are answered one project at a time (an ordered index scan per
 * project, merged and cut to the page), so they stay fast with tens of thousands of issues per project.
 * Merging and unmerging live in IssueMergeService.
 */
@Injectable()
export class IssuesService {
  constructor(
    private readonly issues: IssuesRepository,
    private readonly events: EventsRepository,
    private readonly comments: IssueCommentsRepository,
    private readonly userReports: UserReportsRepository,
    private readonly transactions: Transactions,
  ) {}

  /** The issue holding an event, among the given projects. */
  findEventIssue(projectIds: string[], eventId: string): Promise<string | null> {
    return this.events.issueIdOfEvent(projectIds, eventId);
  }

  /** One page of issue ids in order, and how many match (counted up to `countCap + 1`). */
  list(
    filter: IssueFilter,
    sort: IssueSort,
    page: IssuePage,
    countCap = 1000,
  ): Promise<{ ids: string[]; total: number }> {
    return this.issues.list(filter, sort, page, countCap);
  }

  /** Every issue id a bulk action selects. */
  select(filter: IssueFilter, tx?: Tx): Promise<string[]> {
    return this.issues.select(filter, tx);
  }

  findById(id: string): Promise<IssueEntity | null> {
    return this.issues.findById(id);
  }

  findByIds(ids: string[]): Promise<IssueEntity[]> {
    return this.issues.findByIds(ids);
  }

  async setStatus(ids: string[], change: StatusChange): Promise<void> {
    const releaseGuarded =
      change.status === IssueStatus.Resolved &&
      ('inNextRelease' in change.statusDetails || 'inRelease' in change.statusDetails);
    await this.issues.setStatus(ids, change, releaseGuarded);
  }

  /** Deletes issues with their events; hashes, tags, counts and comments go with them. */
  async delete(ids: string[]): Promise<number> {
    if (ids.length === 0) return 0;
    return this.transactions.run(async (tx) => {
      await this.events.deleteOfIssues(tx, ids);
      return this.issues.delete(tx, ids);
    });
  }

  /** Retention: deletes the issues whose events have all expired, in bounded batches; returns how many. */
  async deleteIssuesWithoutEvents(maxAgeDays: number, now = new Date()): Promise<number> {
    const cutoff = new Date(now.getTime() - maxAgeDays * DAY_MS);
    let total = 0;
    let afterId: string | null = null;
    for (;;) {
      const candidates = await this.issues.lastSeenBefore(cutoff, RETENTION_BATCH, afterId);
      if (candidates.length === 0) return total;
      const withEvents = await this.events.issueIdsWithEvents(candidates);
      total += await this.issues.deleteIfLastSeenBefore(
        candidates.filter((id) => !withEvents.has(id)),
        cutoff,
      );
      if (candidates.length < RETENTION_BATCH) return total;
      afterId = candidates[candidates.length - 1]!;
    }
  }

  /**
   * Event counts per bucket from the hourly aggregates: 24 hourly buckets (`24h`) or 14 daily ones (`14d`),
   * oldest first, ending with the current hour or day, as `[unix seconds, count]`.
   */
  async stats(
    ids: string[],
    period: StatsPeriod,
    now = new Date(),
  ): Promise<Map<string, Array<[number, number]>>> {
    const bucketMs = period === '24h' ? HOUR_MS : DAY_MS;
    const buckets = period === '24h' ? 24 : 14;
    const last = Math.floor(now.getTime() / bucketMs) * bucketMs;
    const first = last - (buckets - 1) * bucketMs;
    const result = new Map<string, Array<[number, number]>>();
    for (const id of ids) {
      result.set(
        id,
        Array.from({ length: buckets }, (_, i): [number, number] => [(first + i * bucketMs) / 1000, 0]),
      );
    }
    for (const row of await this.issues.bucketCounts(ids, new Date(first), bucketMs)) {
      const series = result.get(row.issueId);
      const index = row.bucket - first / bucketMs;
      if (series && index >= 0 && index < buckets) series[index]![1] += row.count;
    }
    return result;
  }

  /** Tag keys of an issue with their most frequent values (from the per-issue tag aggregates). */
  async tags(issueId: string, key?: string): Promise<IssueTagSummary[]> {
    const byKey = new Map<string, IssueTagSummary>();
    for (const row of await this.issues.tagValues(issueId, key ?? null)) {
      let summary = byKey.get(row.key);
      if (!summary) {
        summary = { key: row.key, totalValues: row.total, uniqueValues: row.unique, topValues: [] };
        byKey.set(row.key, summary);
      }
      summary.topValues.push({ value: row.value, count: row.count });
    }
    return [...byKey.values()];
  }

  /** The grouping hashes of an issue (32 hex), in GlitchTip's order (by value). */
  hashes(issueId: string): Promise<string[]> {
    return this.issues.hashValues(issueId);
  }

  /** Comment counts per issue. */
  commentCounts(ids: string[]): Promise<Map<string, number>> {
    return this.comments.countsByIssue(ids);
  }

  userReportCount(issueId: string): Promise<number> {
    return this.userReports.countOfIssue(issueId);
  }
}
