import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/core';
import { EventsRepository } from '@app/events';
import { displayShortId, IssuesRepository, levelName } from '@app/issues';
import { MailService } from '@app/mail';
import { OrganizationsService, TeamsRepository } from '@app/organizations';
import { ProjectsRepository, UserProjectAlertsRepository } from '@app/projects';
import {
  AlertIssue,
  alertMail,
  AlertMessage,
  discordPayload,
  feishuPayload,
  feishuSignature,
  generalWebhookPayload,
  googleChatPayload,
  MAX_ISSUES_PER_MESSAGE,
  msTeamsPayload,
  ntfyPayload,
  ntfyServer,
  ntfyTopic,
  signedWebhookPayload,
  telegramPayload,
  webhookSignature,
  zulipPayload,
} from './alert-message';
import { AlertRecipient, AlertRule } from './alert-types';
import { AttemptOutcome, feishuAnswer, postForm, postJson, PostOptions, telegramAnswer } from './http-post';

/** Zulip's topic when the recipient names none. */
const DEFAULT_ZULIP_TOPIC = 'GlitchTip';

/** A config value as a string ('' when absent: validation has refused that before it is stored). */
const configString = (config: Record<string, unknown>, key: string): string => {
  const value = config[key];
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
};

/** `base` joined with `path`, keeping a sub-path the base URL has (a server behind a prefix). */
/** `path` below `base`; "./" keeps a first segment with a colon (a Telegram `bot<id>:<secret>`) from being a scheme. */
export const under = (base: string, path: string): string =>
  new URL(`./${path}`, base.endsWith('/') ? base : `${base}/`).toString();

/** GlitchTip's per-project alert choice: 1 on, 0 off; no row (or -1) follows the user's default. */
const ALERTS_ON = 1;
const ALERTS_OFF = 0;

/** Builds an alert's message from the stored issues and sends it to one recipient. */
@Injectable()
export class AlertSender {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly issues: IssuesRepository,
    private readonly events: EventsRepository,
    private readonly projects: ProjectsRepository,
    private readonly organizations: OrganizationsService,
    private readonly teams: TeamsRepository,
    private readonly userProjectAlerts: UserProjectAlertsRepository,
    private readonly mail: MailService,
  ) {}

  private async context(rule: AlertRule) {
    const project = await this.projects.get(rule.projectId);
    const [organization] = await this.organizations.organizationsByIds([project.organizationId]);
    const base = `${this.config.domain}/${organization!.slug}`;
    return { project, organization: organization!, base };
  }

  /** The message about these issues (those still stored, at most MAX_ISSUES_PER_MESSAGE embedded). */
  async messageFor(rule: AlertRule, issueIds: string[], now = new Date()): Promise<AlertMessage | null> {
    const { project, organization, base } = await this.context(rule);
    const stored = await this.issues.findByIds(issueIds);
    if (stored.length === 0) return null;
    stored.sort((a, b) => Number(a.id) - Number(b.id));
    const issues: AlertIssue[] = [];
    for (const issue of stored.slice(0, MAX_ISSUES_PER_MESSAGE)) {
      const event = await this.events.latestInIssue(issue.id);
      const tags = event?.tags ?? {};
      issues.push({
        id: issue.id,
        shortId: displayShortId(project.slug, issue.shortId),
        title: issue.title,
        culprit: issue.culprit,
        level: levelName(issue.level),
        url: `${base}/issues/${issue.id}`,
        count: String(issue.count),
        firstSeen: issue.firstSeen.toISOString(),
        lastSeen: issue.lastSeen.toISOString(),
        environment: event?.environment ?? null,
        release: event?.release ?? null,
        serverName: tags.server_name ?? null,
        tags,
        event: event
          ? {
              eventId: event.eventId.replace(/-/g, ''),
              received: event.received.toISOString(),
              platform: event.platform,
            }
          : null,
      });
    }
    return {
      rule: { id: rule.id, name: rule.name },
      project: {
        id: project.id,
        slug: project.slug,
        name: project.name,
        url: `${base}/issues?project=${project.id}`,
        settingsUrl: `${base}/settings/projects/${project.slug}`,
      },
      organization: { slug: organization.slug },
      issues,
      issueCount: stored.length,
      timestamp: now.toISOString(),
    };
  }

  /** A message about a made-up issue, for the test endpoint. */
  async testMessage(rule: AlertRule, now = new Date()): Promise<AlertMessage> {
    const { project, organization, base } = await this.context(rule);
    return {
      rule: { id: rule.id, name: rule.name },
      project: {
        id: project.id,
        slug: project.slug,
        name: project.name,
        url: `${base}/issues?project=${project.id}`,
        settingsUrl: `${base}/settings/projects/${project.slug}`,
      },
      organization: { slug: organization.slug },
      issues: [
        {
          id: '0',
          shortId: `${project.slug.toUpperCase()}-TEST`,
          title: 'Test alert from GlitchTip',
          culprit: `rule "${rule.name || rule.id}"`,
          level: 'info',
          url: `${base}/issues?project=${project.id}`,
          count: '0',
          firstSeen: now.toISOString(),
          lastSeen: now.toISOString(),
          environment: rule.environment,
          release: null,
          serverName: null,
          tags: {},
          event: null,
        },
      ],
      issueCount: 1,
      timestamp: now.toISOString(),
    };
  }

  /** Request options of every webhook POST: the operator's choice about private addresses applies to all. */
  private post(options: PostOptions = {}): PostOptions {
    return { ...options, allowPrivateAddresses: this.config.alerts.allowPrivateAddresses };
  }

  /** Sends the message to one recipient (null: the email fallback of a rule without recipients). */
  async send(
    rule: AlertRule,
    recipient: AlertRecipient | null,
    message: AlertMessage,
  ): Promise<AttemptOutcome> {
    if (!recipient || recipient.recipientType === 'email') return this.sendMail(rule, message);
    const tags = recipient.tagsToAdd;
    switch (recipient.recipientType) {
      case 'webhook':
        return postJson(recipient.url, JSON.stringify(generalWebhookPayload(message, tags)), this.post());
      case 'discord':
        return postJson(recipient.url, JSON.stringify(discordPayload(message, tags)), this.post());
      case 'googlechat':
        return postJson(recipient.url, JSON.stringify(googleChatPayload(message, tags)), this.post());
      case 'signed_webhook': {
        const body = JSON.stringify(signedWebhookPayload(message));
        const secret = typeof recipient.config.secret === 'string' ? recipient.config.secret : '';
        return postJson(
          recipient.url,
          body,
          this.post({
            headers: {
              'X-GlitchTip-Signature': webhookSignature(secret, body),
              'X-GlitchTip-Timestamp': message.timestamp,
              'X-GlitchTip-Event': 'issue.alert',
              ...(message.deliveryId ? { 'X-GlitchTip-Delivery': message.deliveryId } : {}),
            },
          }),
        );
      }
      case 'msteams':
        return postJson(recipient.url, JSON.stringify(msTeamsPayload(message, tags)), this.post());
      case 'feishu':
        return postJson(
          recipient.url,
          JSON.stringify({
            ...(configString(recipient.config, 'secret')
              ? feishuSignature(configString(recipient.config, 'secret'), new Date())
              : {}),
            ...feishuPayload(message, tags),
          }),
          this.post({ judge: feishuAnswer }),
        );
      case 'zulip': {
        const c = recipient.config;
        const auth = Buffer.from(`${configString(c, 'email')}:${configString(c, 'apiKey')}`).toString(
          'base64',
        );
        const fields = zulipPayload(message, tags, {
          stream: configString(c, 'stream'),
          topic: configString(c, 'topic') || DEFAULT_ZULIP_TOPIC,
        });
        return postForm(
          under(recipient.url, 'api/v1/messages'),
          fields,
          this.post({ headers: { Authorization: `Basic ${auth}` } }),
        );
      }
      case 'ntfy': {
        // JSON publishing goes to the server's root and names the topic in the body.
        const topicUrl = new URL(recipient.url);
        const body = JSON.stringify(ntfyPayload(message, tags, ntfyTopic(topicUrl) ?? ''));
        const token = configString(recipient.config, 'token');
        return postJson(
          ntfyServer(topicUrl),
          body,
          this.post({ headers: token ? { Authorization: `Bearer ${token}` } : {} }),
        );
      }
      case 'telegram': {
        // The token is kept in config, not in the URL, so that answers and delivery records can mask it.
        const token = configString(recipient.config, 'botToken');
        const chatId = recipient.config.chatId;
        const body = telegramPayload(
          message,
          tags,
          typeof chatId === 'number' ? chatId : String(chatId ?? ''),
        );
        return postJson(
          under(recipient.url, `bot${token}/sendMessage`),
          JSON.stringify(body),
          this.post({ judge: telegramAnswer }),
        );
      }
    }
  }

  /** Members of the project's teams who want its alerts: their choice for the project, else their default. */
  async mailRecipients(projectId: string): Promise<string[]> {
    const users = await this.teams.usersOfTeams(await this.projects.teamIdsOf(projectId));
    const choices = await this.userProjectAlerts.statusesForProject(
      projectId,
      users.map((u) => u.userId),
    );
    return users
      .filter((u) => {
        const choice = choices.get(u.userId);
        if (choice === ALERTS_ON) return true;
        if (choice === ALERTS_OFF) return false;
        return u.subscribeByDefault;
      })
      .map((u) => u.email);
  }

  private async sendMail(rule: AlertRule, message: AlertMessage): Promise<AttemptOutcome> {
    const started = Date.now();
    const recipients = await this.mailRecipients(rule.projectId);
    const failures: string[] = [];
    for (const to of recipients) {
      try {
        await this.mail.send(alertMail(message, to));
      } catch (error) {
        failures.push(`${to}: ${(error as Error).message}`);
      }
    }
    return {
      ok: failures.length === 0,
      statusCode: null,
      error: failures.length
        ? failures.join('; ')
        : recipients.length
          ? null
          : 'no member wants these alerts',
      durationMs: Date.now() - started,
    };
  }
}
