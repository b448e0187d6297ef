import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { feishuAnswer, postJson, telegramAnswer } from './http-post';

/** The receivers of these tests listen on loopback. */
const LOCAL = { allowPrivateAddresses: true };

describe('postJson', () => {
  let server: Server;
  let url: string;
  let answer: { status: number; body: string };

  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () =>
        res.writeHead(answer.status, { 'Content-Type': 'application/json' }).end(answer.body),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('takes any 2xx as delivered when no judge reads the body', async () => {
    answer = { status: 200, body: '{"ok": false}' };
    expect(await postJson(url, '{}', LOCAL)).toMatchObject({ ok: true, statusCode: 200, error: null });
  });

  it('fails a 200 whose body says the service refused the message (Telegram, Feishu)', async () => {
    answer = {
      status: 200,
      body: '{"ok": false, "error_code": 400, "description": "Bad Request: chat not found"}',
    };
    expect(await postJson(url, '{}', { ...LOCAL, judge: telegramAnswer })).toMatchObject({
      ok: false,
      statusCode: 200,
      error: 'Telegram error: Bad Request: chat not found',
    });
    answer = {
      status: 200,
      body: '{"code": 19021, "msg": "sign match fail or timestamp is not within one hour"}',
    };
    expect(await postJson(url, '{}', { ...LOCAL, judge: feishuAnswer })).toMatchObject({
      ok: false,
      error: 'Feishu error 19021: sign match fail or timestamp is not within one hour',
    });
    answer = { status: 200, body: '{"code": 0, "msg": "success", "data": {}}' };
    expect(await postJson(url, '{}', { ...LOCAL, judge: feishuAnswer })).toMatchObject({
      ok: true,
      error: null,
    });
  });

  it('gives up on a receiver that does not answer in time, as a failed attempt', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const port = (silent.address() as AddressInfo).port;
      const outcome = await postJson(`http://127.0.0.1:${port}/hook`, '{}', { ...LOCAL, timeoutMs: 200 });
      expect(outcome).toMatchObject({ ok: false, statusCode: null, error: 'no answer within 200 ms' });
      expect(outcome.durationMs).toBeGreaterThanOrEqual(150);
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('refuses loopback targets, by address and by name, unless private addresses are allowed', async () => {
    let reached = 0;
    const counting = createServer((_req, res) => {
      reached++;
      res.end('{}');
    });
    await new Promise<void>((resolve) => counting.listen(0, '127.0.0.1', resolve));
    const { port } = counting.address() as AddressInfo;
    try {
      for (const host of ['127.0.0.1', 'localhost', '[::ffff:127.0.0.1]']) {
        const outcome = await postJson(`http://${host}:${port}/hook`, '{}');
        expect(outcome).toMatchObject({ ok: false, statusCode: null });
        expect(outcome.error).toMatch(/^refused: .*set GLITCHTIP_ALLOW_PRIVATE_IPS=true to allow/);
      }
      expect(reached).toBe(0);
      expect(await postJson(`http://localhost:${port}/hook`, '{}', LOCAL)).toMatchObject({ ok: true });
      expect(reached).toBe(1);
    } finally {
      await new Promise<void>((resolve) => counting.close(() => resolve()));
    }
  });

  it('keeps non-2xx answers failed whatever the body', async () => {
    answer = { status: 500, body: '{"ok": true}' };
    expect(await postJson(url, '{}', { ...LOCAL, judge: telegramAnswer })).toMatchObject({
      ok: false,
      error: 'HTTP 500',
    });
  });
});

describe('service answers', () => {
  it('Telegram: only an explicit ok:false is a refusal', () => {
    expect(telegramAnswer('{"ok": true, "result": {}}')).toBeNull();
    expect(telegramAnswer('not json')).toBeNull();
    expect(telegramAnswer('{"ok": false, "error_code": 403}')).toBe('Telegram error: 403');
  });

  it('Feishu: code or StatusCode other than 0 is a refusal', () => {
    expect(feishuAnswer('{"StatusCode": 0, "StatusMessage": "success"}')).toBeNull();
    expect(feishuAnswer('{"code": 9499, "msg": "Bad Request"}')).toBe('Feishu error 9499: Bad Request');
    expect(feishuAnswer('')).toBeNull();
  });
});
