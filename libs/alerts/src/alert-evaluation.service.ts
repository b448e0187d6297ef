import { Injectable, Logger } from '@nestjs/common';
import { Transactions } from '@app/core';
import { EventsRepository } from '@app/events';
import { IssuesRepository } from '@app/issues';
import { AlertDeliveriesRepository } from './alert-deliveries.repository';
import { AlertsRepository } from './alerts.repository';
import { AlertRule } from './alert-types';

const MINUTE_MS = 60_000;

/** What a stored ingest batch touched, as the worker knows it after the commit. */
export interface StoredBatch {
  projectIds: string[];
  /** The earliest receipt time of the batch's events: every issue it touched has `last_seen` at or after it. */
  receivedSince: Date;
  regressedIssueIds: string[];
}

/** An issue a batch or the sweep touched; `count` is its lifetime event count when known. */
export interface TouchedIssue {
  id: string;
  projectId: string;
  count?: number;
}

/**
 * Decides which issues fire which rules: an issue with at least `quantity` events in the last `timespanMinutes`
 * (in the rule's environment, if it has one) fires once per generation; a regression starts a new generation.
 * Firing creates the notifications and the deliveries (one per recipient) in one transaction.
 */
@Injectable()
export class AlertEvaluationService {
  private readonly logger = new Logger(AlertEvaluationService.name);

  constructor(
    private readonly rules: AlertsRepository,
    private readonly deliveries: AlertDeliveriesRepository,
    private readonly issues: IssuesRepository,
    private readonly events: EventsRepository,
    private readonly transactions: Transactions,
  ) {}

  /** Called by the worker after a batch commit; returns how many deliveries it created. */
  async afterBatch(batch: StoredBatch, now = new Date()): Promise<number> {
    await this.deliveries.startNextGeneration(batch.regressedIssueIds);
    const rules = await this.rules.issueRulesOfProjects(batch.projectIds);
    if (rules.length === 0) return 0;
    const touched = await this.issues.idsSeenSince(
      [...new Set(rules.map((r) => r.projectId))],
      batch.receivedSince,
    );
    // The rules are those just read: evaluating must not read them a second time per batch.
    return this.evaluateAgainst(touched, rules, now);
  }

  /**
   * The periodic pass: issues seen within the longest timespan of their project's rules, for batches whose
   * evaluation did not happen (a worker stopped between the commit and the evaluation).
   */
  async sweep(now = new Date(), lookbackMs = 10 * MINUTE_MS): Promise<number> {
    const projects = await this.rules.projectsWithIssueRules();
    if (projects.length === 0) return 0;
    const touched = await this.issues.idsSeenSince(
      projects.map((p) => p.projectId),
      new Date(now.getTime() - lookbackMs),
    );
    return this.evaluate(touched, now);
  }

  async evaluate(issues: TouchedIssue[], now = new Date()): Promise<number> {
    if (issues.length === 0) return 0;
    const rules = await this.rules.issueRulesOfProjects([...new Set(issues.map((i) => i.projectId))]);
    return this.evaluateAgainst(issues, rules, now);
  }

  private async evaluateAgainst(issues: TouchedIssue[], rules: AlertRule[], now: Date): Promise<number> {
    if (issues.length === 0 || rules.length === 0) return 0;
    // Counting events is the costly part: pairs that already notified in this generation, and issues whose
    // lifetime count cannot reach the rule's quantity, are left out before any count.
    const notified = await this.deliveries.notifiedPairs(
      rules.map((r) => r.id),
      issues.map((i) => i.id),
    );
    const pending = rules.map((rule) => {
      const quantity = Math.max(1, rule.quantity!);
      const candidates = issues
        .filter(
          (i) =>
            i.projectId === rule.projectId &&
            (i.count === undefined || i.count >= quantity) &&
            !notified.has(`${rule.id}:${i.id}`),
        )
        .map((i) => i.id);
      return { rule, quantity, candidates };
    });
    if (pending.every((p) => p.candidates.length === 0)) return 0;
    const generations = await this.deliveries.generationsOf([
      ...new Set(pending.flatMap((p) => p.candidates)),
    ]);
    const firing: Array<{ alertId: string; issueId: string; generation: number }> = [];
    for (const { rule, quantity, candidates } of pending) {
      if (candidates.length === 0) continue;
      const since = new Date(now.getTime() - rule.timespanMinutes! * MINUTE_MS);
      const counts = await this.events.countsSinceUpTo(candidates, since, rule.environment, quantity);
      for (const issueId of candidates) {
        if ((counts.get(issueId) ?? 0) >= quantity)
          firing.push({ alertId: rule.id, issueId, generation: generations.get(issueId) ?? 0 });
      }
    }
    if (firing.length === 0) return 0;
    const created = await this.transactions.run(async (m) => {
      const won = await this.deliveries.insertNotifications(m, firing);
      const issuesByRule = new Map<string, string[]>();
      for (const n of won) issuesByRule.set(n.alertId, [...(issuesByRule.get(n.alertId) ?? []), n.issueId]);
      const deliveries = [...issuesByRule].flatMap(([alertId, issueIds]) => {
        const rule = rules.find((r) => r.id === alertId)!;
        // A rule without recipients mails the project's team members, as GlitchTip does.
        const recipients = rule.recipients.length ? rule.recipients.map((r) => r.id) : [null];
        return recipients.map((recipientId) => ({ alertId, recipientId, issueIds }));
      });
      await this.deliveries.insertDeliveries(m, deliveries);
      return deliveries.length;
    });
    if (created) this.logger.log(`${firing.length} rule matches; ${created} alert deliveries queued`);
    return created;
  }
}
