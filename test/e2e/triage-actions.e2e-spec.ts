import { startTestStack, TestStack } from '../support/test-app';
import { runNodeSdk } from '../support/http';
import {
  Api,
  apiClient,
  errorEvent,
  EventJson,
  IssueJson,
  Seed,
  sql,
  storeEvent,
  tokenWithScopes,
} from '../support/triage';

/** Acting on issues: status (bulk and single), release-guarded resolve, merge/unmerge, stats, tags, comments. */
describe('triage: acting on issues', () => {
  let stack: TestStack;
  let seed: Seed;
  let other: Seed;
  let api: Api;
  let otherApi: Api;
  let org: string;

  const issues = async (query = ''): Promise<IssueJson[]> => {
    const res = await api.get<IssueJson[]>(`/api/0/organizations/${org}/issues/?limit=100${query}`);
    expect(res.status).toBe(200);
    return res.body;
  };
  const byTitle = async (title: string) => (await issues()).find((i) => i.title === title);
  const getIssue = async (id: string) => (await api.get<IssueJson>(`/api/0/issues/${id}/`)).body;

  beforeAll(async () => {
    stack = await startTestStack();
    seed = await stack.seed();
    other = await stack.seed({ email: 'mallory@example.com', org: 'Evil Corp', project: 'Evil' });
    api = apiClient(stack, seed.token);
    otherApi = apiClient(stack, other.token);
    org = seed.organization;
  });
  afterAll(() => stack.close());

  it('resolves, ignores and reopens in bulk by id and by query', async () => {
    for (const name of ['Alpha', 'Beta', 'Gamma']) {
      await storeEvent(
        stack,
        seed.dsn,
        errorEvent(`${name}Error`, 'bulk', { environment: name === 'Gamma' ? 'qa' : 'prod' }),
      );
    }
    await stack.drain();
    const [alpha, beta, gamma] = await Promise.all(
      ['AlphaError: bulk', 'BetaError: bulk', 'GammaError: bulk'].map(byTitle),
    );

    const resolved = await api.put(`/api/0/organizations/${org}/issues/?id=${alpha!.id}&id=${beta!.id}`, {
      status: 'resolved',
    });
    expect(resolved.status).toBe(200);
    expect(resolved.body).toEqual({ status: 'resolved' });
    expect((await issues('&query=is:resolved')).map((i) => i.id).sort()).toEqual(
      [alpha!.id, beta!.id].sort(),
    );

    const ignored = await api.put(
      `/api/0/organizations/${org}/issues/?query=${encodeURIComponent('environment:qa')}`,
      {
        status: 'ignored',
      },
    );
    expect(ignored.status).toBe(200);
    expect((await getIssue(gamma!.id)).status).toBe('ignored');
    expect((await issues('&query=is:ignored')).map((i) => i.id)).toEqual([gamma!.id]);

    await api.put(`/api/0/organizations/${org}/issues/?query=${encodeURIComponent('bulk !is:unresolved')}`, {
      status: 'unresolved',
    });
    for (const issue of [alpha, beta, gamma]) expect((await getIssue(issue!.id)).status).toBe('unresolved');

    const bad = await api.put(`/api/0/organizations/${org}/issues/?id=${alpha!.id}`, { status: 'done' });
    expect(bad.status).toBe(422);
    expect(bad.body.detail[0].loc).toEqual(['body', 'payload', 'status']);
  });

  it('reads, resolves and reopens a single issue, on both routes', async () => {
    const alpha = (await byTitle('AlphaError: bulk'))!;
    const detail = await api.get<IssueJson>(`/api/0/issues/${alpha.id}/`);
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({ id: alpha.id, userReportCount: 0, status: 'unresolved', count: '1' });
    expect((await api.get(`/api/0/organizations/${org}/issues/${alpha.id}/`)).body).toMatchObject({
      id: alpha.id,
    });

    const put = await api.put<IssueJson>(`/api/0/issues/${alpha.id}/`, { status: 'resolved' });
    expect(put.status).toBe(200);
    expect(put.body.status).toBe('resolved');
    const reopened = await api.put<IssueJson>(`/api/0/organizations/${org}/issues/${alpha.id}/`, {
      status: 'unresolved',
    });
    expect(reopened.body.status).toBe('unresolved');
    expect((await api.get(`/api/0/organizations/${other.organization}/issues/${alpha.id}/`)).status).toBe(
      404,
    );
  });

  it('reopens a resolved issue on a new event (regression)', async () => {
    await runNodeSdk(seed.dsn, 'different-exception');
    await stack.drain();
    const issue = (await issues()).find((i) => i.title.startsWith('SyntaxError'))!;
    await api.put(`/api/0/issues/${issue.id}/`, { status: 'resolved' });
    expect((await getIssue(issue.id)).status).toBe('resolved');
    await runNodeSdk(seed.dsn, 'different-exception');
    await stack.drain();
    const after = await getIssue(issue.id);
    expect(after.status).toBe('unresolved');
    expect(after.count).toBe('2');
  });

  it('keeps an issue resolved in the next release until another release has it', async () => {
    const event = (release?: string) =>
      errorEvent('ReleaseError', 'fixed in next', release ? { release } : {});
    await storeEvent(stack, seed.dsn, event('1.0'));
    await stack.drain();
    const issue = (await byTitle('ReleaseError: fixed in next'))!;
    const put = await api.put<IssueJson>(`/api/0/issues/${issue.id}/`, {
      status: 'resolved',
      statusDetails: { inNextRelease: true },
    });
    expect(put.body).toMatchObject({ status: 'resolved', statusDetails: { inNextRelease: true } });

    await storeEvent(stack, seed.dsn, event('1.0'));
    await storeEvent(stack, seed.dsn, event());
    await stack.drain();
    expect(await getIssue(issue.id)).toMatchObject({ status: 'resolved', count: '3' });

    await storeEvent(stack, seed.dsn, event('1.1'));
    await stack.drain();
    expect(await getIssue(issue.id)).toMatchObject({ status: 'unresolved', statusDetails: {}, count: '4' });

    // In bulk too.
    await api.put(`/api/0/organizations/${org}/issues/?id=${issue.id}`, {
      status: 'resolved',
      statusDetails: { inNextRelease: true },
    });
    await storeEvent(stack, seed.dsn, event('1.1'));
    await stack.drain();
    expect((await getIssue(issue.id)).status).toBe('resolved');
  });

  it('merges two issues and unmerges them, keeping counts, users, tags and stats exact', async () => {
    for (const user of ['ann', 'bob']) {
      await storeEvent(
        stack,
        seed.dsn,
        errorEvent('MergeA', 'one', { user: { id: user }, tags: { side: 'a' } }),
      );
    }
    await storeEvent(
      stack,
      seed.dsn,
      errorEvent('MergeB', 'two', { user: { id: 'bob' }, tags: { side: 'b' } }),
    );
    await stack.drain();
    const a = (await byTitle('MergeA: one'))!;
    const b = (await byTitle('MergeB: two'))!;
    const [parentId, childId] = Number(a.id) > Number(b.id) ? [a.id, b.id] : [b.id, a.id];
    await api.post(`/api/0/issues/${childId}/comments/`, { data: { text: 'on the child' } });

    const merged = await api.put(`/api/0/organizations/${org}/issues/?id=${a.id}&id=${b.id}`, { merge: 1 });
    expect(merged.status).toBe(200);
    expect((await api.get(`/api/0/issues/${childId}/`)).status).toBe(404);
    const parent = await getIssue(parentId);
    expect(parent).toMatchObject({ count: '3', userCount: 2, numComments: 1 });
    const events = await api.get<EventJson[]>(`/api/0/issues/${parentId}/events/`);
    expect(events.body).toHaveLength(3);
    expect(new Set(events.body.map((e) => e.groupID))).toEqual(new Set([parentId]));
    const tags = await api.get<
      Array<{ key: string; totalValues: number; topValues: Array<{ value: string; count: number }> }>
    >(`/api/0/issues/${parentId}/tags/?key=side`);
    expect(tags.body).toEqual([
      {
        key: 'side',
        name: 'side',
        totalValues: 3,
        uniqueValues: 2,
        topValues: [
          { key: 'side', name: 'a', value: 'a', count: 2 },
          { key: 'side', name: 'b', value: 'b', count: 1 },
        ],
      },
    ]);
    const stats = await api.get(
      `/api/0/organizations/${org}/issues-stats/?groups=${parentId}&statsPeriod=24h`,
    );
    expect(stats.body[0].stats['24h'].reduce((n: number, [, c]: [number, number]) => n + c, 0)).toBe(3);

    const hashes = await api.get<Array<{ id: string; latestEvent: EventJson | null }>>(
      `/api/0/organizations/${org}/issues/${parentId}/hashes/`,
    );
    expect(hashes.status).toBe(200);
    expect(hashes.body).toHaveLength(2);
    const childHash = hashes.body.find(
      (h) => h.latestEvent?.title === (childId === a.id ? 'MergeA: one' : 'MergeB: two'),
    )!;
    expect(childHash.id).toMatch(/^[0-9a-f]{32}$/);

    // Unmerge needs event:admin.
    const writer = await tokenWithScopes(stack, 'owner@example.com', ['event:write']);
    expect(
      (
        await apiClient(stack, writer).del(
          `/api/0/organizations/${org}/issues/${parentId}/hashes/?id=${childHash.id}`,
        )
      ).status,
    ).toBe(403);
    const unmerged = await api.del(
      `/api/0/organizations/${org}/issues/${parentId}/hashes/?id=${childHash.id}`,
    );
    expect(unmerged.status).toBe(202);
    expect(unmerged.text).toBe('');

    const split = (await issues()).filter((i) => i.title === 'MergeA: one' || i.title === 'MergeB: two');
    expect(split).toHaveLength(2);
    const restored = split.find((i) => i.id !== parentId)!;
    const kept = await getIssue(parentId);
    const expected = (title: string) =>
      title === 'MergeA: one' ? { count: '2', userCount: 2 } : { count: '1', userCount: 1 };
    expect(restored).toMatchObject(expected(restored.title));
    expect(kept).toMatchObject(expected(kept.title));
    const keptTags = await api.get(`/api/0/issues/${parentId}/tags/?key=side`);
    expect(keptTags.body[0].uniqueValues).toBe(1);
    const restoredEvents = await api.get<EventJson[]>(`/api/0/issues/${restored.id}/events/`);
    expect(restoredEvents.body).toHaveLength(Number(restored.count));
    const restoredStats = await api.get(
      `/api/0/organizations/${org}/issues-stats/?groups=${restored.id}&groups=${parentId}`,
    );
    const sums = Object.fromEntries(
      restoredStats.body.map((s: any) => [
        s.id,
        s.stats['24h'].reduce((n: number, [, c]: [number, number]) => n + c, 0),
      ]),
    );
    expect(sums).toEqual({ [restored.id]: Number(restored.count), [parentId]: Number(kept.count) });
    // A new event of the unmerged hash lands on the new issue.
    await storeEvent(
      stack,
      seed.dsn,
      restored.title === 'MergeA: one' ? errorEvent('MergeA', 'one') : errorEvent('MergeB', 'two'),
    );
    await stack.drain();
    expect((await getIssue(restored.id)).count).toBe(String(Number(restored.count) + 1));
    // The last hash of an issue stays.
    expect(
      (await api.del(`/api/0/issues/${parentId}/hashes/?id=${hashes.body.find((h) => h !== childHash)!.id}`))
        .status,
    ).toBe(202);
    expect((await api.get(`/api/0/issues/${parentId}/hashes/`)).body).toHaveLength(1);
  });

  it('refuses to merge issues of different projects', async () => {
    const frontend = await stack.seed({ project: 'Frontend' });
    await storeEvent(stack, frontend.dsn, errorEvent('CrossError', 'frontend'));
    await storeEvent(stack, seed.dsn, errorEvent('CrossError', 'backend'));
    await stack.drain();
    const [x, y] = await Promise.all([byTitle('CrossError: frontend'), byTitle('CrossError: backend')]);
    const res = await api.put(`/api/0/organizations/${org}/issues/?id=${x!.id}&id=${y!.id}`, { merge: 1 });
    expect(res.status).toBe(400);
    expect((await getIssue(x!.id)).id).toBe(x!.id);
  });

  it('serves sparkline stats in 24 hourly or 14 daily buckets', async () => {
    const issue = (await byTitle('AlphaError: bulk'))!;
    const hourly = await api.get(
      `/api/0/organizations/${org}/issues-stats/?groups=${issue.id}&statsPeriod=24h`,
    );
    expect(hourly.status).toBe(200);
    expect(hourly.body).toHaveLength(1);
    expect(hourly.body[0]).toMatchObject({ id: issue.id, count: '1', userCount: 1, isUnhandled: false });
    const series: Array<[number, number]> = hourly.body[0].stats['24h'];
    expect(series).toHaveLength(24);
    expect(series[23]![0] - series[0]![0]).toBe(23 * 3600);
    expect(series[23]![1]).toBe(1);
    const daily = await api.get(
      `/api/0/organizations/${org}/issues-stats/?groups=${issue.id}&statsPeriod=14d`,
    );
    expect(daily.body[0].stats['14d']).toHaveLength(14);
    expect(daily.body[0].stats['14d'][13][1]).toBe(1);
    expect((await api.get(`/api/0/organizations/${org}/issues-stats/`)).status).toBe(422);
    expect(
      (await api.get(`/api/0/organizations/${org}/issues-stats/?groups=${issue.id}&statsPeriod=7d`)).status,
    ).toBe(422);
    // Another organization's issue ids are left out.
    expect(
      (await otherApi.get(`/api/0/organizations/${other.organization}/issues-stats/?groups=${issue.id}`))
        .body,
    ).toEqual([]);
  });

  it('lists tags with their top values', async () => {
    await storeEvent(
      stack,
      seed.dsn,
      errorEvent('TagError', 'x', { tags: { browser: 'Firefox' }, environment: 'prod' }),
    );
    await storeEvent(
      stack,
      seed.dsn,
      errorEvent('TagError', 'x', { tags: { browser: 'Firefox' }, environment: 'prod' }),
    );
    await storeEvent(
      stack,
      seed.dsn,
      errorEvent('TagError', 'x', { tags: { browser: 'Chrome' }, environment: 'prod' }),
    );
    await stack.drain();
    const issue = (await byTitle('TagError: x'))!;
    const res = await api.get(`/api/0/issues/${issue.id}/tags/`);
    expect(res.status).toBe(200);
    const browser = res.body.find((t: any) => t.key === 'browser');
    expect(browser).toEqual({
      key: 'browser',
      name: 'browser',
      totalValues: 3,
      uniqueValues: 2,
      topValues: [
        { key: 'browser', name: 'Firefox', value: 'Firefox', count: 2 },
        { key: 'browser', name: 'Chrome', value: 'Chrome', count: 1 },
      ],
    });
    expect(res.body.find((t: any) => t.key === 'environment').topValues).toEqual([
      { key: 'environment', name: 'prod', value: 'prod', count: 3 },
    ]);
    const one = await api.get(`/api/0/organizations/${org}/issues/${issue.id}/tags/?key=browser`);
    expect(one.body.map((t: any) => t.key)).toEqual(['browser']);
  });

  it('adds, lists, edits and deletes comments', async () => {
    const issue = (await byTitle('BetaError: bulk'))!;
    const created = await api.post(`/api/0/issues/${issue.id}/comments/`, {
      data: { text: 'Looking into it' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      data: { text: 'Looking into it' },
      type: 'note',
      user: { email: 'owner@example.com' },
    });
    const second = await api.post(`/api/0/organizations/${org}/issues/${issue.id}/comments/`, {
      data: { text: 'Fixed' },
    });
    expect(second.status).toBe(201);
    const listed = await api.get(`/api/0/issues/${issue.id}/comments/`);
    expect(listed.body.map((c: any) => c.data.text)).toEqual(['Fixed', 'Looking into it']);
    expect(listed.headers.get('x-hits')).toBe('2');
    expect((await getIssue(issue.id)).numComments).toBe(2);

    const edited = await api.put(`/api/0/issues/${issue.id}/comments/${created.body.id}/`, {
      data: { text: 'Found it' },
    });
    expect(edited.status).toBe(200);
    expect(edited.body.data.text).toBe('Found it');
    expect((await api.post(`/api/0/issues/${issue.id}/comments/`, { data: {} })).status).toBe(422);
    expect((await api.del(`/api/0/issues/${issue.id}/comments/${created.body.id}/`)).status).toBe(204);
    expect((await api.get(`/api/0/issues/${issue.id}/comments/`)).body).toHaveLength(1);
    const reader = await tokenWithScopes(stack, 'owner@example.com', ['event:read']);
    expect(
      (await apiClient(stack, reader).post(`/api/0/issues/${issue.id}/comments/`, { data: { text: 'x' } }))
        .status,
    ).toBe(403);
    expect((await apiClient(stack, reader).get(`/api/0/issues/${issue.id}/comments/`)).status).toBe(200);
  });

  it('lists user reports', async () => {
    const eventId = await storeEvent(stack, seed.dsn, errorEvent('FeedbackError', 'with report'));
    await stack.drain();
    const issue = (await byTitle('FeedbackError: with report'))!;
    await sql(
      stack,
      `INSERT INTO user_reports (project_id, issue_id, event_id, name, email, comments) VALUES ($1, $2, $3, 'Jane', 'jane@example.com', 'It broke')`,
      [seed.projectId, issue.id, eventId],
    );
    const res = await api.get(`/api/0/issues/${issue.id}/user-reports/`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual([
      expect.objectContaining({
        eventID: eventId,
        event: { eventId },
        name: 'Jane',
        email: 'jane@example.com',
        comments: 'It broke',
      }),
    ]);
    expect((await api.get(`/api/0/organizations/${org}/issues/${issue.id}/user-reports/`)).body).toHaveLength(
      1,
    );
    expect((await getIssue(issue.id)).userReportCount).toBe(1);
    const event = await api.get<EventJson>(`/api/0/issues/${issue.id}/events/${eventId}/`);
    expect(event.body.userReport).toMatchObject({ name: 'Jane' });
  });

  it("cannot read, change or delete another organization's issues", async () => {
    const issue = (await byTitle('BetaError: bulk'))!;
    const paths = [
      `/api/0/issues/${issue.id}/`,
      `/api/0/issues/${issue.id}/events/`,
      `/api/0/issues/${issue.id}/events/latest/`,
      `/api/0/issues/${issue.id}/tags/`,
      `/api/0/issues/${issue.id}/comments/`,
      `/api/0/issues/${issue.id}/user-reports/`,
      `/api/0/issues/${issue.id}/hashes/`,
      `/api/0/organizations/${org}/issues/${issue.id}/`,
      `/api/0/organizations/${other.organization}/issues/${issue.id}/`,
    ];
    for (const path of paths) expect([path, (await otherApi.get(path)).status]).toEqual([path, 404]);
    expect((await otherApi.put(`/api/0/issues/${issue.id}/`, { status: 'resolved' })).status).toBe(404);
    expect((await otherApi.del(`/api/0/issues/${issue.id}/`)).status).toBe(404);
    expect(
      (await otherApi.post(`/api/0/issues/${issue.id}/comments/`, { data: { text: 'spam' } })).status,
    ).toBe(404);
    expect((await otherApi.del(`/api/0/issues/${issue.id}/hashes/?id=${'0'.repeat(32)}`)).status).toBe(404);
    // Bulk actions in one's own organization never reach another's issues: its ids are unknown there.
    const foreignPut = await otherApi.put(
      `/api/0/organizations/${other.organization}/issues/?id=${issue.id}`,
      {
        status: 'ignored',
      },
    );
    expect([foreignPut.status, foreignPut.body]).toEqual([404, { detail: 'Not Found' }]);
    expect(
      (await otherApi.del(`/api/0/organizations/${other.organization}/issues/?id=${issue.id}`)).status,
    ).toBe(404);
    expect(
      (await otherApi.put(`/api/0/organizations/${org}/issues/?id=${issue.id}`, { status: 'ignored' }))
        .status,
    ).toBe(404);
    expect((await otherApi.del(`/api/0/organizations/${org}/issues/?query=`)).status).toBe(404);
    // No selection at all is refused rather than applied to every issue.
    expect((await api.del(`/api/0/organizations/${org}/issues/`)).status).toBe(400);
    expect((await api.put(`/api/0/organizations/${org}/issues/`, { status: 'resolved' })).status).toBe(400);
    expect(await getIssue(issue.id)).toMatchObject({ status: 'unresolved' });
  });

  it('deletes issues with their events, singly and in bulk', async () => {
    // Different types: the same type from the same stack groups whatever the message.
    await storeEvent(stack, seed.dsn, errorEvent('DeleteOne', 'gone'));
    await storeEvent(stack, seed.dsn, errorEvent('DeleteTwo', 'gone'));
    await storeEvent(stack, seed.dsn, errorEvent('DeleteThree', 'gone'));
    await stack.drain();
    const [one, two, three] = await Promise.all(
      ['DeleteOne: gone', 'DeleteTwo: gone', 'DeleteThree: gone'].map(byTitle),
    );
    expect((await api.del(`/api/0/issues/${one!.id}/`)).status).toBe(204);
    expect((await api.get(`/api/0/issues/${one!.id}/`)).status).toBe(404);
    const bulk = await api.del(`/api/0/organizations/${org}/issues/?id=${two!.id}&id=${three!.id}`);
    expect(bulk.status).toBe(200);
    expect(bulk.body).toEqual({ status: 'resolved' });
    expect(await issues('&query=gone')).toEqual([]);
    const left = await sql(
      stack,
      `SELECT count(*)::int AS n FROM events WHERE issue_id = ANY($1::bigint[])`,
      [[one!.id, two!.id, three!.id]],
    );
    expect(left[0].n).toBe(0);
    // The same error later starts a new issue.
    await storeEvent(stack, seed.dsn, errorEvent('DeleteOne', 'gone'));
    await stack.drain();
    expect((await byTitle('DeleteOne: gone'))!.id).not.toBe(one!.id);
  });
});
