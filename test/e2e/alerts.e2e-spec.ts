import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AlertDeliveriesRepository, feishuSignature, webhookSignature } from '@app/alerts';
import { BootstrapResult } from '../../apps/api/src/manage';
import { http, runNodeSdk } from '../support/http';
import { SmtpReceiver } from '../support/smtp-receiver';
import { startTestStack, TestStack } from '../support/test-app';
import { until } from '../support/wait';

interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  raw: string;
  body: any;
}

/** A webhook receiver: records every POST; paths listed in `failures` answer 500 that many times first. */
async function startReceiver(failures: Record<string, number>) {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const form = (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
      received.push({
        path: req.url ?? '',
        headers: req.headers,
        raw,
        body: form ? Object.fromEntries(new URLSearchParams(raw)) : JSON.parse(raw),
      });
      const left = failures[req.url ?? ''] ?? 0;
      if (left > 0) failures[req.url ?? ''] = left - 1;
      res.statusCode = left > 0 ? 500 : 200;
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const SECRET = 'a-very-secret-signing-key';

describe('alerts: rules over REST, evaluation after ingest, delivery with retries', () => {
  let stack: TestStack;
  let seed: BootstrapResult;
  let smtp: SmtpReceiver;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let alertsPath: string;

  beforeAll(async () => {
    smtp = await SmtpReceiver.start();
    receiver = await startReceiver({ '/signed': 1, '/down': 100 });
    stack = await startTestStack({
      env: {
        EMAIL_URL: smtp.url,
        // The receivers listen on loopback, which webhooks may not reach by default.
        GLITCHTIP_ALLOW_PRIVATE_IPS: 'true',
        ALERT_POLL_INTERVAL_MS: '100',
        ALERT_DELIVERY_BACKOFF_MS: '50',
        ALERT_DELIVERY_ATTEMPTS: '3',
      },
    });
    seed = await stack.seed();
    alertsPath = `/api/0/projects/${seed.organization}/${seed.project}/alerts/`;
  });
  afterAll(async () => {
    await stack.close();
    await receiver.close();
    await smtp.close();
  });

  const api = <T = any>(path: string, init: RequestInit & { json?: unknown } = {}) =>
    http<T>(stack.baseUrl, path, { token: seed.token, ...init });

  it('answers 422 with field paths for an unknown type, a non-http URL, a negative quantity or a short secret', async () => {
    const bad = async (json: unknown) => {
      const res = await api<{ detail: Array<{ loc: unknown[] }> }>(alertsPath, { method: 'POST', json });
      expect(res.status).toBe(422);
      return res.body.detail.map((d) => d.loc.join('.'));
    };
    expect(
      await bad({ timespanMinutes: 1, quantity: 1, alertRecipients: [{ recipientType: 'pager', url: 'x' }] }),
    ).toEqual(['body.payload.alertRecipients.0.recipientType']);
    expect(
      await bad({
        timespanMinutes: 1,
        quantity: 1,
        alertRecipients: [{ recipientType: 'webhook', url: 'ftp://example.com/hook' }],
      }),
    ).toEqual(['body.payload.alertRecipients.0.url']);
    expect(await bad({ timespanMinutes: 1, quantity: -1 })).toEqual(['body.payload.quantity']);
    expect(
      await bad({
        timespanMinutes: 1,
        quantity: 1,
        alertRecipients: [
          { recipientType: 'signed_webhook', url: receiver.url, config: { secret: 'short' } },
        ],
      }),
    ).toEqual(['body.payload.alertRecipients.0.config.secret']);
  });

  it("answers 404 for another organization's project", async () => {
    const other = await stack.seed({ email: 'other@example.com', org: 'Other Org', project: 'Elsewhere' });
    const res = await http(stack.baseUrl, alertsPath, { token: other.token });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ detail: 'Not Found' });
  });

  let ruleId: string;
  let fallbackRuleId: string;
  let downRuleId: string;

  it('creates rules and lists them with pagination headers and the secret masked', async () => {
    const created = await api(alertsPath, {
      method: 'POST',
      json: {
        name: 'Any error',
        timespanMinutes: 10,
        quantity: 1,
        uptime: false,
        alertRecipients: [
          { recipientType: 'webhook', url: `${receiver.url}/slack`, tagsToAdd: ['scenario'] },
          { recipientType: 'signed_webhook', url: `${receiver.url}/signed`, config: { secret: SECRET } },
        ],
      },
    });
    expect(created.status).toBe(201);
    ruleId = created.body.id;
    expect(created.body.alertRecipients[1].config).toEqual({ secret: 'a-ve…' });
    const fallback = await api(alertsPath, {
      method: 'POST',
      json: { name: 'Mail the team', timespanMinutes: 10, quantity: 1 },
    });
    fallbackRuleId = fallback.body.id;
    const down = await api(alertsPath, {
      method: 'POST',
      json: {
        name: 'Broken receiver',
        timespanMinutes: 10,
        quantity: 1,
        alertRecipients: [{ recipientType: 'discord', url: `${receiver.url}/down` }],
      },
    });
    downRuleId = down.body.id;

    const list = await api<any[]>(alertsPath);
    expect(list.status).toBe(200);
    expect(list.headers.get('x-hits')).toBe('3');
    expect(list.headers.get('link')).toContain('rel="next"');
    expect(list.body.map((r) => r.name)).toEqual(['Any error', 'Mail the team', 'Broken receiver']);
    expect(list.text).not.toContain(SECRET);
  });

  it('a new issue from the real @sentry/node SDK fires every rule at once, retrying a 500', async () => {
    await runNodeSdk(seed.dsn, 'exception');
    await stack.drain();

    const slack = await until(() => receiver.received.find((r) => r.path === '/slack'));
    expect(slack.body.alias).toBe('GlitchTip');
    expect(slack.body.text).toBe('GlitchTip Alert');
    const [attachment] = slack.body.attachments;
    expect(attachment.title).toContain('TypeError');
    expect(attachment.title_link).toMatch(new RegExp(`^${stack.baseUrl}/${seed.organization}/issues/\\d+$`));
    expect(attachment.color).toBe('#e52b50');
    expect(attachment.fields[0]).toEqual({ title: 'Project', value: 'Backend', short: true });
    expect(slack.body.sections[0].activitySubtitle).toMatch(/^\[View Issue BACKEND-\w+\]\(http/);

    // The first POST to /signed got a 500; the retry carries the same kind of signed body.
    const signed = await until(() => {
      const all = receiver.received.filter((r) => r.path === '/signed');
      return all.length >= 2 && all;
    });
    for (const attempt of signed) {
      expect(attempt.headers['x-glitchtip-signature']).toBe(webhookSignature(SECRET, attempt.raw));
      expect(attempt.headers['x-glitchtip-timestamp']).toBe(attempt.body.timestamp);
      expect(attempt.headers['x-glitchtip-delivery']).toBe(attempt.body.deliveryId);
    }
    // A retry is the same delivery: a receiver can drop a message it already took.
    expect(signed[1]!.headers['x-glitchtip-delivery']).toMatch(/^\d+$/);
    expect(signed[1]!.headers['x-glitchtip-delivery']).toBe(signed[0]!.headers['x-glitchtip-delivery']);
    expect(signed[1]!.body).toMatchObject({
      action: 'issue.alert',
      rule: { id: ruleId, name: 'Any error' },
      project: { slug: seed.project, organization: seed.organization },
      issueCount: 1,
    });
    expect(signed[1]!.body.issues[0].event.eventId).toMatch(/^[0-9a-f]{32}$/);

    // Received by a real SMTP server and parsed as a mail client does: text and HTML alternatives.
    const { to, mail } = await smtp.waitFor(
      (m) => m.mail.subject?.startsWith('Error in Backend: TypeError') ?? false,
    );
    expect(to).toEqual(['owner@example.com']);
    expect(mail.text).toContain(`${stack.baseUrl}/${seed.organization}/issues/`);
    expect(mail.html).toMatch(new RegExp(`<a href="${stack.baseUrl}/${seed.organization}/issues/\\d+"`));
    expect(mail.html).toContain('GlitchTip Alert in Backend');

    const deliveries = stack.worker!.get(AlertDeliveriesRepository);
    const signedDelivery = await until(async () => {
      const [, d] = await deliveries.ofAlert(ruleId);
      return d?.status === 'sent' && d;
    });
    expect(signedDelivery.attemptLog.map((a) => a.statusCode)).toEqual([500, 200]);
    expect(signedDelivery.attemptLog[0]!.error).toBe('HTTP 500');
  });

  it('keeps a final failure after ALERT_DELIVERY_ATTEMPTS and does not retry it', async () => {
    const deliveries = stack.worker!.get(AlertDeliveriesRepository);
    const [failed] = await until(async () => {
      const list = await deliveries.ofAlert(downRuleId);
      return list[0]?.status === 'failed' && list;
    });
    expect(failed!.attempts).toBe(3);
    expect(failed!.attemptLog.map((a) => a.statusCode)).toEqual([500, 500, 500]);
    const discord = receiver.received.filter((r) => r.path === '/down');
    expect(discord[0]!.body.content).toBe('GlitchTip Alert');
    expect(discord[0]!.body.embeds[0].color).toBe(0xe52b50);
    await new Promise((r) => setTimeout(r, 400));
    expect(receiver.received.filter((r) => r.path === '/down')).toHaveLength(3);
  });

  it("lists a rule's notifications with each recipient's outcome, the retried one delivered", async () => {
    const history = await api<any[]>(`${alertsPath}${ruleId}/notifications/`);
    expect(history.status).toBe(200);
    expect(history.headers.get('x-hits')).toBe('1');
    expect(history.headers.get('link')).toContain('rel="next"');
    const [notification] = history.body;
    expect(Date.parse(notification.created)).not.toBeNaN();
    expect(notification.issues).toEqual([
      {
        id: expect.any(String),
        shortId: expect.stringMatching(/^BACKEND-\w+$/),
        title: expect.stringContaining('TypeError'),
      },
    ]);
    expect(notification.deliveries).toEqual([
      expect.objectContaining({
        recipientType: 'webhook',
        status: 'delivered',
        attempts: 1,
        lastStatusCode: 200,
      }),
      {
        recipientId: expect.any(String),
        recipientType: 'signed_webhook',
        status: 'delivered',
        attempts: 2,
        lastStatusCode: 200,
        lastError: null,
        lastAttemptAt: expect.any(String),
      },
    ]);
    expect(history.text).not.toContain(SECRET);
    expect(history.text).not.toContain(receiver.url);

    const down = await api<any[]>(`${alertsPath}${downRuleId}/notifications/`);
    expect(down.body[0].deliveries).toEqual([
      expect.objectContaining({
        recipientType: 'discord',
        status: 'failed',
        attempts: 3,
        lastStatusCode: 500,
        lastError: 'HTTP 500',
      }),
    ]);
    const fallback = await api<any[]>(`${alertsPath}${fallbackRuleId}/notifications/`);
    expect(fallback.body[0].deliveries).toEqual([
      expect.objectContaining({ recipientId: null, recipientType: 'email' }),
    ]);
  });

  it("answers 404 for the history of an unknown rule or another organization's rule", async () => {
    expect((await api(`${alertsPath}999999/notifications/`)).status).toBe(404);
    const other = await stack.seed({ email: 'third@example.com', org: 'Third Org', project: 'Far' });
    const otherPath = `/api/0/projects/${other.organization}/${other.project}/alerts/`;
    const created = await http<any>(stack.baseUrl, otherPath, {
      token: other.token,
      method: 'POST',
      json: { name: 'Theirs', timespanMinutes: 10, quantity: 1 },
    });
    expect(created.status).toBe(201);
    // Their rule through our project, and our rule through theirs (their token cannot see our project).
    expect((await api(`${alertsPath}${created.body.id}/notifications/`)).status).toBe(404);
    expect(
      (await http(stack.baseUrl, `${otherPath}${ruleId}/notifications/`, { token: other.token })).status,
    ).toBe(404);
    const ours = await http(stack.baseUrl, `${alertsPath}${ruleId}/notifications/`, { token: other.token });
    expect(ours.status).toBe(404);
    expect(ours.body).toEqual({ detail: 'Not Found' });
  });

  it('fires once per issue, and again after a regression', async () => {
    const slackCount = () => receiver.received.filter((r) => r.path === '/slack').length;
    await runNodeSdk(seed.dsn, 'exception');
    await stack.drain();
    await new Promise((r) => setTimeout(r, 400));
    expect(slackCount()).toBe(1);

    const issues = await api<Array<{ id: string; title: string }>>(
      `/api/0/projects/${seed.organization}/${seed.project}/issues/`,
    );
    const issue = issues.body.find((i) => i.title.startsWith('TypeError'))!;
    const resolved = await api(`/api/0/issues/${issue.id}/`, { method: 'PUT', json: { status: 'resolved' } });
    expect(resolved.status).toBe(200);
    await runNodeSdk(seed.dsn, 'exception');
    await stack.drain();
    await until(() => slackCount() === 2);
    const again = receiver.received.filter((r) => r.path === '/slack')[1]!;
    expect(again.body.attachments[0].title_link).toBe(
      `${stack.baseUrl}/${seed.organization}/issues/${issue.id}`,
    );
    const mails = await until(async () => {
      const list = await stack.worker!.get(AlertDeliveriesRepository).ofAlert(fallbackRuleId);
      return list.length === 2 && list.every((d) => d.status === 'sent') && list;
    });
    expect(mails[1]!.issueIds).toEqual([issue.id]);
  });

  it('replaces recipients on PUT, keeping a secret sent back masked, and tests each recipient', async () => {
    const list = await api<any[]>(alertsPath);
    const rule = list.body.find((r) => r.id === ruleId);
    const put = await api(`${alertsPath}${ruleId}/`, {
      method: 'PUT',
      json: { ...rule, alertRecipients: [rule.alertRecipients[1]] },
    });
    expect(put.status).toBe(200);
    expect(put.body.alertRecipients).toHaveLength(1);
    expect(put.body.alertRecipients[0].recipientType).toBe('signed_webhook');

    const before = receiver.received.length;
    const test = await api<any[]>(`${alertsPath}${ruleId}/test/`, { method: 'POST' });
    expect(test.status).toBe(200);
    expect(test.body).toEqual([
      expect.objectContaining({
        recipientType: 'signed_webhook',
        success: true,
        statusCode: 200,
        error: null,
      }),
    ]);
    const sent = receiver.received[before]!;
    expect(sent.headers['x-glitchtip-signature']).toBe(webhookSignature(SECRET, sent.raw));

    const gone = await api(`${alertsPath}${ruleId}/`, { method: 'DELETE' });
    expect(gone.status).toBe(204);
    expect((await api(`${alertsPath}${ruleId}/`, { method: 'PUT', json: rule })).status).toBe(404);
  });

  it('sends each service its own request: Google Chat, Teams, Zulip, ntfy, Feishu (signed) and Telegram', async () => {
    const at = (path: string) => `${receiver.url}${path}`;
    const created = await api(alertsPath, {
      method: 'POST',
      json: {
        name: 'Every service',
        timespanMinutes: 10,
        quantity: 1000,
        alertRecipients: [
          { recipientType: 'googlechat', url: at('/chat') },
          { recipientType: 'msteams', url: at('/teams') },
          {
            recipientType: 'zulip',
            url: at('/zulip'),
            config: { email: 'bot@zulip.example.com', apiKey: 'zulip-api-key', stream: 'errors' },
          },
          { recipientType: 'ntfy', url: at('/ntfy/alerts-topic'), config: { token: 'tk_ntfy' } },
          { recipientType: 'feishu', url: at('/feishu'), config: { secret: 'feishu-signing-secret' } },
          {
            recipientType: 'telegram',
            url: at('/telegram'),
            config: { botToken: '123456:telegram-secret-AAAAAAAAAAAAAAAAAAAAAAA', chatId: -1001234 },
          },
        ],
      },
    });
    expect(created.status).toBe(201);
    const before = receiver.received.length;
    const test = await api<any[]>(`${alertsPath}${created.body.id}/test/`, { method: 'POST' });
    expect(test.body.map((r) => [r.recipientType, r.success, r.error])).toEqual([
      ['googlechat', true, null],
      ['msteams', true, null],
      ['zulip', true, null],
      ['ntfy', true, null],
      ['feishu', true, null],
      ['telegram', true, null],
    ]);
    const byPath = new Map(receiver.received.slice(before).map((r) => [r.path, r]));

    expect(byPath.get('/chat')!.body.cardsV2[0].card.header.title).toContain('GlitchTip Alert');
    const teams = byPath.get('/teams')!.body;
    expect(teams.type).toBe('message');
    expect(teams.attachments[0].contentType).toBe('application/vnd.microsoft.card.adaptive');

    const zulip = byPath.get('/zulip/api/v1/messages')!;
    expect(zulip.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(zulip.headers.authorization).toBe(
      `Basic ${Buffer.from('bot@zulip.example.com:zulip-api-key').toString('base64')}`,
    );
    expect(zulip.body).toMatchObject({ type: 'stream', to: 'errors', topic: 'GlitchTip' });

    // ntfy's JSON publishing goes to the server's root (here below a path prefix) and names the topic in the body.
    const ntfy = byPath.get('/ntfy/')!;
    expect(ntfy.headers.authorization).toBe('Bearer tk_ntfy');
    expect(ntfy.body.topic).toBe('alerts-topic');

    const feishu = byPath.get('/feishu')!.body;
    expect(feishu.msg_type).toBe('interactive');
    expect(feishu.timestamp).toMatch(/^\d{10}$/);
    expect(feishu.sign).toBe(
      feishuSignature('feishu-signing-secret', new Date(Number(feishu.timestamp) * 1000)).sign,
    );

    const telegram = byPath.get(
      '/telegram/bot123456:telegram-secret-AAAAAAAAAAAAAAAAAAAAAAA/sendMessage',
    )!.body;
    expect(telegram).toMatchObject({ chat_id: -1001234, parse_mode: 'HTML' });

    // Answers never show the secrets whole.
    const listed = await api<any[]>(alertsPath);
    const rule = listed.body.find((r) => r.id === created.body.id);
    expect(JSON.stringify(rule)).not.toMatch(/zulip-api-key|tk_ntfy|feishu-signing-secret|telegram-secret/);
  });
});
