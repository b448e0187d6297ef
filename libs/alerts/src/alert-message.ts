import { createHmac } from 'node:crypto';
import type { OutgoingMail } from '@app/mail';

/** GlitchTip's `MAX_ISSUES_PER_ALERT`: more issues are counted in the text, not embedded. */
export const MAX_ISSUES_PER_MESSAGE = 3;

/** One issue of an alert, with the values of its latest event that the messages show. */
export interface AlertIssue {
  id: string;
  shortId: string;
  title: string;
  culprit: string;
  level: string;
  url: string;
  count: string;
  firstSeen: string;
  lastSeen: string;
  environment: string | null;
  release: string | null;
  serverName: string | null;
  /** Tags of the latest event, for `tagsToAdd`. */
  tags: Record<string, string>;
  event: { eventId: string; received: string; platform: string | null } | null;
}

/** What every channel's message is built from. */
export interface AlertMessage {
  rule: { id: string; name: string };
  project: { id: string; slug: string; name: string; url: string; settingsUrl: string };
  organization: { slug: string };
  /** At most MAX_ISSUES_PER_MESSAGE. */
  issues: AlertIssue[];
  /** How many issues fired together (may be more than `issues`). */
  issueCount: number;
  /** ISO time the message was built, also sent in the signed webhook's timestamp header. */
  timestamp: string;
}

const LEVEL_COLORS: Record<string, string> = {
  info: '#4b60b4',
  warning: '#e9b949',
  error: '#e52b50',
  fatal: '#e52b50',
};

export function levelColor(level: string): string {
  return LEVEL_COLORS[level] ?? LEVEL_COLORS.error!;
}

export function alertText(message: AlertMessage): string {
  return message.issueCount > 1 ? `GlitchTip Alert (${message.issueCount} issues)` : 'GlitchTip Alert';
}

/** Project, Environment, Server Name and Release when known, then each of `tagsToAdd` the event has. */
function fieldsOf(
  message: AlertMessage,
  issue: AlertIssue,
  tagsToAdd: string[],
): Array<{ title: string; value: string }> {
  const fields = [{ title: 'Project', value: message.project.name }];
  if (issue.environment) fields.push({ title: 'Environment', value: issue.environment });
  if (issue.serverName) fields.push({ title: 'Server Name', value: issue.serverName });
  if (issue.release) fields.push({ title: 'Release', value: issue.release });
  for (const tag of tagsToAdd) {
    const value = issue.tags[tag];
    if (value !== undefined) fields.push({ title: tag, value });
  }
  return fields;
}

/** GlitchTip's "General (Slack-compatible)" webhook body; Mattermost, Rocket.Chat and Teams connectors read it too. */
export function generalWebhookPayload(message: AlertMessage, tagsToAdd: string[]): object {
  return {
    alias: 'GlitchTip',
    text: alertText(message),
    attachments: message.issues.map((issue) => ({
      title: issue.title,
      title_link: issue.url,
      text: issue.culprit,
      color: levelColor(issue.level),
      image_url: null,
      mrkdown_in: ['text'],
      fields: fieldsOf(message, issue, tagsToAdd).map((f) => ({ ...f, short: true })),
    })),
    sections: message.issues.map((issue) => ({
      activityTitle: issue.title,
      activitySubtitle: `[View Issue ${issue.shortId}](${issue.url})`,
    })),
  };
}

export function discordPayload(message: AlertMessage, tagsToAdd: string[]): object {
  return {
    content: alertText(message),
    embeds: message.issues.map((issue) => ({
      title: issue.title,
      description: issue.culprit,
      color: parseInt(levelColor(issue.level).slice(1), 16),
      url: issue.url,
      fields: fieldsOf(message, issue, tagsToAdd).map((f) => ({
        name: f.title,
        value: f.value,
        inline: true,
      })),
    })),
  };
}

export function googleChatPayload(message: AlertMessage, tagsToAdd: string[]): object {
  return {
    cardsV2: [
      {
        cardId: 'createCardMessage',
        card: {
          header: { title: alertText(message), subtitle: message.project.name },
          sections: message.issues.map((issue) => ({
            header: `<font color='${levelColor(issue.level)}'>${issue.title}</font>`,
            widgets: [
              ...(issue.culprit ? [{ decoratedText: { topLabel: 'Culprit', text: issue.culprit } }] : []),
              ...fieldsOf(message, issue, tagsToAdd)
                .filter((f) => f.title !== 'Project')
                .map((f) => ({ decoratedText: { topLabel: f.title, text: f.value } })),
              {
                buttonList: {
                  buttons: [
                    { text: `View Issue ${issue.shortId}`, onClick: { openLink: { url: issue.url } } },
                  ],
                },
              },
            ],
          })),
        },
      },
    ],
  };
}

/** The signed webhook's body: the rule, the project and each issue with its latest event. */
export function signedWebhookPayload(message: AlertMessage): object {
  return {
    action: 'issue.alert',
    timestamp: message.timestamp,
    rule: message.rule,
    project: { ...message.project, organization: message.organization.slug },
    issueCount: message.issueCount,
    issues: message.issues.map((issue) => ({
      id: issue.id,
      shortId: issue.shortId,
      title: issue.title,
      culprit: issue.culprit,
      level: issue.level,
      url: issue.url,
      count: issue.count,
      firstSeen: issue.firstSeen,
      lastSeen: issue.lastSeen,
      event: issue.event && {
        ...issue.event,
        environment: issue.environment,
        release: issue.release,
        tags: issue.tags,
      },
    })),
  };
}

/** `sha256=<hex HMAC-SHA256 of the exact body bytes>`, the X-GlitchTip-Signature header. */
export function webhookSignature(secret: string, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** GlitchTip's issue mail, as plain text: "Error in {project}: {title}" or "N errors reported in {project}". */
export function alertMail(message: AlertMessage, to: string): OutgoingMail {
  const [first] = message.issues;
  const subject =
    message.issueCount === 1 && first
      ? `Error in ${message.project.name}: ${first.title}`
      : `${message.issueCount} errors reported in ${message.project.name}`;
  const lines = [
    `${alertText(message)} (rule "${message.rule.name || message.rule.id}")`,
    '',
    ...message.issues.flatMap((issue) => [
      `${issue.shortId}: ${issue.title}`,
      ...(issue.culprit ? [`  ${issue.culprit}`] : []),
      ...(issue.environment ? [`  Environment: ${issue.environment}`] : []),
      ...(issue.release ? [`  Release: ${issue.release}`] : []),
      `  ${issue.url}`,
      '',
    ]),
    ...(message.issueCount > message.issues.length
      ? [`…and ${message.issueCount - message.issues.length} more issues.`, '']
      : []),
    `Project: ${message.project.url}`,
    `Alert settings: ${message.project.settingsUrl}`,
  ];
  return { to, subject, text: lines.join('\n') };
}
