import { Injectable } from '@nestjs/common';
import { Transactions } from '@app/core';
import { ntfyTopic } from './alert-message';
import { AlertSender } from './alert-sender.service';
import { AlertRecipient, AlertRule, AlertRuleInput, NewRecipient, RECIPIENT_TYPES } from './alert-types';
import { AlertsRepository } from './alerts.repository';

/** A problem with one field of the input, located as a 422 body locates it (`alertRecipients.0.url`). */
export interface AlertInputProblem {
  loc: Array<string | number>;
  msg: string;
}

const MIN_SECRET_LENGTH = 16;
/** A Bot API token: the bot's id, a colon, then the secret part. */
const TELEGRAM_TOKEN = /^\d+:[A-Za-z0-9_-]{30,}$/;
/** A chat's numeric id (negative for groups and channels) or a public channel's `@username`. */
const TELEGRAM_CHAT_ID = /^(-?\d+|@[A-Za-z][A-Za-z0-9_]{4,})$/;
/** Zulip's longest topic. */
const ZULIP_TOPIC_MAX = 60;

/** Config keys that hold secrets: answers mask them and a `PUT` that sends the mask back keeps them. */
export const SECRET_CONFIG_KEYS = ['secret', 'botToken', 'apiKey', 'token'] as const;

const nonEmptyString = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';

/** What is wrong with these recipients, field by field (empty when nothing is). */
export function recipientProblems(recipients: NewRecipient[]): AlertInputProblem[] {
  const problems: AlertInputProblem[] = [];
  recipients.forEach((r, i) => {
    const at = (field: string) => ['alertRecipients', i, field];
    const inConfig = (key: string) => ['alertRecipients', i, 'config', key];
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
    const c = r.config;
    switch (r.recipientType) {
      case 'signed_webhook':
        if (typeof c.secret !== 'string' || c.secret.length < MIN_SECRET_LENGTH)
          problems.push({
            loc: inConfig('secret'),
            msg: `A signed webhook needs a secret of at least ${MIN_SECRET_LENGTH} characters`,
          });
        break;
      case 'zulip':
        if (typeof c.email !== 'string' || !/^[^@\s]+@[^@\s]+$/.test(c.email))
          problems.push({ loc: inConfig('email'), msg: "Zulip needs the bot's email address" });
        if (!nonEmptyString(c.apiKey))
          problems.push({ loc: inConfig('apiKey'), msg: "Zulip needs the bot's API key" });
        if (!nonEmptyString(c.stream))
          problems.push({ loc: inConfig('stream'), msg: 'Zulip needs the stream (channel) to post to' });
        if (c.topic !== undefined && (!nonEmptyString(c.topic) || c.topic.length > ZULIP_TOPIC_MAX))
          problems.push({
            loc: inConfig('topic'),
            msg: `A Zulip topic is a non-empty string of at most ${ZULIP_TOPIC_MAX} characters`,
          });
        break;
      case 'ntfy':
        if (url && ntfyTopic(url) === null)
          problems.push({ loc: at('url'), msg: 'An ntfy URL ends with the topic: https://ntfy.sh/<topic>' });
        if (c.token !== undefined && !nonEmptyString(c.token))
          problems.push({ loc: inConfig('token'), msg: 'An ntfy access token is a non-empty string' });
        break;
      case 'telegram':
        if (typeof c.botToken !== 'string' || !TELEGRAM_TOKEN.test(c.botToken))
          problems.push({ loc: inConfig('botToken'), msg: 'Telegram needs a bot token (<bot id>:<secret>)' });
        if (
          !(typeof c.chatId === 'number' && Number.isSafeInteger(c.chatId)) &&
          !(typeof c.chatId === 'string' && TELEGRAM_CHAT_ID.test(c.chatId))
        )
          problems.push({
            loc: inConfig('chatId'),
            msg: 'Telegram needs a chat id: a number, or @username of a public channel',
          });
        break;
      case 'webhook':
      case 'discord':
      case 'googlechat':
      case 'msteams':
        // Their webhook URL is all they need.
        break;
      case 'feishu':
        // The bot's "signature verification" secret, when it has one turned on.
        if (c.secret !== undefined && !nonEmptyString(c.secret))
          problems.push({ loc: inConfig('secret'), msg: 'A Feishu signing secret is a non-empty string' });
        break;
    }
  });
  return problems;
}

/** A secret as answers show it: its first four characters, never the whole. */
export function maskSecret(secret: string): string {
  return `${secret.slice(0, 4)}…`;
}

/** Answers never carry a recipient's secrets (signed webhook secret, bot token, API key) whole. */
export function publicConfig(recipient: AlertRecipient): Record<string, unknown> {
  const config = { ...recipient.config };
  for (const key of SECRET_CONFIG_KEYS) {
    const value = config[key];
    if (typeof value === 'string') config[key] = maskSecret(value);
  }
  return config;
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
   * Replaces the rule and its recipients. A secret sent back masked as the answers show it, or left out, keeps
   * the value of the rule's recipient of the same type and URL whose secret that mask shows.
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
      const previous = rule.recipients.filter((p) => p.recipientType === r.recipientType && p.url === r.url);
      let config = r.config;
      for (const key of SECRET_CONFIG_KEYS) {
        const given = r.config[key];
        const kept = previous
          .map((p) => p.config[key])
          .find(
            (v): v is string => typeof v === 'string' && (given === undefined || given === maskSecret(v)),
          );
        if (kept !== undefined) config = { ...config, [key]: kept };
      }
      return config === r.config ? r : { ...r, config };
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
