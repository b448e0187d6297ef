import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { unacknowledgedJobs } from '@app/core';
import { BootstrapResult } from '../../apps/api/src/manage';
import {
  AllInOneProcess,
  allInOneEnv,
  ensureBuilt,
  freePort,
  manage,
  startAllInOne,
} from '../support/all-in-one-process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { http, rawPost, runNodeSdk } from '../support/http';

interface IssueJson {
  id: string;
  title: string;
  count: string;
}

const BOOTSTRAP = [
  'bootstrap',
  '--email',
  'owner@example.com',
  '--password',
  'correct horse battery staple',
  '--org',
  'Acme',
  '--project',
  'Backend',
  '--json',
];

/** Jobs in the in-process queue's journal that were accepted but not yet processed. */
function unprocessedJobs(dataDir: string): number {
  return unacknowledgedJobs(join(dataDir, 'ingest-queue')).length;
}

async function eventually(check: () => void, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/**
 * The all-in-one mode as a new user runs it: no DATABASE_URL, no REDIS_URL, the built app started with node,
 * PostgreSQL embedded (PGlite) under a data directory, the queue in-process. Restarts must keep what was stored
 * and what was accepted.
 */
describe('all-in-one mode on embedded PostgreSQL', () => {
  let dataDir: string;
  let port: number;
  let env: NodeJS.ProcessEnv;
  let server: AllInOneProcess | null = null;
  let seed: BootstrapResult;

  beforeAll(async () => {
    ensureBuilt();
    dataDir = mkdtempSync(join(tmpdir(), 'gt-all-in-one-'));
    port = await freePort();
    // The alert test's webhook receiver listens on loopback.
    env = allInOneEnv(dataDir, port, { GLITCHTIP_ALLOW_PRIVATE_IPS: 'true' });
  }, 180_000);

  afterAll(async () => {
    await server?.stop('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  // The tests run in order and share the data directory, as one user's session would.
  const issues = async (baseUrl: string) => {
    const res = await http<IssueJson[]>(
      baseUrl,
      `/api/0/projects/${seed.organization}/${seed.project}/issues/`,
      {
        token: seed.token,
      },
    );
    expect(res.status).toBe(200);
    return res.body;
  };

  const waitForIssue = async (baseUrl: string, prefix: string): Promise<IssueJson> => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const issue = (await issues(baseUrl)).find((i) => i.title.startsWith(prefix));
      if (issue) return issue;
      if (Date.now() > deadline) throw new Error(`no ${prefix} issue after 30 s`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  it('bootstraps a DSN before the server has ever run (manage opens the data directory itself)', async () => {
    const { stdout } = await manage(BOOTSTRAP, env);
    seed = JSON.parse(stdout) as BootstrapResult;
    expect(seed.dsn).toMatch(new RegExp(`^http://[0-9a-f]{32}@127\\.0\\.0\\.1:${port}/\\d+$`));
    expect(seed.token).toMatch(/^[0-9a-f]{64}$/);
  }, 120_000);

  it('starts, bootstraps through the running server, stores an event from @sentry/node, survives SIGTERM and a restart', async () => {
    server = await startAllInOne(env);
    expect(server.output()).toContain(`http://127.0.0.1:${port}`);
    expect(server.output()).toContain('npm run manage -- bootstrap');
    // PGlite runs off the main thread, so that SQL never stalls HTTP.
    expect(server.output()).toContain('Embedded PostgreSQL open in');
    expect(server.output()).toContain('(on its own thread)');

    // While it runs, manage reaches the database through the server; bootstrap is idempotent.
    const again = JSON.parse((await manage(BOOTSTRAP, env)).stdout) as BootstrapResult;
    expect(again).toEqual(seed);

    const health = await http<{ status: string; database: { ok: boolean }; redis?: unknown; queue: unknown }>(
      server.baseUrl,
      '/_health/',
    );
    expect(health.body).toMatchObject({ status: 'ok', database: { ok: true } });
    // No Redis in this mode: none is reported; the in-process queue is.
    expect(health.body.redis).toBeUndefined();
    expect(health.body.queue).toMatchObject({ ok: true, failed: 0 });

    await runNodeSdk(seed.dsn, 'exception');
    const issue = await waitForIssue(server.baseUrl, 'TypeError');
    const latest = await http<{ eventID: string }>(
      server.baseUrl,
      `/api/0/issues/${issue.id}/events/latest/`,
      {
        token: seed.token,
      },
    );
    expect(latest.status).toBe(200);

    expect(await server.stop('SIGTERM')).toBe(0);
    server = null;

    server = await startAllInOne(env);
    const after = (await issues(server.baseUrl)).find((i) => i.id === issue.id);
    expect(after).toMatchObject({ title: issue.title, count: '1' });
    const latestAfter = await http<{ eventID: string }>(
      server.baseUrl,
      `/api/0/issues/${issue.id}/events/latest/`,
      { token: seed.token },
    );
    expect(latestAfter.body.eventID).toBe(latest.body.eventID);
  }, 180_000);

  it('fires an alert rule in-process: evaluation and delivery run in the one process', async () => {
    const bodies: Array<{ text: string; attachments: Array<{ title: string }> }> = [];
    const receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
      const rule = await http(
        server!.baseUrl,
        `/api/0/projects/${seed.organization}/${seed.project}/alerts/`,
        {
          token: seed.token,
          method: 'POST',
          json: {
            name: 'Any new error',
            timespanMinutes: 10,
            quantity: 1,
            alertRecipients: [{ recipientType: 'webhook', url: hook }],
          },
        },
      );
      expect(rule.status).toBe(201);
      const dsn = new URL(seed.dsn);
      const stored = await rawPost(
        server!.baseUrl,
        `/api${dsn.pathname}/store/?sentry_key=${dsn.username}`,
        JSON.stringify({ message: 'Alerting in all-in-one mode', level: 'error' }),
        { 'Content-Type': 'application/json' },
      );
      expect(stored.status).toBe(200);
      await eventually(() => expect(bodies.length).toBeGreaterThan(0), 30_000);
      expect(bodies[0]!.text).toBe('GlitchTip Alert');
      expect(bodies[0]!.attachments[0]!.title).toContain('Alerting in all-in-one mode');
      const removed = await http(
        server!.baseUrl,
        `/api/0/projects/${seed.organization}/${seed.project}/alerts/${(rule.body as { id: string }).id}/`,
        { token: seed.token, method: 'DELETE' },
      );
      expect(removed.status).toBe(204);
    } finally {
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
    }
  }, 120_000);

  it('keeps concurrent connections to the embedded database correct (extended protocol, errors, transactions)', async () => {
    // The server restarted by the previous test is still running.
    const endpoint = JSON.parse(readFileSync(join(dataDir, 'postgres.json'), 'utf8')) as {
      port: number;
      password: string;
    };
    const pool = new Pool({
      connectionString: `postgres://postgres:${endpoint.password}@127.0.0.1:${endpoint.port}/postgres`,
      max: 8,
    });
    try {
      await pool.query('DROP TABLE IF EXISTS wire_check; CREATE TABLE wire_check (id int PRIMARY KEY)');
      const wrong: string[] = [];
      const work: Array<Promise<unknown>> = [];
      for (let i = 0; i < 120; i++) {
        work.push(
          pool.query('SELECT $1::int AS v, $2::text AS t', [i, `x${i}`]).then((r) => {
            if (r.rows[0]?.v !== i || r.rows[0]?.t !== `x${i}`) wrong.push(`row ${i}`);
          }),
        );
        if (i % 7 === 0) {
          work.push(
            pool.query('SELECT 1 / $1::int', [0]).then(
              () => wrong.push('division by zero succeeded'),
              (e: Error) => {
                if (!/division by zero/.test(e.message)) wrong.push(e.message);
              },
            ),
          );
        }
        work.push(
          (async () => {
            const client = await pool.connect();
            try {
              await client.query('BEGIN');
              await client.query('INSERT INTO wire_check VALUES ($1)', [i]);
              await new Promise((r) => setTimeout(r, 1));
              await client.query(i % 5 === 0 ? 'ROLLBACK' : 'COMMIT');
            } finally {
              client.release();
            }
          })(),
        );
      }
      await Promise.all(work);
      expect(wrong).toEqual([]);
      const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM wire_check');
      expect(rows[0]!.n).toBe(120 - 24);

      // toolchain.md §6: a transaction that fails must not be committed by a concurrent autocommit.
      await pool.query('TRUNCATE wire_check');
      const failing = (async () => {
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          await client.query('INSERT INTO wire_check VALUES (1)');
          await new Promise((r) => setTimeout(r, 100));
          throw new Error('rolled back');
        } catch {
          await client.query('ROLLBACK');
        } finally {
          client.release();
        }
      })();
      await new Promise((r) => setTimeout(r, 20));
      await pool.query('INSERT INTO wire_check VALUES (2)');
      await failing;
      const ids = (await pool.query<{ id: number }>('SELECT id FROM wire_check ORDER BY id')).rows.map(
        (r) => r.id,
      );
      expect(ids).toEqual([2]);
      await pool.query('DROP TABLE wire_check');
    } finally {
      await pool.end();
    }
  }, 180_000);

  it('refuses a second server on the same data directory and a wrong database password', async () => {
    const otherPort = await freePort();
    await expect(startAllInOne(allInOneEnv(dataDir, otherPort), 60_000)).rejects.toThrow(
      /Another GlitchTip-TS process \(pid \d+\) is using/,
    );
    const endpoint = JSON.parse(readFileSync(join(dataDir, 'postgres.json'), 'utf8')) as { port: number };
    const pool = new Pool({
      connectionString: `postgres://postgres:nope@127.0.0.1:${endpoint.port}/postgres`,
    });
    await expect(pool.query('SELECT 1')).rejects.toThrow(/password authentication failed/);
    await pool.end();
    expect(await server!.stop('SIGTERM')).toBe(0);
    server = null;
  }, 180_000);

  it('processes events accepted but not yet processed before it exits on SIGTERM', async () => {
    // A batch window far longer than the test: only the drain on SIGTERM can store the event.
    server = await startAllInOne({ ...env, WORKER_BATCH_WAIT_MS: '600000' });
    await runNodeSdk(seed.dsn, 'message');
    expect(unprocessedJobs(dataDir)).toBeGreaterThan(0);
    expect(await server.stop('SIGTERM')).toBe(0);
    server = null;
    expect(unprocessedJobs(dataDir)).toBe(0); // stored before exit; checked after the next restart below
  }, 180_000);

  it('loses no accepted event when the process is killed with SIGKILL', async () => {
    server = await startAllInOne({ ...env, WORKER_BATCH_WAIT_MS: '600000' });
    await runNodeSdk(seed.dsn, 'different-exception'); // answered 200, not processed yet
    expect(await server.stop('SIGKILL')).toBe('SIGKILL');
    server = null;
    expect(unprocessedJobs(dataDir)).toBe(1);

    // The crashed process left its locks behind; the next start takes them over and replays the journal.
    server = await startAllInOne(env);
    const issue = await waitForIssue(server.baseUrl, 'SyntaxError');
    expect(issue.count).toBe('1');
    await eventually(() => expect(unprocessedJobs(dataDir)).toBe(0)); // acknowledged just after the commit
    // The two messages drained on SIGTERM in the previous test.
    const messages = (await issues(server.baseUrl)).find((i) => /^User \d+ not found$/.test(i.title));
    expect(messages?.count).toBe('2');
    expect(await server.stop('SIGTERM')).toBe(0);
    server = null;
  }, 180_000);
});
