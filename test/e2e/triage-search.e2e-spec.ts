import { startTestStack, TestStack } from '../support/test-app';
import { http, runNodeSdk } from '../support/http';
import { Api, apiClient, errorEvent, IssueJson, linkCursor, Seed, storeEvent } from '../support/triage';

/** Issue search: every query form, the list parameters, sorting, pagination and tenant isolation. */
describe('triage: searching issues', () => {
  let stack: TestStack;
  let seed: Seed;
  let frontend: Seed;
  let other: Seed;
  let api: Api;
  let otherApi: Api;
  let zeroDivisionEventId: string;
  const ids: Record<string, string> = {};

  const list = async (query = '', scope = 'project'): Promise<IssueJson[]> => {
    const base =
      scope === 'project'
        ? `/api/0/projects/${seed.organization}/${seed.project}/issues/`
        : `/api/0/organizations/${seed.organization}/issues/`;
    const res = await api.get<IssueJson[]>(`${base}${query}`);
    expect(res.status).toBe(200);
    return res.body;
  };
  const titles = async (query: string, scope = 'project') =>
    (await list(query, scope)).map((i) => i.title).sort();
  const q = (text: string) => `?query=${encodeURIComponent(text)}`;

  beforeAll(async () => {
    stack = await startTestStack();
    seed = await stack.seed();
    frontend = await stack.seed({ project: 'Frontend' });
    other = await stack.seed({ email: 'mallory@example.com', org: 'Evil Corp', project: 'Evil' });
    api = apiClient(stack, seed.token);
    otherApi = apiClient(stack, other.token);

    for (const user of ['1', '2', '2']) {
      await storeEvent(
        stack,
        seed.dsn,
        errorEvent('TypeError', 'a is undefined', {
          environment: 'production',
          release: '1.0',
          user: { id: user },
          tags: { browser: 'Firefox 120' },
        }),
      );
    }
    await storeEvent(stack, seed.dsn, {
      level: 'warning',
      message: 'Disk almost full on db-1',
      environment: 'staging',
      release: '2.0',
      tags: { customer: 'Acme Corp' },
    });
    zeroDivisionEventId = await storeEvent(
      stack,
      seed.dsn,
      errorEvent(
        'ZeroDivisionError',
        'division by zero',
        { level: 'fatal', environment: 'production', tags: { browser: 'Chrome 119' } },
        { fn: 'divide', file: 'math.py' },
      ),
    );
    await storeEvent(
      stack,
      frontend.dsn,
      errorEvent('ReferenceError', 'foo is not defined', { environment: 'production' }),
    );
    await storeEvent(stack, other.dsn, errorEvent('TypeError', 'secret of another org'));
    // Letters, not digits: messages that differ only by numbers group into one issue.
    for (let n = 0; n < 30; n++) {
      const suffix = String.fromCharCode(97 + Math.floor(n / 10), 97 + (n % 10));
      await storeEvent(stack, seed.dsn, { level: 'info', message: `Paginated issue ${suffix}` });
    }
    // A real SDK event too.
    await runNodeSdk(seed.dsn, 'different-exception');
    await stack.drain();
    for (const issue of await list('?limit=100')) ids[issue.title.split(':')[0]!] = issue.id;
  });
  afterAll(() => stack.close());

  it('lists every issue of the project, 34 in all, with X-Hits', async () => {
    const res = await api.get<IssueJson[]>(
      `/api/0/projects/${seed.organization}/${seed.project}/issues/?limit=100`,
    );
    expect(res.body).toHaveLength(34);
    expect(res.headers.get('x-hits')).toBe('34');
    expect(res.headers.get('x-max-hits')).toBe('1000');
    const typeError = res.body.find((i) => i.title === 'TypeError: a is undefined')!;
    expect(typeError).toMatchObject({
      count: '3',
      userCount: 2,
      level: 'error',
      status: 'unresolved',
      numComments: 0,
    });
    expect(typeError.shortId).toMatch(/^BACKEND-[0-9A-V]+$/);
    expect(res.body.find((i) => i.title.startsWith('SyntaxError'))).toBeDefined();
  });

  it('filters by status with is:', async () => {
    expect((await list(`${q('is:unresolved')}&limit=100`)).length).toBe(34);
    expect(await list(q('is:resolved'))).toEqual([]);
    expect((await list(`${q('!is:resolved')}&limit=100`)).length).toBe(34);
  });

  it('filters by level, also negated', async () => {
    expect(await titles(q('level:warning'))).toEqual(['Disk almost full on db-1']);
    expect(await titles(q('level:fatal'))).toEqual(['ZeroDivisionError: division by zero']);
    const notInfo = await titles(`${q('!level:info')}&limit=100`);
    expect(notInfo).toEqual(
      expect.arrayContaining(['Disk almost full on db-1', 'TypeError: a is undefined']),
    );
    expect(notInfo.some((t) => t.startsWith('Paginated'))).toBe(false);
  });

  it('filters by environment and release tags, and by repeated environment parameters', async () => {
    expect(await titles(q('environment:staging'))).toEqual(['Disk almost full on db-1']);
    expect(await titles(q('environment:production'))).toEqual([
      'TypeError: a is undefined',
      'ZeroDivisionError: division by zero',
    ]);
    expect(await titles(q('release:2.0'))).toEqual(['Disk almost full on db-1']);
    expect(await titles('?environment=staging&environment=production')).toEqual([
      'Disk almost full on db-1',
      'TypeError: a is undefined',
      'ZeroDivisionError: division by zero',
    ]);
  });

  it('filters by any tag, with quoted values, has: and negation', async () => {
    expect(await titles(q('customer:"Acme Corp"'))).toEqual(['Disk almost full on db-1']);
    expect(await titles(q('customer:Acme'))).toEqual([]);
    expect(await titles(q('has:customer'))).toEqual(['Disk almost full on db-1']);
    expect(await titles(q('browser:"Firefox 120"'))).toEqual(['TypeError: a is undefined']);
    expect(await titles(q('browser:Chrome*'))).toEqual(['ZeroDivisionError: division by zero']);
    expect(await titles(q('has:browser !browser:"Firefox 120"'))).toEqual([
      'ZeroDivisionError: division by zero',
    ]);
    expect((await list(`${q('!has:customer')}&limit=100`)).length).toBe(33);
    expect(await titles(q('user:id:2'))).toEqual(['TypeError: a is undefined']);
  });

  it('searches free text over title and culprit, with phrases, wildcards and negation', async () => {
    expect(await titles(q('division'))).toEqual(['ZeroDivisionError: division by zero']);
    expect(await titles(q('DIVISION BY'))).toEqual(['ZeroDivisionError: division by zero']);
    expect(await titles(q('"by zero"'))).toEqual(['ZeroDivisionError: division by zero']);
    expect(await titles(q('zero*division'))).toEqual(['ZeroDivisionError: division by zero']);
    expect(await titles(q('divide'))).toEqual(['ZeroDivisionError: division by zero']); // the culprit
    expect(await titles(q('level:error undefined'))).toEqual(['TypeError: a is undefined']);
    expect((await titles(`${q('paginated !"issue b"')}&limit=100`)).length).toBe(20);
    expect(await titles(q('100%'))).toEqual([]);
  });

  it('jumps to the issue of an event id with X-Sentry-Direct-Hit', async () => {
    for (const form of [
      zeroDivisionEventId,
      zeroDivisionEventId.replace(/^(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-'),
    ]) {
      const res = await api.get<IssueJson[]>(`/api/0/organizations/${seed.organization}/issues/${q(form)}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('x-sentry-direct-hit')).toBe('1');
      expect(res.body).toHaveLength(1);
      expect(res.body[0]).toMatchObject({
        title: 'ZeroDivisionError: division by zero',
        matchingEventId: zeroDivisionEventId,
      });
    }
    const miss = await api.get<IssueJson[]>(
      `/api/0/organizations/${seed.organization}/issues/${q('0'.repeat(32))}`,
    );
    expect(miss.body).toEqual([]);
    expect(miss.headers.get('x-sentry-direct-hit')).toBeNull();
  });

  it("lists the organization's issues across projects, narrowed by project ids", async () => {
    const all = await list('?limit=100', 'org');
    expect(all).toHaveLength(35);
    expect(all.some((i) => i.title === 'ReferenceError: foo is not defined')).toBe(true);
    expect(all.some((i) => i.title.includes('another org'))).toBe(false);
    const frontendOnly = await list(`?project=${frontend.projectId}`, 'org');
    expect(frontendOnly.map((i) => i.title)).toEqual(['ReferenceError: foo is not defined']);
    expect(frontendOnly[0]!.project.slug).toBe('frontend');
    const both = await list(`?project=${frontend.projectId}&project=${seed.projectId}&limit=100`, 'org');
    expect(both).toHaveLength(35);
    // Another organization's project id selects nothing.
    expect(await list(`?project=${other.projectId}`, 'org')).toEqual([]);
  });

  it('sorts by last seen, first seen, frequency and priority', async () => {
    const byCount = await list('?sort=-count&limit=100');
    expect(byCount[0]!.title).toBe('TypeError: a is undefined');
    expect(Number(byCount[0]!.count)).toBeGreaterThanOrEqual(Number(byCount[1]!.count));
    const byFirst = await list('?sort=first_seen&limit=100');
    expect(byFirst[0]!.title).toBe('TypeError: a is undefined');
    const byFirstDesc = await list('?sort=-first_seen&limit=100');
    expect(byFirstDesc.map((i) => i.id)).toEqual([...byFirst].reverse().map((i) => i.id));
    const byLast = await list('?limit=100');
    for (let n = 1; n < byLast.length; n++) {
      expect(byLast[n - 1]!.lastSeen >= byLast[n]!.lastSeen).toBe(true);
    }
    const byPriority = await list('?sort=-priority&limit=100');
    expect(byPriority).toHaveLength(34);
    const score = (i: IssueJson) => Math.log10(Number(i.count)) + Date.parse(i.lastSeen) / 1000 / 300000;
    for (let n = 1; n < byPriority.length; n++) {
      expect(score(byPriority[n - 1]!)).toBeGreaterThanOrEqual(score(byPriority[n]!) - 1e-9);
    }
    expect((await list('?sort=freq&limit=1'))[0]!.title).toBe('TypeError: a is undefined');
    const bad = await api.get(`/api/0/projects/${seed.organization}/${seed.project}/issues/?sort=bogus`);
    expect(bad.status).toBe(422);
    expect(bad.body).toMatchObject({ detail: [{ loc: ['query', 'sort'] }] });
  });

  it('pages through results with the Link cursors', async () => {
    const seen: string[] = [];
    let path = `/api/0/projects/${seed.organization}/${seed.project}/issues/?limit=10&query=is:unresolved`;
    let pages = 0;
    for (;;) {
      const res = await api.get<IssueJson[]>(path);
      expect(res.status).toBe(200);
      expect(res.headers.get('x-hits')).toBe('34');
      seen.push(...res.body.map((i) => i.id));
      pages++;
      const next = linkCursor(res, 'next');
      if (pages > 1) expect(linkCursor(res, 'previous')).not.toBeNull();
      if (!next) break;
      path = `/api/0/projects/${seed.organization}/${seed.project}/issues/?limit=10&query=is:unresolved&cursor=${encodeURIComponent(next)}`;
    }
    expect(pages).toBe(4);
    expect(seen).toHaveLength(34);
    expect(new Set(seen).size).toBe(34);
  });

  it('filters by time: start/end (relative or ISO) and statsPeriod', async () => {
    expect((await list('?statsPeriod=1h&limit=100')).length).toBe(34);
    expect((await list('?start=now-1h&end=now&limit=100')).length).toBe(34);
    expect(await list('?end=now-1d')).toEqual([]);
    expect(
      await list(`?start=${encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString())}`),
    ).toEqual([]);
    expect(
      (await api.get(`/api/0/projects/${seed.organization}/${seed.project}/issues/?start=yesterday`)).status,
    ).toBe(422);
  });

  it('selects by issue id', async () => {
    const picked = await list(`?id=${ids.TypeError}&id=${ids.ZeroDivisionError}`);
    expect(picked.map((i) => i.id).sort()).toEqual([ids.TypeError, ids.ZeroDivisionError].sort());
  });

  it("never shows another organization's issues", async () => {
    expect((await otherApi.get(`/api/0/organizations/${seed.organization}/issues/`)).status).toBe(404);
    expect((await otherApi.get(`/api/0/projects/${seed.organization}/${seed.project}/issues/`)).status).toBe(
      404,
    );
    const own = await otherApi.get<IssueJson[]>(
      `/api/0/organizations/${other.organization}/issues/?limit=100`,
    );
    expect(own.body.map((i) => i.title)).toEqual(['TypeError: secret of another org']);
    // Searching another org's event id from one's own org finds nothing.
    const res = await otherApi.get<IssueJson[]>(
      `/api/0/organizations/${other.organization}/issues/${q(zeroDivisionEventId)}`,
    );
    expect(res.body).toEqual([]);
    expect((await http(stack.baseUrl, `/api/0/organizations/${seed.organization}/issues/`)).status).toBe(401);
  });
});
