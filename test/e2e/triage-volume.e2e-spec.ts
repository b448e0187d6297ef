import { Client } from 'pg';
import { seedIssueListDataset } from '../../bench/storage';
import { startTestStack, TestStack } from '../support/test-app';
import { apiClient, Seed } from '../support/triage';

/**
 * Opt-in (TRIAGE_VOLUME=1, about 10 minutes): the triage queries on the benchmark's issue-list dataset
 * (1M events / 50k issues in one project, bench/storage.ts), printing latency and the query plans of the list
 * queries so that index use can be checked. Nothing here is timed as a pass/fail condition; the benchmark
 * (`npm run bench`) is where latency targets are measured.
 */
jest.setTimeout(1_800_000);
const EVENTS = Number(process.env.TRIAGE_VOLUME_EVENTS ?? 1_000_000);
const ISSUES = Number(process.env.TRIAGE_VOLUME_ISSUES ?? 50_000);
const describeVolume = process.env.TRIAGE_VOLUME ? describe : describe.skip;

describeVolume('triage queries at volume', () => {
  let stack: TestStack;
  let seed: Seed;
  beforeAll(async () => {
    stack = await startTestStack({ worker: false });
    seed = await stack.seed();
    const c = new Client({ connectionString: stack.db.url });
    await c.connect();
    await seedIssueListDataset(c, {
      projectId: seed.projectId,
      events: EVENTS,
      issues: ISSUES,
      days: 14,
      sampleData: null,
      log: (m: string) => console.log(m),
    });
    // a few more tags for tag-filter queries
    await c.query(
      `INSERT INTO issue_tags (issue_id, key, value, count, first_seen, last_seen)
      SELECT id, 'browser', (ARRAY['Firefox','Chrome','Safari'])[1 + id % 3], 1, now(), now() FROM issues WHERE project_id = $1`,
      [seed.projectId],
    );
    await c.query(
      `INSERT INTO issue_tags (issue_id, key, value, count, first_seen, last_seen)
      SELECT id, 'customer', 'cust-' || (id % 5000), 1, now(), now() FROM issues WHERE project_id = $1`,
      [seed.projectId],
    );
    await c.query('VACUUM ANALYZE');
    await c.end();
  });
  afterAll(() => stack.close());

  it('measures', async () => {
    const api = apiClient(stack, seed.token);
    const org = seed.organization;
    const p = `/api/0/projects/${org}/${seed.project}/issues/`;
    const o = `/api/0/organizations/${org}/issues/`;
    const big = (await api.get(`${p}?sort=-count&limit=1`)).body[0].id;
    const some = (await api.get(`${p}?limit=50`)).body.map((i: any) => i.id);
    const hex = (await api.get(`/api/0/issues/${big}/events/latest/`)).body.eventID;
    const cases: Array<[string, string]> = [
      ['is:unresolved', `${p}?query=is%3Aunresolved`],
      ['no filter', p],
      ['org-wide is:unresolved', `${o}?query=is%3Aunresolved`],
      ['is:unresolved sort -count', `${p}?query=is%3Aunresolved&sort=-count`],
      ['is:unresolved sort -priority', `${p}?query=is%3Aunresolved&sort=-priority`],
      ['sort first_seen', `${p}?sort=first_seen`],
      ['is:unresolved level:error', `${p}?query=is%3Aunresolved%20level%3Aerror`],
      ['text TypeError', `${p}?query=is%3Aunresolved%20TypeError`],
      ['text rare (md5 fragment)', `${p}?query=${encodeURIComponent('failed to process item c4ca4238')}`],
      ['tag environment:staging', `${p}?query=environment%3Astaging`],
      ['rare tag customer:cust-42', `${p}?query=customer%3Acust-42`],
      ['has:customer is:ignored', `${p}?query=has%3Acustomer%20is%3Aignored`],
      ['environment param', `${p}?environment=staging`],
      ['statsPeriod=24h', `${p}?statsPeriod=24h`],
      ['event id direct hit', `${o}?query=${hex}`],
      [
        'page 10 (offset 450)',
        `${p}?query=is%3Aunresolved&cursor=${Buffer.from('o=450&r=0&p=0').toString('base64')}`,
      ],
      [
        'issues-stats 24h x50',
        `/api/0/organizations/${org}/issues-stats/?${some.map((i: string) => `groups=${i}`).join('&')}&statsPeriod=24h`,
      ],
      [
        'issues-stats 14d x50',
        `/api/0/organizations/${org}/issues-stats/?${some.map((i: string) => `groups=${i}`).join('&')}&statsPeriod=14d`,
      ],
      ['issue detail (biggest)', `/api/0/issues/${big}/`],
      ['tags (biggest)', `/api/0/issues/${big}/tags/`],
      ['events list (biggest)', `/api/0/issues/${big}/events/`],
      ['latest event (biggest)', `/api/0/issues/${big}/events/latest/`],
      ['project events', `/api/0/projects/${org}/${seed.project}/events/`],
      ['hashes (biggest)', `/api/0/organizations/${org}/issues/${big}/hashes/`],
    ];
    const lines: string[] = [];
    for (const [name, path] of cases) {
      for (let i = 0; i < 3; i++) expect((await api.get(path)).status).toBe(200);
      const times: number[] = [];
      for (let i = 0; i < 30; i++) {
        const t = performance.now();
        const r = await api.get(path);
        times.push(performance.now() - t);
        expect(r.status).toBe(200);
      }
      times.sort((a, b) => a - b);
      lines.push(
        `${name.padEnd(32)} p50 ${times[14]!.toFixed(1).padStart(7)} ms  p95 ${times[28]!.toFixed(1).padStart(7)} ms`,
      );
    }
    const t = performance.now();
    const bulk = await api.put(
      `/api/0/organizations/${org}/issues/?query=${encodeURIComponent('customer:cust-7')}`,
      { status: 'resolved' },
    );
    lines.push(`bulk resolve by tag query: ${bulk.status} ${(performance.now() - t).toFixed(1)} ms`);
    console.log(lines.join('\n'));
    // Plans of the list queries.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { DataSource } = require('typeorm');
    const ds = stack.api.get(DataSource);
    const captured: Array<[string, unknown[]]> = [];
    const original = ds.query.bind(ds);
    ds.query = (text: string, params: unknown[]) => {
      captured.push([text, params]);
      return original(text, params);
    };
    const explainCases = cases.filter(([n]) => /unresolved|text|tag|has:|org-wide|first_seen/.test(n));
    const c2 = new Client({ connectionString: stack.db.url });
    await c2.connect();
    const plans: string[] = [];
    for (const [name, path] of explainCases) {
      captured.length = 0;
      await api.get(path);
      for (const [text, params] of captured.filter(([t]) => /FROM issues i|unnest\(/.test(t))) {
        const r = await c2.query(`EXPLAIN (ANALYZE, BUFFERS) ${text}`, params as unknown[]);
        const rows = r.rows.map((x: any) => x['QUERY PLAN']);
        plans.push(
          `### ${name}\n${rows
            .filter((l: string) => /Index|Scan|Execution|Sort|Merge|Heap/.test(l))
            .slice(0, 12)
            .join('\n')}`,
        );
      }
    }
    ds.query = original;
    await c2.end();
    console.log(plans.join('\n'));
  });
});
