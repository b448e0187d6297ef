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
  /**
   * The outbox delivery this message is sent for (absent for test messages): the same on every retry, so that a
   * receiver can tell a retry of a message it already took from a new one.
   */
  deliveryId?: string;
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

/** The headline of the chat channels: the alert text and the project. */
function headline(message: AlertMessage): string {
  return `${alertText(message)} in ${message.project.name}`;
}

/** Where a channel's single link points: the issue when one fired, else the project's issue list. */
function mainUrl(message: AlertMessage): string {
  return message.issueCount === 1 && message.issues[0] ? message.issues[0].url : message.project.url;
}

/** A Teams Adaptive Card message, as a Workflows (Power Automate) incoming webhook expects it. */
export function msTeamsPayload(message: AlertMessage, tagsToAdd: string[]): object {
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          msteams: { width: 'Full' },
          body: [
            { type: 'TextBlock', text: headline(message), weight: 'Bolder', size: 'Medium', wrap: true },
            ...message.issues.flatMap((issue) => [
              {
                type: 'TextBlock',
                text: issue.title,
                weight: 'Bolder',
                // Adaptive Cards have no free colours: these are its named ones for the levels.
                color:
                  issue.level === 'info' ? 'Accent' : issue.level === 'warning' ? 'Warning' : 'Attention',
                wrap: true,
                separator: true,
              },
              ...(issue.culprit
                ? [{ type: 'TextBlock', text: issue.culprit, isSubtle: true, wrap: true }]
                : []),
              {
                type: 'FactSet',
                facts: fieldsOf(message, issue, tagsToAdd).map((f) => ({ title: f.title, value: f.value })),
              },
              {
                type: 'ActionSet',
                actions: [{ type: 'Action.OpenUrl', title: `View Issue ${issue.shortId}`, url: issue.url }],
              },
            ]),
          ],
        },
      },
    ],
  };
}

/** Zulip's `POST /api/v1/messages` form fields: a stream message, its content in Zulip markdown. */
export function zulipPayload(
  message: AlertMessage,
  tagsToAdd: string[],
  target: { stream: string; topic: string },
): Record<string, string> {
  const lines = [`**${headline(message)}**`];
  for (const issue of message.issues) {
    lines.push(`- [${issue.shortId}: ${issue.title}](${issue.url})`);
    if (issue.culprit) lines.push(`  \`${issue.culprit}\``);
    const fields = fieldsOf(message, issue, tagsToAdd).filter((f) => f.title !== 'Project');
    if (fields.length) lines.push(`  ${fields.map((f) => `${f.title}: ${f.value}`).join(' · ')}`);
  }
  if (message.issueCount > message.issues.length)
    lines.push(`[All issues of ${message.project.name}](${message.project.url})`);
  return { type: 'stream', to: target.stream, topic: target.topic, content: lines.join('\n') };
}

/** ntfy's priorities (1–5) and emoji tags per level. */
const NTFY_LEVELS: Record<string, { priority: number; tag: string }> = {
  info: { priority: 3, tag: 'information_source' },
  warning: { priority: 3, tag: 'warning' },
  error: { priority: 4, tag: 'rotating_light' },
  fatal: { priority: 5, tag: 'rotating_light' },
};

/** An ntfy topic URL's topic (its last path segment), or null when it has none. */
export function ntfyTopic(url: URL): string | null {
  const segments = url.pathname.split('/').filter(Boolean);
  const topic = segments[segments.length - 1];
  return topic && /^[-_A-Za-z0-9]{1,64}$/.test(topic) ? topic : null;
}

/** The server root an ntfy topic URL's JSON publish goes to: the URL without its topic (a sub-path stays). */
export function ntfyServer(url: URL): string {
  const segments = url.pathname.split('/').filter(Boolean);
  return new URL(
    `/${segments
      .slice(0, -1)
      .map((s) => `${s}/`)
      .join('')}`,
    url.origin,
  ).toString();
}

const NTFY_ORDER = ['info', 'warning', 'error', 'fatal'];

/**
 * ntfy's JSON publish body (posted to the server's root, so the topic is a field). JSON rather than the
 * Title/Tags headers because header values cannot carry the non-ASCII an issue title may have.
 */
export function ntfyPayload(message: AlertMessage, tagsToAdd: string[], topic: string): object {
  // The most severe level sets priority and tag (info and warning share a priority, not a tag).
  const rank = (level: string) => Math.max(0, NTFY_ORDER.indexOf(level in NTFY_LEVELS ? level : 'error'));
  const worstLevel = message.issues.map((i) => i.level).reduce((a, b) => (rank(b) > rank(a) ? b : a), 'info');
  const worst = NTFY_LEVELS[worstLevel] ?? NTFY_LEVELS.error!;
  const lines: string[] = [];
  for (const issue of message.issues) {
    lines.push(`**${issue.shortId}**: ${issue.title}`);
    if (issue.culprit) lines.push(issue.culprit);
    const fields = fieldsOf(message, issue, tagsToAdd).filter((f) => f.title !== 'Project');
    if (fields.length) lines.push(fields.map((f) => `${f.title}: ${f.value}`).join(' · '));
  }
  return {
    topic,
    title: headline(message),
    message: lines.join('\n'),
    markdown: true,
    priority: worst.priority,
    tags: [worst.tag],
    click: mainUrl(message),
    // ntfy takes at most 3 actions, as many as the issues a message embeds.
    actions: message.issues.map((issue) => ({
      action: 'view',
      label: `View Issue ${issue.shortId}`,
      url: issue.url,
    })),
  };
}

/** Feishu/Lark card header templates per level. */
const FEISHU_TEMPLATES: Record<string, string> = {
  info: 'blue',
  warning: 'orange',
  error: 'red',
  fatal: 'red',
};

/**
 * The `timestamp` and `sign` fields a Feishu/Lark bot with signature verification on requires: the base64
 * HMAC-SHA256 keyed with "<timestamp>\n<secret>" over an empty message, the timestamp in seconds (Feishu refuses
 * it more than an hour off).
 */
export function feishuSignature(secret: string, at: Date): { timestamp: string; sign: string } {
  const timestamp = String(Math.floor(at.getTime() / 1000));
  return { timestamp, sign: createHmac('sha256', `${timestamp}\n${secret}`).update('').digest('base64') };
}

/** A Feishu/Lark custom bot's interactive card. */
export function feishuPayload(message: AlertMessage, tagsToAdd: string[]): object {
  const first = message.issues[0];
  return {
    msg_type: 'interactive',
    card: {
      config: { wide_screen_mode: true },
      header: {
        title: { tag: 'plain_text', content: headline(message) },
        template: FEISHU_TEMPLATES[first?.level ?? 'error'] ?? 'red',
      },
      elements: message.issues.flatMap((issue, i) => [
        ...(i > 0 ? [{ tag: 'hr' }] : []),
        {
          tag: 'div',
          text: {
            tag: 'lark_md',
            content: [
              `**${issue.title}**`,
              ...(issue.culprit ? [issue.culprit] : []),
              ...fieldsOf(message, issue, tagsToAdd)
                .filter((f) => f.title !== 'Project')
                .map((f) => `**${f.title}:** ${f.value}`),
            ].join('\n'),
          },
        },
        {
          tag: 'action',
          actions: [
            {
              tag: 'button',
              text: { tag: 'plain_text', content: `View Issue ${issue.shortId}` },
              url: issue.url,
              type: 'primary',
            },
          ],
        },
      ]),
    },
  };
}

/** Telegram's HTML parse mode needs only these escaped (and they suffice for mail HTML). */
function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The Bot API's `sendMessage` body, in its HTML parse mode. */
export function telegramPayload(message: AlertMessage, tagsToAdd: string[], chatId: string | number): object {
  const lines = [`<b>${escapeHtml(headline(message))}</b>`];
  for (const issue of message.issues) {
    lines.push(
      '',
      `<a href="${escapeHtml(issue.url)}">${escapeHtml(`${issue.shortId}: ${issue.title}`)}</a>`,
    );
    if (issue.culprit) lines.push(`<code>${escapeHtml(issue.culprit)}</code>`);
    const fields = fieldsOf(message, issue, tagsToAdd).filter((f) => f.title !== 'Project');
    if (fields.length) lines.push(escapeHtml(fields.map((f) => `${f.title}: ${f.value}`).join(' · ')));
  }
  if (message.issueCount > message.issues.length)
    lines.push(
      '',
      `<a href="${escapeHtml(message.project.url)}">All issues of ${escapeHtml(message.project.name)}</a>`,
    );
  return {
    chat_id: chatId,
    text: lines.join('\n'),
    parse_mode: 'HTML',
    link_preview_options: { is_disabled: true },
  };
}

/** The signed webhook's body: the rule, the project and each issue with its latest event. */
export function signedWebhookPayload(message: AlertMessage): object {
  return {
    action: 'issue.alert',
    timestamp: message.timestamp,
    ...(message.deliveryId ? { deliveryId: message.deliveryId } : {}),
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

/** The HTML part of the issue mail: the same content as the text, with the level's colour and links. */
function alertMailHtml(message: AlertMessage): string {
  const issues = message.issues.map((issue) => {
    const details = [
      issue.culprit ? `<div style="color:#555;font-family:monospace">${escapeHtml(issue.culprit)}</div>` : '',
      issue.environment ? `<div>Environment: ${escapeHtml(issue.environment)}</div>` : '',
      issue.release ? `<div>Release: ${escapeHtml(issue.release)}</div>` : '',
    ].join('');
    return (
      `<tr><td style="border-left:4px solid ${levelColor(issue.level)};padding:8px 12px">` +
      `<a href="${escapeHtml(issue.url)}" style="font-weight:bold">${escapeHtml(`${issue.shortId}: ${issue.title}`)}</a>` +
      `${details}</td></tr>`
    );
  });
  const more =
    message.issueCount > message.issues.length
      ? `<p>…and ${message.issueCount - message.issues.length} more issues.</p>`
      : '';
  return [
    '<!DOCTYPE html>',
    '<html><body style="font-family:sans-serif;font-size:14px;color:#222">',
    `<h2 style="font-size:18px">${escapeHtml(headline(message))}</h2>`,
    `<p>Rule: ${escapeHtml(message.rule.name || message.rule.id)}</p>`,
    `<table cellspacing="0" cellpadding="0" style="border-collapse:separate;border-spacing:0 8px">${issues.join('')}</table>`,
    more,
    `<p><a href="${escapeHtml(message.project.url)}">All issues of ${escapeHtml(message.project.name)}</a>` +
      ` · <a href="${escapeHtml(message.project.settingsUrl)}">Alert settings</a></p>`,
    '</body></html>',
  ].join('\n');
}

/** GlitchTip's issue mail, text and HTML: "Error in {project}: {title}" or "N errors reported in {project}". */
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
  return { to, subject, text: lines.join('\n'), html: alertMailHtml(message) };
}
