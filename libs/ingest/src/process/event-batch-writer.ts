import { Injectable } from '@nestjs/common';
import { Transactions, Tx } from '@app/core';
import { EventsRepository, hexToUuid } from '@app/events';
import {
  EventIssueLink,
  hashKeyOf,
  IssueDelta,
  IssueHourDelta,
  IssuesRepository,
  IssueTagDelta,
  NewIssue,
} from '@app/issues';
import {
  EnvironmentsRepository,
  ProjectNamedItem,
  ProjectsRepository,
  ReleasesRepository,
} from '@app/projects';
import { PreparedEvent } from './prepare-event';

export interface BatchWriteResult {
  inserted: number;
  duplicates: number;
  newIssues: number;
  /** Events of projects that no longer exist, dropped. */
  orphaned: number;
  /** Issues that were resolved and got a new event (regressions). */
  regressedIssueIds: string[];
  /** What became of each event of the batch, for the account stage. */
  outcomes: EventWriteOutcome[];
}

export interface EventWriteOutcome {
  event: PreparedEvent;
  /** `orphaned`: its project was deleted after the event was accepted. */
  outcome: 'stored' | 'duplicate' | 'orphaned';
}

export function emptyWriteResult(): BatchWriteResult {
  return { inserted: 0, duplicates: 0, newIssues: 0, orphaned: 0, regressedIssueIds: [], outcomes: [] };
}

const HOUR_MS = 3_600_000;

/** What is left of a batch once resends and events of deleted projects are dropped. */
interface BatchPlan {
  events: PreparedEvent[];
  organizationOf: Map<number, string>;
  result: BatchWriteResult;
}

function searchTextOf(event: PreparedEvent): string {
  return `${event.title} ${event.culprit}`.toLowerCase().slice(0, 2000);
}

/** The first event of each `project:hash` in the batch. */
function hashPairs(events: PreparedEvent[]): Map<string, PreparedEvent> {
  const pairs = new Map<string, PreparedEvent>();
  for (const e of events) if (!pairs.has(hashKeyOf(e))) pairs.set(hashKeyOf(e), e);
  return pairs;
}

/** How often each issue saw each tag value in the batch, and when first and last. */
export function tagDeltas(events: PreparedEvent[], issueOf: Map<string, string>): IssueTagDelta[] {
  const rows = new Map<string, IssueTagDelta>();
  for (const e of events) {
    const issueId = issueOf.get(hashKeyOf(e))!;
    for (const [key, value] of e.tags) {
      const id = `${issueId}\u0000${key}\u0000${value}`;
      const row = rows.get(id);
      if (row) {
        row.count++;
        if (e.received < row.firstSeen) row.firstSeen = e.received;
        if (e.received > row.lastSeen) row.lastSeen = e.received;
      } else rows.set(id, { issueId, key, value, count: 1, firstSeen: e.received, lastSeen: e.received });
    }
  }
  return [...rows.values()];
}

/** What the batch adds to each issue: count, new users, first/last seen, the latest event's level, the release. */
export function issueDeltas(
  events: PreparedEvent[],
  issueOf: Map<string, string>,
  newUsers: Map<string, number>,
): IssueDelta[] {
  const perIssue = new Map<
    string,
    { count: number; first: PreparedEvent; last: PreparedEvent; release: string | null }
  >();
  for (const e of events) {
    const issueId = issueOf.get(hashKeyOf(e))!;
    const agg = perIssue.get(issueId);
    if (!agg) perIssue.set(issueId, { count: 1, first: e, last: e, release: e.release });
    else {
      agg.count++;
      if (e.received < agg.first.received) agg.first = e;
      if (e.received >= agg.last.received) agg.last = e;
      if (e.release) agg.release = e.release;
    }
  }
  return [...perIssue].map(([issueId, agg]) => ({
    issueId,
    count: agg.count,
    newUsers: newUsers.get(issueId) ?? 0,
    firstSeen: agg.first.received,
    lastSeen: agg.last.received,
    level: agg.last.level,
    release: agg.release,
  }));
}

/** Events per issue and hour. */
export function hourDeltas(events: PreparedEvent[], issueOf: Map<string, string>): IssueHourDelta[] {
  const counts = new Map<string, IssueHourDelta>();
  for (const e of events) {
    const issueId = issueOf.get(hashKeyOf(e))!;
    const hour = Math.floor(e.received.getTime() / HOUR_MS) * HOUR_MS;
    const key = `${issueId}:${hour}`;
    const row = counts.get(key);
    if (row) row.count++;
    else counts.set(key, { issueId, hour: new Date(hour), count: 1 });
  }
  return [...counts.values()];
}

/** The distinct environment (or release) names per project of the batch. */
function namesOf(
  events: PreparedEvent[],
  field: 'environment' | 'release',
  organizationOf: Map<number, string>,
): ProjectNamedItem[] {
  const names = new Map<string, ProjectNamedItem>();
  for (const e of events) {
    const name = e[field];
    if (name)
      names.set(`${e.projectId}\u0000${name}`, {
        projectId: e.projectId,
        organizationId: organizationOf.get(e.projectId)!,
        name,
      });
  }
  return [...names.values()];
}

/**
 * The persist stage: writes a batch of prepared events through the repositories of the libs that own the tables,
 * with a fixed number of statements per batch (not per event; pinned by event-batch-statements.int-spec.ts). It
 * takes up to three steps so that batches written at the same time (two in flight in one worker, or several
 * workers) do not wait for each other's whole transaction:
 *
 * 1. resends and events of deleted projects are dropped, and the issues of known hashes looked up, without a
 *    transaction (READ COMMITTED would not see a concurrent batch's uncommitted rows inside one either);
 * 2. issues for hashes seen for the first time are created in a short transaction of their own, so that the
 *    locks serialising their creation (per hash, and the project's short-id counter) are held for milliseconds
 *    instead of until the events of the whole batch are stored;
 * 3. events and aggregates are written in one transaction.
 *
 * If step 3 fails, the issues of step 2 stay (with no events until the batch is retried) and the short ids
 * they took are not handed out again.
 */
@Injectable()
export class EventBatchWriter {
  constructor(
    private readonly transactions: Transactions,
    private readonly events: EventsRepository,
    private readonly issues: IssuesRepository,
    private readonly projects: ProjectsRepository,
    private readonly environments: EnvironmentsRepository,
    private readonly releases: ReleasesRepository,
  ) {}

  async write(batch: PreparedEvent[]): Promise<BatchWriteResult> {
    const plan = await this.plan(batch);
    if (plan.events.length === 0) return plan.result;
    const pairs = hashPairs(plan.events);
    const issueOf = await this.issues.issueIdsOfHashes([...pairs.values()]);
    if (issueOf.size < pairs.size) {
      await this.transactions.run((tx) => this.createIssues(tx, pairs, issueOf, plan.result));
    }
    return this.transactions.run((tx) => this.store(tx, plan, issueOf));
  }

  private async plan(batch: PreparedEvent[]): Promise<BatchPlan> {
    const result = emptyWriteResult();
    const drop = (event: PreparedEvent, outcome: 'duplicate' | 'orphaned') => {
      result.outcomes.push({ event, outcome });
      return false;
    };

    // Drop resends: the same (project, event id) twice in the batch or already stored.
    const unique = new Map<string, PreparedEvent>();
    for (const event of batch) {
      const earlier = unique.get(`${event.projectId}:${event.eventId}`);
      if (earlier) drop(earlier, 'duplicate');
      unique.set(`${event.projectId}:${event.eventId}`, event);
    }
    result.duplicates += batch.length - unique.size;
    let events = [...unique.values()];
    const stored = await this.events.storedKeys(events.map((e) => e.eventId));
    events = events.filter((e) => !stored.has(`${e.projectId}:${e.eventId}`) || drop(e, 'duplicate'));
    result.duplicates += unique.size - events.length;

    // Projects deleted since the event was accepted.
    const organizationOf = await this.projects.organizationIdsOf([
      ...new Set(events.map((e) => e.projectId)),
    ]);
    const before = events.length;
    events = events.filter((e) => organizationOf.has(e.projectId) || drop(e, 'orphaned'));
    result.orphaned = before - events.length;
    return { events, organizationOf, result };
  }

  /** Creates the issues of the hashes of `pairs` missing from `issueOf`, and adds them to it. */
  private async createIssues(
    tx: Tx,
    pairs: Map<string, PreparedEvent>,
    issueOf: Map<string, string>,
    result: BatchWriteResult,
  ): Promise<void> {
    let missing = [...pairs.keys()].filter((k) => !issueOf.has(k)).sort();
    if (missing.length === 0) return;
    const missingHashes = missing.map((k) => pairs.get(k)!);
    await this.issues.lockHashes(tx, missingHashes);
    // Another worker may have created some while this one waited for the locks.
    for (const [key, id] of await this.issues.issueIdsOfHashes(missingHashes, tx)) issueOf.set(key, id);
    missing = missing.filter((k) => !issueOf.has(k));
    if (missing.length === 0) return;

    const perProject = new Map<number, string[]>();
    for (const key of missing) {
      const projectId = pairs.get(key)!.projectId;
      perProject.set(projectId, [...(perProject.get(projectId) ?? []), key]);
    }
    const shortIds = new Map<string, number>();
    for (const [projectId, keys] of [...perProject.entries()].sort((a, b) => a[0] - b[0])) {
      const first = await this.projects.reserveIssueNumbers(tx, String(projectId), keys.length);
      if (first === null) throw new Error(`project ${projectId} no longer exists`);
      keys.forEach((key, index) => shortIds.set(key, first + index));
    }
    const newIssues: NewIssue[] = missing.map((key) => {
      const e = pairs.get(key)!;
      return {
        projectId: e.projectId,
        hash: e.hash,
        shortId: shortIds.get(key)!,
        title: e.title,
        culprit: e.culprit,
        type: e.type,
        level: e.level,
        metadata: e.metadata,
        platform: e.platform,
        firstSeen: e.received,
        release: e.release,
        searchText: searchTextOf(e),
      };
    });
    const created = await this.issues.insertWithHashes(tx, newIssues);
    for (const [key, id] of created) issueOf.set(key, id);
    result.newIssues += created.size;
  }

  /** Events and the aggregates they feed, in one transaction; every hash has an issue in `issueOf`. */
  private async store(tx: Tx, plan: BatchPlan, issueOf: Map<string, string>): Promise<BatchWriteResult> {
    const { events, organizationOf, result } = plan;
    const insertedIds = await this.events.insertBatch(
      tx,
      events,
      events.map((e) => issueOf.get(hashKeyOf(e))!),
    );
    const written: PreparedEvent[] = [];
    for (const event of events) {
      const outcome = insertedIds.has(event.eventId) ? 'stored' : 'duplicate';
      result.outcomes.push({ event, outcome });
      if (outcome === 'stored') written.push(event);
    }
    result.duplicates += events.length - written.length;
    result.inserted = written.length;
    if (written.length === 0) return result;

    const newUsers = await this.issues.addTagCounts(tx, tagDeltas(written, issueOf));
    result.regressedIssueIds = await this.issues.addEventDeltas(tx, issueDeltas(written, issueOf, newUsers));
    const reportLinks: EventIssueLink[] = written.map((e) => ({
      projectId: e.projectId,
      eventId: hexToUuid(e.eventId),
      issueId: issueOf.get(hashKeyOf(e))!,
    }));
    await this.issues.addHourlyCounts(tx, hourDeltas(written, issueOf), reportLinks);
    await this.environments.addToProjects(tx, namesOf(written, 'environment', organizationOf));
    await this.releases.addToProjects(tx, namesOf(written, 'release', organizationOf));
    await this.projects.markFirstEvents(tx, written);
    return result;
  }
}
