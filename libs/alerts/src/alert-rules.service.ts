import { Injectable } from '@nestjs/common';
import { Transactions } from '@app/core';
import { AlertSender } from './alert-sender.service';
import { AlertRecipient, AlertRule, AlertRuleInput, NewRecipient, RECIPIENT_TYPES } from './alert-types';
import { AlertsRepository } from './alerts.repository';

/** A problem with one field of the input, located as a 422 body locates it (`alertRecipients.0.url`). */
export interface AlertInputProblem {
  loc: Array<string | number>;
  msg: string;
}

const MIN_SECRET_LENGTH = 16;

/** What is wrong with these recipients, field by field (empty when nothing is). */
export function recipientProblems(recipients: NewRecipient[]): AlertInputProblem[] {
  const problems: AlertInputProblem[] = [];
  recipients.forEach((r, i) => {
    const at = (field: string) => ['alertRecipients', i, field];
    if (!(RECIPIENT_TYPES as readonly string[]).includes(r.recipientType)) {
      problems.push({
        loc: at('recipientType'),
        msg: `Input should be ${RECIPIENT_TYPES.map((t) => `'${t}'`).join(', ')}`,
      });
      return;
    }
    if (r.recipientType === 'email') return;
    let url: URL | null = null;
    try {
      url = new URL(r.url);
    } catch {
      url = null;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname)
      problems.push({ loc: at('url'), msg: 'Input should be a valid http or https URL' });
    if (r.recipientType === 'signed_webhook') {
      const secret = r.config.secret;
      if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH)
        problems.push({
          loc: ['alertRecipients', i, 'config', 'secret'],
          msg: `A signed webhook needs a secret of at least ${MIN_SECRET_LENGTH} characters`,
        });
    }
  });
  return problems;
}

/** A secret as answers show it: its first four characters, never the whole. */
export function maskSecret(secret: string): string {
  return `${secret.slice(0, 4)}…`;
}

/** Answers never carry a signed webhook's whole secret. */
export function publicConfig(recipient: AlertRecipient): Record<string, unknown> {
  const { secret, ...rest } = recipient.config;
  return typeof secret === 'string' ? { ...rest, secret: maskSecret(secret) } : rest;
}

/** The project alert rules' use cases: list, create, full replace, delete, test. */
@Injectable()
export class AlertRulesService {
  constructor(
    private readonly rules: AlertsRepository,
    private readonly sender: AlertSender,
    private readonly transactions: Transactions,
  ) {}

  list(projectId: string, page: { offset: number; limit: number }) {
    return this.rules.pageOfProject(projectId, page);
  }

  find(projectId: string, alertId: string): Promise<AlertRule | null> {
    return this.rules.find(projectId, alertId);
  }

  async create(projectId: string, input: AlertRuleInput): Promise<AlertRule> {
    return this.transactions.run(async (m) => {
      const id = await this.rules.insert(m, projectId, input);
      return (await this.rules.find(projectId, id, m))!;
    });
  }

  /**
   * Replaces the rule and its recipients. A signed webhook sent back without its secret, or with the masked
   * value the answers show, keeps the secret of the recipient it had with the same URL.
   */
  async replace(rule: AlertRule, input: AlertRuleInput): Promise<AlertRule> {
    const recipients = this.withKeptSecrets(rule, input.recipients);
    return this.transactions.run(async (m) => {
      await this.rules.replace(m, rule.id, { ...input, recipients });
      return (await this.rules.find(rule.projectId, rule.id, m))!;
    });
  }

  /** The recipients with the secrets `replace` keeps filled in, so that validation sees the completed input. */
  withKeptSecrets(rule: AlertRule, recipients: NewRecipient[]): NewRecipient[] {
    return recipients.map((r) => {
      if (r.recipientType !== 'signed_webhook') return r;
      const kept = rule.recipients.find((p) => p.recipientType === 'signed_webhook' && p.url === r.url)
        ?.config.secret;
      const given = r.config.secret;
      if (typeof kept === 'string' && (given === undefined || given === maskSecret(kept)))
        return { ...r, config: { ...r.config, secret: kept } };
      return r;
    });
  }

  delete(rule: AlertRule): Promise<void> {
    return this.rules.delete(rule.id);
  }

  /** Sends a test message to each recipient (or only `recipientId`) now, and reports each outcome. */
  async test(rule: AlertRule, recipientId?: string) {
    const message = await this.sender.testMessage(rule);
    const targets: Array<AlertRecipient | null> = rule.recipients.length
      ? rule.recipients.filter((r) => recipientId === undefined || r.id === recipientId)
      : [null];
    const results = [];
    for (const recipient of targets) {
      const outcome = await this.sender.send(rule, recipient, message).catch((error: Error) => ({
        ok: false,
        statusCode: null,
        error: error.message,
        durationMs: 0,
      }));
      results.push({
        recipientId: recipient?.id ?? null,
        recipientType: recipient?.recipientType ?? 'email',
        success: outcome.ok,
        statusCode: outcome.statusCode,
        error: outcome.error,
        durationMs: outcome.durationMs,
      });
    }
    return results;
  }
}
