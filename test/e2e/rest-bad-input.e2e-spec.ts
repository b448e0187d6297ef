import { Browser } from '../support/browser';
import { http } from '../support/http';
import { Api, apiClient, errorEvent, IssueJson, Seed, storeEvent } from '../support/triage';
import { startTestStack, TestStack } from '../support/test-app';

interface Detail422 {
  detail: Array<{ type: string; loc: Array<string | number>; msg: string }>;
}

/** Odd REST input answers a clear 4xx with `{"detail": …}` (422 with the field's path), never a 500. */
describe('REST API: bad input', () => {
  let stack: TestStack;
  let seed: Seed;
  let other: Seed;
  let api: Api;
  let org: string;
  let issueId: string;

  beforeAll(async () => {
    stack = await startTestStack();
    seed = await stack.seed();
    other = await stack.seed({ email: 'mallory@example.com', org: 'Evil Corp', project: 'Evil' });
    api = apiClient(stack, seed.token);
    org = seed.organization;
    await storeEvent(stack, seed.dsn, errorEvent('ValueError', 'bad input fixture'));
    await stack.drain();
    const issues = await api.get<IssueJson[]>(`/api/0/organizations/${org}/issues/`);
    issueId = issues.body[0]!.id;
  });
  afterAll(() => stack.close());

  const lists = () => [
    `/api/0/organizations/${org}/issues/`,
    `/api/0/projects/${org}/${seed.project}/issues/`,
  ];

  it('answers 422 with the field path for odd list parameters on both issue lists', async () => {
    const cases: Array<[string, Array<string | number>]> = [
      ['query=%00', ['query', 'query']],
      ['environment=%00', ['query', 'environment']],
      ['environment=prod&environment=%01x', ['query', 'environment', 1]],
      ['statsPeriod=99999999d', ['query', 'statsPeriod']],
      ['start=99999-01-01', ['query', 'start']],
      ['end=99999-01-01', ['query', 'end']],
      ['start=now-99999999999999d', ['query', 'start']],
      [
        `cursor=${encodeURIComponent(Buffer.from('o=99999999999999999999&r=0&p=0').toString('base64'))}`,
        ['query', 'cursor'],
      ],
      [`query=${'x'.repeat(10_000)}`, ['query', 'query']],
    ];
    for (const path of lists())
      for (const [query, loc] of cases) {
        const res = await api.get<Detail422>(`${path}?${query}`);
        expect([query.slice(0, 40), res.status]).toEqual([query.slice(0, 40), 422]);
        expect(res.body.detail[0]).toEqual(expect.objectContaining({ loc, msg: expect.any(String) }));
        // A 10 KB search is refused, not echoed twice into a Link header clients cannot read.
        expect(res.headers.get('link')).toBeNull();
      }
  });

  it('still answers in-range dates, periods and a long but possible period', async () => {
    for (const query of [
      'statsPeriod=14d',
      'statsPeriod=36500d',
      'start=1970-01-01&end=9999-12-31',
      'start=now-2h',
    ])
      expect([query, (await api.get(`/api/0/organizations/${org}/issues/?${query}`)).status]).toEqual([
        query,
        200,
      ]);
    expect(
      (await api.get<IssueJson[]>(`/api/0/organizations/${org}/issues/?statsPeriod=36500d`)).body,
    ).toHaveLength(1);
  });

  it('refuses a list whose Link header would be too long, with a detail', async () => {
    // Unknown parameters are echoed into Link too; the header stays bounded.
    const res = await api.get<{ detail: string }>(
      `/api/0/organizations/${org}/teams/?pad=${'y'.repeat(9000)}`,
    );
    expect(res.status).toBe(414);
    expect(res.body.detail).toContain('too long');
    expect(res.headers.get('link')).toBeNull();
  });

  it('answers 422 for NUL and other control characters in path, query and body strings', async () => {
    const slug = await api.get<Detail422>(`/api/0/organizations/${encodeURIComponent('acme\u0000')}/`);
    expect(slug.status).toBe(422);
    expect(slug.body.detail[0]!.loc).toEqual(['path', 'organizationSlug']);

    const search = await api.get<Detail422>(`/api/0/organizations/${org}/projects/?query=%00`);
    expect([search.status, search.body.detail[0]!.loc]).toEqual([422, ['query', 'query']]);

    const team = await api.post<Detail422>(`/api/0/organizations/${org}/teams/`, { slug: 'ops\u0000' });
    expect([team.status, team.body.detail[0]!.loc]).toEqual([422, ['body', 'payload', 'slug']]);

    const comment = await api.post<Detail422>(`/api/0/issues/${issueId}/comments/`, {
      data: { text: 'escape \u001b[2J' },
    });
    expect([comment.status, comment.body.detail[0]!.loc]).toEqual([422, ['body', 'payload', 'data', 'text']]);

    const profile = await api.put<Detail422>('/api/0/users/me/', {
      name: 'x',
      options: { ['time\u0000zone']: 'UTC' },
    });
    expect([profile.status, profile.body.detail[0]!.loc]).toEqual([
      422,
      ['body', 'payload', 'options', 'time\u0000zone'],
    ]);

    // Newlines and tabs are ordinary text.
    const fine = await api.post(`/api/0/issues/${issueId}/comments/`, { data: { text: 'line 1\n\tline 2' } });
    expect(fine.status).toBe(201);
    expect((await api.get(`/api/0/organizations/${org}/teams/`)).status).toBe(200);
  });

  it('answers 422 rather than 500 for control characters in allauth bodies', async () => {
    const browser = new Browser(stack.baseUrl);
    await browser.boot();
    const res = await browser.request('POST', '/_allauth/browser/v1/auth/login', {
      json: { email: 'owner@example.com\u0000', password: 'x' },
    });
    expect(res.status).toBe(422);
    expect(res.body.detail[0].loc).toEqual(['body', 'payload', 'email']);
  });

  it("answers 404 for another user's profile, and the caller's own for `me` and their id", async () => {
    const me = await api.get<{ id: string; email: string }>('/api/0/users/me/');
    expect(me.body.email).toBe('owner@example.com');
    expect((await api.get(`/api/0/users/${me.body.id}/`)).body).toEqual(me.body);
    const otherId = (await apiClient(stack, other.token).get<{ id: string }>('/api/0/users/me/')).body.id;
    const res = await api.get(`/api/0/users/${otherId}/`);
    expect([res.status, res.body]).toEqual([404, { detail: 'Not Found' }]);
    expect((await api.get('/api/0/users/999999/')).status).toBe(404);
  });

  it('answers 404 for bulk actions on issue ids outside the organization, and changes nothing', async () => {
    const foreign = apiClient(stack, other.token);
    const path = `/api/0/organizations/${other.organization}/issues/?id=${issueId}`;
    const put = await foreign.put(path, { status: 'resolved' });
    expect([put.status, put.body]).toEqual([404, { detail: 'Not Found' }]);
    expect((await foreign.del(path)).status).toBe(404);
    // Unknown ids, and a mix of known and unknown ids, in one's own organization too.
    expect(
      (await api.put(`/api/0/organizations/${org}/issues/?id=999999999`, { status: 'resolved' })).status,
    ).toBe(404);
    const mixed = await api.put(`/api/0/organizations/${org}/issues/?id=${issueId}&id=999999999`, {
      status: 'resolved',
    });
    expect(mixed.status).toBe(404);
    expect((await api.get<IssueJson>(`/api/0/issues/${issueId}/`)).body.status).toBe('unresolved');
    // Known ids still work, and a filter may still narrow them to none.
    const own = await api.put(`/api/0/organizations/${org}/issues/?id=${issueId}&query=is:resolved`, {
      status: 'ignored',
    });
    expect(own.status).toBe(200);
    expect((await api.get<IssueJson>(`/api/0/issues/${issueId}/`)).body.status).toBe('unresolved');
    expect(
      (await api.put(`/api/0/organizations/${org}/issues/?id=${issueId}`, { status: 'resolved' })).status,
    ).toBe(200);
    expect((await api.get<IssueJson>(`/api/0/issues/${issueId}/`)).body.status).toBe('resolved');
  });

  it('keeps answering after all of that', async () => {
    expect((await http(stack.baseUrl, '/api/0/')).status).toBeLessThan(500);
    expect((await api.get(`/api/0/organizations/${org}/issues/`)).status).toBe(200);
  });
});
