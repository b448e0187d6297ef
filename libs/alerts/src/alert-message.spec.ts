import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import {
  alertMail,
  AlertMessage,
  discordPayload,
  feishuPayload,
  feishuSignature,
  generalWebhookPayload,
  googleChatPayload,
  msTeamsPayload,
  ntfyPayload,
  ntfyServer,
  ntfyTopic,
  signedWebhookPayload,
  telegramPayload,
  webhookSignature,
  zulipPayload,
} from './alert-message';
import { AlertRulesService, maskSecret, publicConfig, recipientProblems } from './alert-rules.service';
import { AlertRecipient, AlertRule } from './alert-types';

const issue = {
  id: '42',
  shortId: 'BACKEND-1A',
  title: 'TypeError: x is undefined',
  culprit: 'checkout(app.js)',
  level: 'warning',
  url: 'https://gt.example.com/acme/issues/42',
  count: '7',
  firstSeen: '2026-01-01T00:00:00.000Z',
  lastSeen: '2026-01-02T00:00:00.000Z',
  environment: 'production',
  release: '1.2.3',
  serverName: 'web-1',
  tags: { browser: 'Firefox', server_name: 'web-1' },
  event: { eventId: 'a'.repeat(32), received: '2026-01-02T00:00:00.000Z', platform: 'node' },
};

const TOKEN = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';

const message = (count = 1): AlertMessage => ({
  rule: { id: '5', name: 'Any error' },
  project: {
    id: '3',
    slug: 'backend',
    name: 'Backend',
    url: 'https://gt.example.com/acme/issues?project=3',
    settingsUrl: 'https://gt.example.com/acme/settings/projects/backend',
  },
  organization: { slug: 'acme' },
  issues: [issue],
  issueCount: count,
  timestamp: '2026-01-02T00:00:01.000Z',
});

describe('alert payloads', () => {
  it("builds GlitchTip's general (Slack-compatible) webhook body", () => {
    expect(generalWebhookPayload(message(), ['browser', 'missing'])).toEqual({
      alias: 'GlitchTip',
      text: 'GlitchTip Alert',
      attachments: [
        {
          title: 'TypeError: x is undefined',
          title_link: 'https://gt.example.com/acme/issues/42',
          text: 'checkout(app.js)',
          color: '#e9b949',
          image_url: null,
          mrkdown_in: ['text'],
          fields: [
            { title: 'Project', value: 'Backend', short: true },
            { title: 'Environment', value: 'production', short: true },
            { title: 'Server Name', value: 'web-1', short: true },
            { title: 'Release', value: '1.2.3', short: true },
            { title: 'browser', value: 'Firefox', short: true },
          ],
        },
      ],
      sections: [
        {
          activityTitle: 'TypeError: x is undefined',
          activitySubtitle: '[View Issue BACKEND-1A](https://gt.example.com/acme/issues/42)',
        },
      ],
    });
    expect((generalWebhookPayload(message(5), []) as { text: string }).text).toBe(
      'GlitchTip Alert (5 issues)',
    );
  });

  it('builds the Discord body with an integer colour', () => {
    expect(discordPayload(message(2), [])).toEqual({
      content: 'GlitchTip Alert (2 issues)',
      embeds: [
        {
          title: 'TypeError: x is undefined',
          description: 'checkout(app.js)',
          color: 0xe9b949,
          url: 'https://gt.example.com/acme/issues/42',
          fields: [
            { name: 'Project', value: 'Backend', inline: true },
            { name: 'Environment', value: 'production', inline: true },
            { name: 'Server Name', value: 'web-1', inline: true },
            { name: 'Release', value: '1.2.3', inline: true },
          ],
        },
      ],
    });
  });

  it('builds the Google Chat cardsV2 body', () => {
    expect(googleChatPayload(message(), [])).toEqual({
      cardsV2: [
        {
          cardId: 'createCardMessage',
          card: {
            header: { title: 'GlitchTip Alert', subtitle: 'Backend' },
            sections: [
              {
                header: "<font color='#e9b949'>TypeError: x is undefined</font>",
                widgets: [
                  { decoratedText: { topLabel: 'Culprit', text: 'checkout(app.js)' } },
                  { decoratedText: { topLabel: 'Environment', text: 'production' } },
                  { decoratedText: { topLabel: 'Server Name', text: 'web-1' } },
                  { decoratedText: { topLabel: 'Release', text: '1.2.3' } },
                  {
                    buttonList: {
                      buttons: [
                        {
                          text: 'View Issue BACKEND-1A',
                          onClick: { openLink: { url: 'https://gt.example.com/acme/issues/42' } },
                        },
                      ],
                    },
                  },
                ],
              },
            ],
          },
        },
      ],
    });
  });

  it('builds the signed webhook body with the rule, project, issue and event', () => {
    expect(signedWebhookPayload(message())).toEqual({
      action: 'issue.alert',
      timestamp: '2026-01-02T00:00:01.000Z',
      rule: { id: '5', name: 'Any error' },
      project: {
        id: '3',
        slug: 'backend',
        name: 'Backend',
        url: 'https://gt.example.com/acme/issues?project=3',
        settingsUrl: 'https://gt.example.com/acme/settings/projects/backend',
        organization: 'acme',
      },
      issueCount: 1,
      issues: [
        {
          id: '42',
          shortId: 'BACKEND-1A',
          title: 'TypeError: x is undefined',
          culprit: 'checkout(app.js)',
          level: 'warning',
          url: 'https://gt.example.com/acme/issues/42',
          count: '7',
          firstSeen: '2026-01-01T00:00:00.000Z',
          lastSeen: '2026-01-02T00:00:00.000Z',
          event: {
            eventId: 'a'.repeat(32),
            received: '2026-01-02T00:00:00.000Z',
            platform: 'node',
            environment: 'production',
            release: '1.2.3',
            tags: { browser: 'Firefox', server_name: 'web-1' },
          },
        },
      ],
    });
  });

  it('builds the Teams Adaptive Card message', () => {
    expect(msTeamsPayload(message(), ['browser'])).toEqual({
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
              {
                type: 'TextBlock',
                text: 'GlitchTip Alert in Backend',
                weight: 'Bolder',
                size: 'Medium',
                wrap: true,
              },
              {
                type: 'TextBlock',
                text: 'TypeError: x is undefined',
                weight: 'Bolder',
                color: 'Warning',
                wrap: true,
                separator: true,
              },
              { type: 'TextBlock', text: 'checkout(app.js)', isSubtle: true, wrap: true },
              {
                type: 'FactSet',
                facts: [
                  { title: 'Project', value: 'Backend' },
                  { title: 'Environment', value: 'production' },
                  { title: 'Server Name', value: 'web-1' },
                  { title: 'Release', value: '1.2.3' },
                  { title: 'browser', value: 'Firefox' },
                ],
              },
              {
                type: 'ActionSet',
                actions: [
                  {
                    type: 'Action.OpenUrl',
                    title: 'View Issue BACKEND-1A',
                    url: 'https://gt.example.com/acme/issues/42',
                  },
                ],
              },
            ],
          },
        },
      ],
    });
  });

  it("builds Zulip's stream message form fields", () => {
    expect(zulipPayload(message(4), ['browser'], { stream: 'alerts', topic: 'backend' })).toEqual({
      type: 'stream',
      to: 'alerts',
      topic: 'backend',
      content: [
        '**GlitchTip Alert (4 issues) in Backend**',
        '- [BACKEND-1A: TypeError: x is undefined](https://gt.example.com/acme/issues/42)',
        '  `checkout(app.js)`',
        '  Environment: production · Server Name: web-1 · Release: 1.2.3 · browser: Firefox',
        '[All issues of Backend](https://gt.example.com/acme/issues?project=3)',
      ].join('\n'),
    });
  });

  it("builds ntfy's JSON publish body with the level's priority and one action per issue", () => {
    expect(ntfyPayload(message(), [], 'gt-alerts')).toEqual({
      topic: 'gt-alerts',
      title: 'GlitchTip Alert in Backend',
      message: [
        '**BACKEND-1A**: TypeError: x is undefined',
        'checkout(app.js)',
        'Environment: production · Server Name: web-1 · Release: 1.2.3',
      ].join('\n'),
      markdown: true,
      priority: 3,
      tags: ['warning'],
      click: 'https://gt.example.com/acme/issues/42',
      actions: [
        { action: 'view', label: 'View Issue BACKEND-1A', url: 'https://gt.example.com/acme/issues/42' },
      ],
    });
    const fatal = { ...message(2), issues: [{ ...issue, level: 'fatal' }] };
    expect(ntfyPayload(fatal, [], 't')).toMatchObject({
      priority: 5,
      tags: ['rotating_light'],
      click: 'https://gt.example.com/acme/issues?project=3',
    });
  });

  it('publishes to the ntfy server root named by the topic URL', () => {
    expect(ntfyTopic(new URL('https://ntfy.sh/gt-alerts'))).toBe('gt-alerts');
    expect(ntfyTopic(new URL('https://ntfy.sh/'))).toBeNull();
    expect(ntfyServer(new URL('https://ntfy.sh/gt-alerts'))).toBe('https://ntfy.sh/');
    expect(ntfyServer(new URL('https://example.com/ntfy/gt-alerts/'))).toBe('https://example.com/ntfy/');
  });

  it("signs Feishu messages as Feishu's own reference (Python hmac) computes it", () => {
    const at = new Date('2026-12-03T10:00:00Z');
    const { timestamp, sign } = feishuSignature('bot-secret', at);
    expect(timestamp).toBe('1796292000');
    // Feishu documents the algorithm in Python: hmac.new(f"{timestamp}\\n{secret}", digestmod=sha256) over b"".
    const script =
      'import base64,hashlib,hmac,sys; key=f"{sys.argv[1]}\\n{sys.argv[2]}".encode();' +
      'print(base64.b64encode(hmac.new(key, digestmod=hashlib.sha256).digest()).decode())';
    const python = ['/usr/bin/python3', 'python3'].find((p) => {
      try {
        execFileSync(p, ['--version']);
        return true;
      } catch {
        return false;
      }
    });
    if (!python) return;
    expect(execFileSync(python, ['-c', script, timestamp, 'bot-secret']).toString().trim()).toBe(sign);
  });

  it('builds the Feishu/Lark interactive card', () => {
    expect(feishuPayload(message(), ['browser'])).toEqual({
      msg_type: 'interactive',
      card: {
        config: { wide_screen_mode: true },
        header: {
          title: { tag: 'plain_text', content: 'GlitchTip Alert in Backend' },
          template: 'orange',
        },
        elements: [
          {
            tag: 'div',
            text: {
              tag: 'lark_md',
              content: [
                '**TypeError: x is undefined**',
                'checkout(app.js)',
                '**Environment:** production',
                '**Server Name:** web-1',
                '**Release:** 1.2.3',
                '**browser:** Firefox',
              ].join('\n'),
            },
          },
          {
            tag: 'action',
            actions: [
              {
                tag: 'button',
                text: { tag: 'plain_text', content: 'View Issue BACKEND-1A' },
                url: 'https://gt.example.com/acme/issues/42',
                type: 'primary',
              },
            ],
          },
        ],
      },
    });
  });

  it("builds the Bot API's sendMessage body with the HTML escaped", () => {
    const html = { ...message(), issues: [{ ...issue, title: 'Error: <a> & "b"' }] };
    expect(telegramPayload(html, [], -1001234)).toEqual({
      chat_id: -1001234,
      text: [
        '<b>GlitchTip Alert in Backend</b>',
        '',
        '<a href="https://gt.example.com/acme/issues/42">BACKEND-1A: Error: &lt;a&gt; &amp; &quot;b&quot;</a>',
        '<code>checkout(app.js)</code>',
        'Environment: production · Server Name: web-1 · Release: 1.2.3',
      ].join('\n'),
      parse_mode: 'HTML',
      link_preview_options: { is_disabled: true },
    });
  });

  it('signs the exact body bytes with HMAC-SHA256', () => {
    const body = '{"a":1}';
    expect(webhookSignature('secret', body)).toBe(
      `sha256=${createHmac('sha256', 'secret').update(body).digest('hex')}`,
    );
    // A known vector, so that a receiver in any language can check its implementation.
    expect(webhookSignature('key', 'The quick brown fox jumps over the lazy dog')).toBe(
      'sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8',
    );
    expect(webhookSignature('other', body)).not.toBe(webhookSignature('secret', body));
  });

  it("writes GlitchTip's mail subjects and links to the issue", () => {
    const one = alertMail(message(), 'dev@example.com');
    expect(one.subject).toBe('Error in Backend: TypeError: x is undefined');
    expect(one.text).toContain('BACKEND-1A: TypeError: x is undefined');
    expect(one.text).toContain('https://gt.example.com/acme/issues/42');
    const many = alertMail(message(4), 'dev@example.com');
    expect(many.subject).toBe('4 errors reported in Backend');
    expect(many.text).toContain('…and 3 more issues.');
  });

  it('adds an HTML part with the same links, escaping what events put in titles', () => {
    const hostile = message();
    hostile.issues[0]!.title = '<img src=x onerror=alert(1)> & "quoted"';
    const { html } = alertMail(hostile, 'dev@example.com');
    expect(html).toContain('<a href="https://gt.example.com/acme/issues/42"');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quoted&quot;');
    expect(html).not.toContain('<img');
    expect(alertMail(message(4), 'dev@example.com').html).toContain('…and 3 more issues.');
  });
});

describe('recipient validation and secrets', () => {
  it('locates each problem', () => {
    expect(
      recipientProblems([
        { recipientType: 'email', url: '', config: {}, tagsToAdd: [] },
        { recipientType: 'webhook', url: 'javascript:alert(1)', config: {}, tagsToAdd: [] },
        { recipientType: 'discord', url: 'https://discord.com/api/webhooks/1/x', config: {}, tagsToAdd: [] },
        {
          recipientType: 'signed_webhook',
          url: 'https://example.com/h',
          config: { secret: 'x' },
          tagsToAdd: [],
        },
        { recipientType: 'pager' as never, url: '', config: {}, tagsToAdd: [] },
      ]).map((p) => p.loc.join('.')),
    ).toEqual([
      'alertRecipients.1.url',
      'alertRecipients.3.config.secret',
      'alertRecipients.4.recipientType',
    ]);
  });

  it("locates the new channels' config problems", () => {
    const r = (recipientType: string, url: string, config: Record<string, unknown>) => ({
      recipientType: recipientType as never,
      url,
      config,
      tagsToAdd: [],
    });
    expect(
      recipientProblems([
        r('msteams', 'https://example.webhook.office.com/x', {}),
        r('feishu', 'https://open.feishu.cn/open-apis/bot/v2/hook/x', {}),
        r('zulip', 'https://chat.example.com', { email: 'bot@chat.example.com', apiKey: 'k', stream: 'a' }),
        r('zulip', 'https://chat.example.com', { email: 'bot', topic: 'x'.repeat(61) }),
        r('ntfy', 'https://ntfy.sh/gt-alerts', { token: 'tk_x' }),
        r('ntfy', 'https://ntfy.sh/', { token: '' }),
        r('telegram', 'https://api.telegram.org', { botToken: TOKEN, chatId: -1001234 }),
        r('telegram', 'https://api.telegram.org', { botToken: TOKEN, chatId: '@gt_alerts' }),
        r('telegram', 'https://api.telegram.org', { botToken: 'nope', chatId: 'x y' }),
      ]).map((p) => p.loc.join('.')),
    ).toEqual([
      'alertRecipients.3.config.email',
      'alertRecipients.3.config.apiKey',
      'alertRecipients.3.config.stream',
      'alertRecipients.3.config.topic',
      'alertRecipients.5.url',
      'alertRecipients.5.config.token',
      'alertRecipients.8.config.botToken',
      'alertRecipients.8.config.chatId',
    ]);
  });

  it('masks bot tokens and API keys, and keeps them when sent back masked or left out', () => {
    const stored = (id: string, config: Record<string, unknown>): AlertRecipient => ({
      id,
      alertId: '1',
      recipientType: 'telegram',
      url: 'https://api.telegram.org',
      config,
      tagsToAdd: [],
    });
    const other = `9${TOKEN.slice(1)}`;
    const rule = {
      recipients: [stored('1', { botToken: TOKEN, chatId: 1 }), stored('2', { botToken: other, chatId: 2 })],
    } as AlertRule;
    expect(publicConfig(rule.recipients[0]!)).toEqual({ botToken: '1234…', chatId: 1 });
    expect(JSON.stringify(publicConfig(rule.recipients[0]!))).not.toContain(TOKEN.slice(5));
    expect(
      publicConfig({
        ...rule.recipients[0]!,
        recipientType: 'zulip',
        config: { apiKey: 'abcdefgh', email: 'b@x' },
      }),
    ).toEqual({ apiKey: 'abcd…', email: 'b@x' });

    const service = new AlertRulesService(null as never, null as never, null as never);
    const sent = (config: Record<string, unknown>) => ({
      recipientType: 'telegram' as const,
      url: 'https://api.telegram.org',
      config,
      tagsToAdd: [],
    });
    expect(
      service
        .withKeptSecrets(rule, [
          sent({ botToken: '9234…', chatId: 3 }),
          sent({ chatId: 4 }),
          sent({ botToken: 'new-token', chatId: 5 }),
        ])
        .map((r) => r.config.botToken),
    ).toEqual([other, TOKEN, 'new-token']);
  });

  it('shows only the first four characters of a secret', () => {
    expect(maskSecret('abcdefghijklmnopq')).toBe('abcd…');
    expect(
      publicConfig({
        id: '1',
        alertId: '1',
        recipientType: 'signed_webhook',
        url: 'https://x',
        config: { secret: 'abcdefghijklmnopq', other: 1 },
        tagsToAdd: [],
      }),
    ).toEqual({ other: 1, secret: 'abcd…' });
  });
});
