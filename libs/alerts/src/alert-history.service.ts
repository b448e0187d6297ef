import { Injectable } from '@nestjs/common';
import { displayShortId, IssuesRepository } from '@app/issues';
import { AlertDeliveriesRepository, DeliveryStatus } from './alert-deliveries.repository';
import type { AlertRule } from './alert-types';

/** `sent` is the outbox's word; the history answers in the outcome's. */
export type DeliveryOutcome = 'pending' | 'delivered' | 'failed';

const OUTCOME: Record<DeliveryStatus, DeliveryOutcome> = {
  pending: 'pending',
  sent: 'delivered',
  failed: 'failed',
};

export interface AlertHistoryEntry {
  id: string;
  created: Date;
  /** The issues still stored, by id. */
  issues: Array<{ id: string; shortId: string; title: string }>;
  deliveries: Array<{
    recipientId: string | null;
    recipientType: string;
    status: DeliveryOutcome;
    attempts: number;
    lastStatusCode: number | null;
    lastError: string | null;
    lastAttemptAt: Date | null;
  }>;
}

/** When a rule fired, for which issues, and how each recipient's delivery went. */
@Injectable()
export class AlertHistoryService {
  constructor(
    private readonly deliveries: AlertDeliveriesRepository,
    private readonly issues: IssuesRepository,
  ) {}

  async page(
    rule: AlertRule,
    projectSlug: string,
    page: { offset: number; limit: number },
  ): Promise<{ entries: AlertHistoryEntry[]; total: number }> {
    const { firings, total } = await this.deliveries.firingsOfAlert(rule.id, page);
    const issues = await this.issues.findByIds([...new Set(firings.flatMap((f) => f.issueIds))]);
    const byId = new Map(issues.map((i) => [String(i.id), i]));
    const entries = firings.map((f) => ({
      id: f.id,
      created: f.created,
      issues: f.issueIds.flatMap((id) => {
        const issue = byId.get(id);
        return issue ? [{ id, shortId: displayShortId(projectSlug, issue.shortId), title: issue.title }] : [];
      }),
      deliveries: f.deliveries.map((d) => ({
        ...d,
        // A rule without recipients mails the project's team members.
        recipientType: d.recipientType ?? 'email',
        status: OUTCOME[d.status],
      })),
    }));
    return { entries, total };
  }
}
