import { Injectable } from '@nestjs/common';
import { Transactions, Tx } from '@app/core';
import { EventsRepository } from '@app/events';
import { ProjectsRepository } from '@app/projects';
import { IssueCommentsRepository } from './issue-comments.repository';
import { IssuesRepository } from './issues.repository';
import { IssueActionError } from './issues.service';
import { UserReportsRepository } from './user-reports.repository';

/**
 * Merging issues and unmerging grouping hashes out of one. Aggregates (count, user count, tags, hourly counts)
 * stay exact through both; each runs in one transaction over the repositories of every table it moves rows in.
 */
@Injectable()
export class IssueMergeService {
  constructor(
    private readonly issues: IssuesRepository,
    private readonly events: EventsRepository,
    private readonly comments: IssueCommentsRepository,
    private readonly userReports: UserReportsRepository,
    private readonly projects: ProjectsRepository,
    private readonly transactions: Transactions,
  ) {}

  /**
   * Merges issues into the one with the highest id (GlitchTip's choice): hashes, events, comments, user
   * reports, tag and hourly aggregates move to it, and the others are deleted. Issues must share a project.
   */
  async merge(ids: string[]): Promise<{ parent: string; children: string[] } | null> {
    const unique = [...new Set(ids)].sort((a, b) => Number(a) - Number(b));
    if (unique.length < 2) return null;
    return this.transactions.run(async (tx) => {
      const locked = await this.issues.lock(tx, unique);
      if (locked.length < 2) return null;
      if (new Set(locked.map((r) => r.projectId)).size > 1) {
        throw new IssueActionError('Only issues of one project can be merged');
      }
      const parent = locked[locked.length - 1]!.id;
      const children = locked.slice(0, -1).map((r) => r.id);
      await this.events.moveIssues(tx, children, parent);
      await this.comments.moveIssues(tx, children, parent);
      await this.userReports.moveIssues(tx, children, parent);
      await this.issues.mergeInto(tx, parent, children);
      return { parent, children };
    });
  }

  /**
   * Unmerges grouping hashes from an issue: each hash (with its events) moves to a new issue, and both sides'
   * aggregates are adjusted. The issue always keeps at least one hash; a hash without any stored event is
   * only detached (its next event starts a new issue). Returns the new issues' ids.
   */
  async unmerge(issueId: string, hashValues: string[]): Promise<string[]> {
    return this.transactions.run(async (tx) => {
      const issue = (await this.issues.lock(tx, [issueId]))[0];
      if (!issue) return [];
      const hashes = await this.issues.hashesOf(tx, issueId);
      const wanted = new Set(hashValues.map((v) => v.toLowerCase()));
      let selected = hashes.filter((h) => wanted.has(h.value));
      // Never leave the issue without a hash: the oldest one stays.
      if (selected.length === hashes.length) selected = selected.slice(1);
      const created: string[] = [];
      for (const hash of selected) {
        const newId = await this.splitHash(tx, issue.id, issue.projectId, hash);
        if (newId) created.push(newId);
      }
      if (selected.length) {
        const remaining = await this.events.summaryOfIssue(tx, issue.id);
        await this.issues.refreshAfterSplit(tx, issue.id, remaining);
      }
      return created;
    });
  }

  private async splitHash(
    tx: Tx,
    issueId: string,
    projectId: string,
    hash: { id: string; value: string },
  ): Promise<string | null> {
    const template = await this.events.templateOfHash(tx, issueId, hash.value);
    if (!template) {
      await this.issues.deleteHash(tx, hash.id);
      return null;
    }
    const shortId = await this.projects.reserveIssueNumbers(tx, projectId, 1);
    if (shortId === null) return null;
    const newId = await this.issues.createSplitIssue(tx, { projectId, shortId, hashId: hash.id, template });
    await this.events.moveHash(tx, issueId, hash.value, newId);
    const reported = await this.userReports.eventIdsOfIssue(tx, issueId);
    const moved = await this.events.eventIdsInIssue(tx, newId, reported);
    await this.userReports.moveEvents(tx, issueId, [...moved], newId);
    // Tags, hourly counts and totals of the moved events: set on the new issue, taken off the old one.
    await this.issues.setSplitAggregates(tx, newId, {
      tags: await this.events.tagCountsOfIssue(tx, newId),
      hourly: await this.events.hourlyCountsOfIssue(tx, newId),
      summary: await this.events.summaryOfIssue(tx, newId),
    });
    await this.issues.subtractSplit(tx, issueId, newId);
    return newId;
  }
}
