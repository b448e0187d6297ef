import { ChildProcess, spawn } from 'node:child_process';
import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { BootstrapResult } from '../../apps/api/src/manage';
import { ensureBuilt, freePort, REPO_ROOT } from '../support/all-in-one-process';
import { http, rawPost } from '../support/http';
import { startTestStack, TestStack } from '../support/test-app';
import { until } from '../support/wait';

const WORKER_MAIN = join(REPO_ROOT, 'dist/apps/worker/src/main.js');
const SECRET = 'replicas-signing-secret';
const ISSUES = 30;
const EVENTS_PER_ISSUE = 4;

interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: { deliveryId: string; issueCount: number; issues: Array<{ id: string }> };
}

/** A worker as deployed: its own node process, on the same PostgreSQL and Redis as the other. */
async function startWorkerProcess(
  env: NodeJS.ProcessEnv,
): Promise<{ child: ChildProcess; output: () => string }> {
  const healthPort = await freePort();
  const child = spawn(process.execPath, [WORKER_MAIN], {
    cwd: REPO_ROOT,
    env: { ...env, WORKER_HEALTH_PORT: String(healthPort) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  await until(
    async () => {
      if (child.exitCode !== null) throw new Error(`worker exited:\n${output}`);
      return fetch(`http://127.0.0.1:${healthPort}/`).then(
        (r) => r.ok,
        () => false,
      );
    },
    60_000,
    100,
  );
  return { child, output: () => output };
}

/**
 * Two worker processes share one queue, one database and one Redis: batches of the same project land on both, so
 * both evaluate the same issues. Each (rule, issue) must still notify once, and each delivery be sent once. The
 * poll interval is far longer than the test, so every notification comes from the evaluation right after a batch.
 */
describe('alerts with two worker processes', () => {
  let stack: TestStack;
  let seed: BootstrapResult;
  let receiver: Server;
  let receiverUrl: string;
  const received: Received[] = [];
  const workers: Array<{ child: ChildProcess; output: () => string }> = [];

  beforeAll(async () => {
    ensureBuilt();
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({
          path: req.url ?? '',
          headers: req.headers,
          body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
        });
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    stack = await startTestStack({ worker: false });
    seed = await stack.seed();
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      DATABASE_URL: stack.config.databaseUrl!,
      REDIS_URL: stack.config.redisUrl!,
      REDIS_PREFIX: stack.config.redisPrefix,
      SERVER_ROLE: 'worker',
      SECRET_KEY: 'a-test-secret-key-for-two-worker-processes',
      GLITCHTIP_DOMAIN: stack.baseUrl,
      // Debug: each process logs the batches it stores, which shows that both took some.
      LOG_LEVEL: 'debug',
      MIGRATE_ON_START: 'false',
      GLITCHTIP_ALLOW_PRIVATE_IPS: 'true',
      ALERT_POLL_INTERVAL_MS: '600000',
      // Small batches, so that both processes take some.
      WORKER_BATCH_SIZE: '8',
      WORKER_BATCH_WAIT_MS: '20',
    };
    workers.push(await startWorkerProcess(env), await startWorkerProcess(env));
  }, 120_000);

  afterAll(async () => {
    for (const w of workers) {
      if (w.child.exitCode === null) {
        const exited = new Promise((r) => w.child.once('exit', r));
        w.child.kill('SIGTERM');
        await exited;
      }
    }
    await stack?.close();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  it('notifies each issue once per rule and sends each delivery once', async () => {
    const rulesPath = `/api/0/projects/${seed.organization}/${seed.project}/alerts/`;
    for (const [path, quantity] of [
      ['/first', 1],
      ['/burst', EVENTS_PER_ISSUE],
    ] as const) {
      const res = await http(stack.baseUrl, rulesPath, {
        token: seed.token,
        method: 'POST',
        json: {
          name: `rule ${path}`,
          timespanMinutes: 10,
          quantity,
          alertRecipients: [
            { recipientType: 'signed_webhook', url: `${receiverUrl}${path}`, config: { secret: SECRET } },
          ],
        },
      });
      expect(res.status).toBe(201);
    }

    const dsn = new URL(seed.dsn);
    const store = (issue: number, n: number) =>
      rawPost(
        stack.baseUrl,
        `/api${dsn.pathname}/store/?sentry_key=${dsn.username}`,
        JSON.stringify({
          message: `replica issue ${issue} (${n})`,
          fingerprint: [`replica-${issue}`],
          level: 'error',
        }),
        { 'Content-Type': 'application/json' },
      );
    // Rounds: each issue's events arrive in different batches, taken by either process.
    for (let n = 0; n < EVENTS_PER_ISSUE; n++) {
      const answers = await Promise.all(Array.from({ length: ISSUES }, (_, i) => store(i, n)));
      expect(answers.map((a) => a.status)).toEqual(Array(ISSUES).fill(200));
    }
    await stack.drain(60_000);

    const firedIssues = (path: string) =>
      received.filter((r) => r.path === path).reduce((sum, r) => sum + r.body.issueCount, 0);
    await until(() => firedIssues('/first') >= ISSUES && firedIssues('/burst') >= ISSUES, 60_000, 100);
    // Late duplicates, if any, would arrive within a few polls of the delivery queue.
    await new Promise((r) => setTimeout(r, 1_500));

    for (const path of ['/first', '/burst']) {
      const requests = received.filter((r) => r.path === path);
      expect(firedIssues(path)).toBe(ISSUES);
      const deliveryIds = requests.map((r) => r.headers['x-glitchtip-delivery']);
      expect(new Set(deliveryIds).size).toBe(requests.length);
    }
    // Both processes did work: the test would prove nothing with one of them idle.
    const logs = workers.map((w) => w.output());
    for (const log of logs) expect(log).toMatch(/batch of \d+: [1-9]\d* stored/);
    expect(workers.every((w) => w.child.exitCode === null)).toBe(true);
    expect(logs.join('\n')).not.toMatch(/\bERROR\b/);
  }, 120_000);
});
