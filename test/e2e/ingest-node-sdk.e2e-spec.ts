import { startTestStack, TestStack } from '../support/test-app';
import { http, runNodeSdk } from '../support/http';
import { BootstrapResult } from '../../apps/api/src/manage';

interface IssueJson {
  id: string;
  title: string;
  count: string;
  userCount: number;
  level: string;
  status: string;
  culprit: string;
  type: string;
  metadata: Record<string, unknown>;
}

describe('events from the real @sentry/node SDK become grouped issues', () => {
  let stack: TestStack;
  let seed: BootstrapResult;

  beforeAll(async () => {
    stack = await startTestStack();
    seed = await stack.seed();
  });
  afterAll(() => stack.close());

  const issues = async (query = '') => {
    const res = await http<IssueJson[]>(
      stack.baseUrl,
      `/api/0/projects/${seed.organization}/${seed.project}/issues/${query}`,
      {
        token: seed.token,
      },
    );
    expect(res.status).toBe(200);
    return res.body;
  };

  it('stores an exception, then groups the same error twice into one issue with count 3', async () => {
    await runNodeSdk(seed.dsn, 'exception');
    await runNodeSdk(seed.dsn, 'same-exception-twice');
    await stack.drain();
    const list = await issues();
    const typeErrors = list.filter((i) => i.title.startsWith('TypeError'));
    expect(typeErrors).toHaveLength(1);
    expect(typeErrors[0]!.count).toBe('3');
    expect(typeErrors[0]!.title).toContain(
      "TypeError: Cannot read properties of undefined (reading 'total')",
    );
    expect(typeErrors[0]!.type).toBe('error');
    expect(typeErrors[0]!.culprit).toContain('failingCheckout');
  });

  it('keeps a different error in a different issue', async () => {
    await runNodeSdk(seed.dsn, 'different-exception');
    await stack.drain();
    const list = await issues();
    expect(list.filter((i) => i.title.startsWith('SyntaxError'))).toHaveLength(1);
    expect(list.filter((i) => i.title.startsWith('TypeError'))).toHaveLength(1);
  });

  it('groups messages that differ only by an id into one issue', async () => {
    await runNodeSdk(seed.dsn, 'message');
    await stack.drain();
    const list = await issues();
    const messages = list.filter((i) => /^User \d+ not found$/.test(i.title));
    expect(messages).toHaveLength(1);
    expect(messages[0]!.count).toBe('2');
    expect(messages[0]!.level).toBe('warning');
  });

  it('records user, tags, breadcrumbs and honours a fingerprint with {{ default }}', async () => {
    await runNodeSdk(seed.dsn, 'scoped');
    await stack.drain();
    const issue = (await issues()).find((i) => i.title.startsWith('RangeError'))!;
    expect(issue).toBeDefined();
    expect(issue.userCount).toBe(1);
    const latest = await http<Record<string, any>>(
      stack.baseUrl,
      `/api/0/issues/${issue.id}/events/latest/`,
      {
        token: seed.token,
      },
    );
    expect(latest.status).toBe(200);
    const tags = Object.fromEntries(
      (latest.body.tags as Array<{ key: string; value: string }>).map((t) => [t.key, t.value]),
    );
    expect(tags).toMatchObject({ feature: 'checkout', environment: 'test', release: 'myapp@1.2.3' });
    expect(latest.body.user).toMatchObject({ id: 'u-42', email: 'jane@example.com' });
    expect(latest.body.entries.map((e: { type: string }) => e.type)).toEqual(
      expect.arrayContaining(['exception', 'breadcrumbs']),
    );
    expect(latest.body.eventID).toMatch(/^[0-9a-f]{32}$/);
  });

  it('accepts an event over 32 KiB that the SDK gzips', async () => {
    await runNodeSdk(seed.dsn, 'large');
    await stack.drain();
    const issue = (await issues()).find((i) => i.title === 'Error: Large payload error');
    expect(issue).toBeDefined();
  });

  it('reopens a resolved issue when it happens again (regression)', async () => {
    const issue = (await issues()).find((i) => i.title.startsWith('SyntaxError'))!;
    await stack.db; // the status change goes straight to the database until the triage API exists
    const { Client } = await import('pg');
    const pg = new Client({ connectionString: stack.db.url });
    await pg.connect();
    await pg.query('UPDATE issues SET status = 1 WHERE id = $1', [issue.id]);
    await pg.end();
    expect((await issues('?query=is:resolved')).map((i) => i.id)).toContain(issue.id);
    await runNodeSdk(seed.dsn, 'different-exception');
    await stack.drain();
    const reopened = (await issues()).find((i) => i.id === issue.id)!;
    expect(reopened.status).toBe('unresolved');
    expect(reopened.count).toBe('2');
  });
});
