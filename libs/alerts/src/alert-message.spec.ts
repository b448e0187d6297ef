import { createHmac } from 'node:crypto';
import {
  alertMail,
  AlertMessage,
  discordPayload,
  generalWebhookPayload,
  googleChatPayload,
  signedWebhookPayload,
  webhookSignature,
} from './alert-message';
import { maskSecret, publicConfig, recipientProblems } from './alert-rules.service';

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
