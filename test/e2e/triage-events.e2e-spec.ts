import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestStack, TestStack } from '../support/test-app';
import { FIXTURES_DIR } from '../support/captures';
import { http, runNodeSdk } from '../support/http';
import { diffPaths, entriesByType, tagsByKey, unexplained } from '../support/sentry-compare';
import {
  Api,
  apiClient,
  errorEvent,
  EventJson,
  IssueJson,
  linkCursor,
  Seed,
  storeEvent,
} from '../support/triage';

const GLITCHTIP_FIXTURES = join(FIXTURES_DIR, 'glitchtip');
const describeWithFixtures = existsSync(join(GLITCHTIP_FIXTURES, 'incoming_events'))
  ? describe
  : describe.skip;

function readJson(...parts: string[]): any {
  return JSON.parse(readFileSync(join(GLITCHTIP_FIXTURES, ...parts), 'utf8'));
}

/** Reading events: an issue's events and neighbours, project events, the JSON download, the OpenAPI document. */
describe('triage: reading events', () => {
  let stack: TestStack;
  let seed: Seed;
  let other: Seed;
  let api: Api;
  let issue: IssueJson;
  let eventIds: string[]; // oldest first

  beforeAll(async () => {
    stack = await startTestStack();
    seed = await stack.seed();
    other = await stack.seed({ email: 'mallory@example.com', org: 'Evil Corp', project: 'Evil' });
    api = apiClient(stack, seed.token);
    eventIds = [];
    for (const n of [1, 2, 3]) {
      eventIds.push(
        await storeEvent(
          stack,
          seed.dsn,
          errorEvent('NeighbourError', `event ${n}`, { tags: { n: String(n) } }),
        ),
      );
      await stack.drain(); // one batch each, so that receive times are distinct and ordered
    }
    await runNodeSdk(seed.dsn, 'scoped');
    await stack.drain();
    const list = await api.get<IssueJson[]>(
      `/api/0/projects/${seed.organization}/${seed.project}/issues/?query=NeighbourError`,
    );
    issue = list.body[0]!;
  });
  afterAll(() => stack.close());

  it("lists an issue's events newest first, page by page", async () => {
    const first = await api.get<EventJson[]>(`/api/0/issues/${issue.id}/events/?limit=2`);
    expect(first.status).toBe(200);
    expect(first.headers.get('x-hits')).toBe('3');
    expect(first.body.map((e) => e.eventID)).toEqual([eventIds[2], eventIds[1]]);
    const cursor = linkCursor(first, 'next')!;
    const second = await api.get<EventJson[]>(
      `/api/0/issues/${issue.id}/events/?limit=2&cursor=${encodeURIComponent(cursor)}`,
    );
    expect(second.body.map((e) => e.eventID)).toEqual([eventIds[0]]);
    expect(linkCursor(second, 'next')).toBeNull();
    const twin = await api.get<EventJson[]>(
      `/api/0/organizations/${seed.organization}/issues/${issue.id}/events/`,
    );
    expect(twin.body.map((e) => e.eventID)).toEqual([...eventIds].reverse());
    expect(first.body[0]).toMatchObject({
      groupID: issue.id,
      projectID: seed.projectId,
      title: 'NeighbourError: event 3',
    });
  });

  it('reads the latest event and walks to its neighbours', async () => {
    const latest = await api.get<EventJson>(`/api/0/issues/${issue.id}/events/latest/`);
    expect(latest.status).toBe(200);
    expect(latest.body).toMatchObject({
      eventID: eventIds[2],
      nextEventID: null,
      previousEventID: eventIds[1],
      userReport: null,
    });
    const middle = await api.get<EventJson>(`/api/0/issues/${issue.id}/events/${eventIds[1]}/`);
    expect(middle.body).toMatchObject({
      eventID: eventIds[1],
      nextEventID: eventIds[2],
      previousEventID: eventIds[0],
    });
    const oldest = await api.get<EventJson>(
      `/api/0/organizations/${seed.organization}/issues/${issue.id}/events/${eventIds[0]}/`,
    );
    expect(oldest.body).toMatchObject({ nextEventID: eventIds[1], previousEventID: null });
    // Dashed UUIDs work too; unknown ids and other issues' events are 404.
    const dashed = eventIds[1]!.replace(/^(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-');
    expect((await api.get(`/api/0/issues/${issue.id}/events/${dashed}/`)).body.eventID).toBe(eventIds[1]);
    expect((await api.get(`/api/0/issues/${issue.id}/events/${'f'.repeat(32)}/`)).status).toBe(404);
    expect((await api.get(`/api/0/issues/${issue.id}/events/not-an-id/`)).status).toBe(404);
    const rangeIssue = (
      await api.get<IssueJson[]>(
        `/api/0/projects/${seed.organization}/${seed.project}/issues/?query=RangeError`,
      )
    ).body[0]!;
    expect((await api.get(`/api/0/issues/${rangeIssue.id}/events/${eventIds[0]}/`)).status).toBe(404);
  });

  it('renders event bodies with entries, contexts, tags, user and sdk', async () => {
    const rangeIssue = (
      await api.get<IssueJson[]>(
        `/api/0/projects/${seed.organization}/${seed.project}/issues/?query=RangeError`,
      )
    ).body[0]!;
    const event = (await api.get<EventJson>(`/api/0/issues/${rangeIssue.id}/events/latest/`)).body;
    const entries = entriesByType(event) as Record<string, any>;
    expect(Object.keys(entries)).toEqual(expect.arrayContaining(['exception', 'breadcrumbs']));
    const frames = entries.exception.values[0].stacktrace.frames;
    expect(frames[frames.length - 1]).toMatchObject({
      inApp: true,
      lineNo: expect.any(Number),
      context: expect.any(Array),
    });
    expect(entries.breadcrumbs.values.find((b: any) => b.category === 'cart')).toMatchObject({
      message: 'added item',
      timestamp: expect.stringMatching(/Z$/),
    });
    expect(event.user).toMatchObject({ id: 'u-42', email: 'jane@example.com', username: 'jane' });
    expect(tagsByKey(event.tags)).toMatchObject({ feature: 'checkout', environment: 'test' });
    expect(event.sdk).toMatchObject({ name: 'sentry.javascript.node' });
    expect(event.contexts).toHaveProperty('runtime');
  });

  it("lists a project's events and reads one with neighbours", async () => {
    const list = await api.get<EventJson[]>(`/api/0/projects/${seed.organization}/${seed.project}/events/`);
    expect(list.status).toBe(200);
    expect(list.body).toHaveLength(4);
    expect(list.headers.get('x-hits')).toBe('4');
    const detail = await api.get<EventJson>(
      `/api/0/projects/${seed.organization}/${seed.project}/events/${eventIds[1]}/`,
    );
    expect(detail.body).toMatchObject({
      eventID: eventIds[1],
      previousEventID: eventIds[0],
      nextEventID: eventIds[2],
    });
    const otherApi = apiClient(stack, other.token);
    expect((await otherApi.get(`/api/0/projects/${seed.organization}/${seed.project}/events/`)).status).toBe(
      404,
    );
    expect(
      (await otherApi.get(`/api/0/projects/${other.organization}/${other.project}/events/${eventIds[1]}/`))
        .status,
    ).toBe(404);
  });

  it('downloads the raw event JSON, also through the web UI link', async () => {
    const path = `/api/0/organizations/${seed.organization}/issues/${issue.id}/events/${eventIds[0]}/json/`;
    const res = await api.get(path);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      event_id: eventIds[0],
      project: Number(seed.projectId),
      title: 'NeighbourError: event 1',
      level: 'error',
      type: 'error',
      platform: 'javascript',
      tags: expect.arrayContaining([['n', '1']]),
      hashes: [expect.stringMatching(/^[0-9a-f]{32}$/)],
      exception: { values: [expect.objectContaining({ type: 'NeighbourError' })] },
      version: '7',
    });
    expect(res.body.datetime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect(res.body).not.toHaveProperty('grouping');
    const redirect = await http(
      stack.baseUrl,
      `/organizations/${seed.organization}/issues/${issue.id}/events/${eventIds[0]}/json/`,
      {
        redirect: 'manual',
      },
    );
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toBe(path);
    expect((await apiClient(stack, other.token).get(path)).status).toBe(404);
  });

  it('documents every triage route in the OpenAPI document', async () => {
    const doc = (
      await http<{ paths: Record<string, Record<string, unknown>> }>(stack.baseUrl, '/api/openapi.json')
    ).body;
    const expected: Array<[string, string]> = [
      ['get', '/api/0/organizations/{organizationSlug}/issues/'],
      ['put', '/api/0/organizations/{organizationSlug}/issues/'],
      ['delete', '/api/0/organizations/{organizationSlug}/issues/'],
      ['get', '/api/0/projects/{organizationSlug}/{projectSlug}/issues/'],
      ['get', '/api/0/organizations/{organizationSlug}/issues-stats/'],
      ['get', '/api/0/issues/{issueId}/'],
      ['put', '/api/0/issues/{issueId}/'],
      ['delete', '/api/0/issues/{issueId}/'],
      ['get', '/api/0/organizations/{organizationSlug}/issues/{issueId}/'],
      ['put', '/api/0/organizations/{organizationSlug}/issues/{issueId}/'],
      ['delete', '/api/0/organizations/{organizationSlug}/issues/{issueId}/'],
      ['get', '/api/0/issues/{issueId}/tags/'],
      ['get', '/api/0/organizations/{organizationSlug}/issues/{issueId}/tags/'],
      ['get', '/api/0/organizations/{organizationSlug}/issues/{issueId}/hashes/'],
      ['delete', '/api/0/organizations/{organizationSlug}/issues/{issueId}/hashes/'],
      ['get', '/api/0/issues/{issueId}/comments/'],
      ['post', '/api/0/issues/{issueId}/comments/'],
      ['put', '/api/0/issues/{issueId}/comments/{commentId}/'],
      ['delete', '/api/0/issues/{issueId}/comments/{commentId}/'],
      ['get', '/api/0/organizations/{organizationSlug}/issues/{issueId}/comments/'],
      ['get', '/api/0/issues/{issueId}/user-reports/'],
      ['get', '/api/0/organizations/{organizationSlug}/issues/{issueId}/user-reports/'],
      ['get', '/api/0/issues/{issueId}/events/'],
      ['get', '/api/0/issues/{issueId}/events/latest/'],
      ['get', '/api/0/issues/{issueId}/events/{eventId}/'],
      ['get', '/api/0/organizations/{organizationSlug}/issues/{issueId}/events/'],
      ['get', '/api/0/organizations/{organizationSlug}/issues/{issueId}/events/latest/'],
      ['get', '/api/0/organizations/{organizationSlug}/issues/{issueId}/events/{eventId}/'],
      ['get', '/api/0/organizations/{organizationSlug}/issues/{issueId}/events/{eventId}/json/'],
      ['get', '/api/0/projects/{organizationSlug}/{projectSlug}/events/'],
      ['get', '/api/0/projects/{organizationSlug}/{projectSlug}/events/{eventId}/'],
    ];
    const missing = expected.filter(([method, path]) => !doc.paths[path]?.[method]);
    expect(missing).toEqual([]);
    // Each twin is its own operation: unique ids, and only the path parameters its path has.
    const operations = expected.map(([method, path]) => ({ path, op: doc.paths[path]![method] as any }));
    const ids = operations.map((o) => o.op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { path, op } of operations) {
      const declared = (op.parameters ?? [])
        .filter((p: any) => p.in === 'path')
        .map((p: any) => p.name)
        .sort();
      const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      expect([path, declared]).toEqual([path, inPath]);
    }
    expect(Object.keys(doc.paths).some((p) => p.startsWith('/organizations/'))).toBe(false);
  });
});

/**
 * GlitchTip's compatibility fixtures: each real SDK event goes through `/store/`, and our API answer is compared
 * field by field with what OSS Sentry returned for it (`oss_sentry_events`) and with Sentry's JSON download
 * (`oss_sentry_json`). Differences that are deliberate (or that the fixtures themselves carry) are listed here.
 */
describeWithFixtures('triage: events match OSS Sentry on GlitchTip fixtures', () => {
  let stack: TestStack;
  let seed: Seed;
  let api: Api;
  const names = existsSync(join(GLITCHTIP_FIXTURES, 'incoming_events'))
    ? readdirSync(join(GLITCHTIP_FIXTURES, 'incoming_events'))
        .filter((f) => f.endsWith('.json'))
        .map((f) => f.replace(/\.json$/, ''))
        .sort()
    : [];
  const stored = new Map<string, string>();

  /** Differences for every fixture: normalization choices and Sentry-side processing we do not do. */
  const DELIBERATE: RegExp[] = [
    // Sentry's JS processing guesses in_app and a module from the file name; we keep what the SDK sent.
    /^entries\.exception\.values\[\d+\]\.stacktrace\.frames\[\d+\]\.(inApp|module) \(?/,
    /^entries\.exception\.values\[\d+\]\.stacktrace\.frames\[\d+\]\.(inApp|module)$/,
    // Context `type` is the context key for known kinds (Sentry 2020 said "default" for trace/user).
    /^contexts\.[\w-]+\.type$/,
    // Sentry cut the kernel version; the user-agent derived `client_os` context is GlitchTip's.
    /^contexts\.server-os\.kernel_version$/,
    /^contexts\.client_os \(extra\)$/,
    /^contexts\.trace\.parent_span_id \(extra\)$/,
    /^tags\.client_os\.name \(extra\)$/,
    // The sender's IP differs (it is ours, not the original client's).
    /^tags\.user$/,
    // Sentry's data scrubbing ([Filtered]) is not done; the Cookie header is dropped at ingest.
    /^entries\.request\.cookies( \(length \d+ vs \d+\))?$/,
    /^context\.environ\./,
    // Sentry writes "" where the SDK sent nothing; we keep null.
    /^entries\.exception\.values\[\d+\]\.module$/,
    /^entries\.breadcrumbs\.values\[\d+\]\.message$/,
  ];
  /** Where the incoming fixture is not exactly the event Sentry processed. */
  const FIXTURE_MISMATCH: Record<string, RegExp[]> = {
    django_message_params: [/^entries\.request\.(headers|env)/, /^tags\.server_name$/],
    js_error_with_context: [/^entries\.breadcrumbs\.values/],
  };
  /** Top-level fields GlitchTip compares per fixture (test_process_issue_event.py), in the API answer. */
  const TOP_LEVEL: Record<string, string[]> = {
    django_template_error: ['culprit', 'title', 'metadata'],
    dotnet_error: ['title', 'culprit', 'platform', 'type', 'metadata'],
    dotnet_divide_zero: ['title', 'culprit', 'platform', 'type', 'metadata'],
    php_message_event: ['title'],
    django_message_params: ['title'],
    python_logging: ['title', 'culprit', 'type', 'metadata', 'platform', 'packages'],
    go_file_not_found: ['title', 'culprit', 'type', 'metadata', 'platform'],
    very_small_event: ['culprit', 'type', 'platform'],
    python_zero_division: ['title', 'culprit', 'type', 'metadata', 'platform', 'packages'],
    ruby_zero_division: ['title', 'culprit', 'platform', 'type', 'metadata'],
    sentry_cli_send_event_no_level: ['title', 'culprit', 'type', 'metadata', 'platform', 'previousEventID'],
    js_error_with_context: ['title', 'context'],
    small_js_error: ['title', 'type'],
    js_event_with_unix_timestamp: ['title', 'type'],
  };
  /** JSON download fields GlitchTip compares (plus `project`, which is ours). */
  const JSON_FIELDS = [
    'event_id',
    'release',
    'dist',
    'platform',
    'level',
    'modules',
    'time_spent',
    'sdk',
    'type',
    'title',
    'breadcrumbs',
    'environment',
    'extra',
    'user',
  ];
  const JSON_DELIBERATE: Record<string, string[]> = {
    // The IP is the sender's; Sentry's scrubbing filtered some environment variables.
    js_error_with_context: ['user', 'breadcrumbs'], // the fixture's breadcrumbs are not the ones Sentry got
    sentry_cli_send_event_no_level: ['user', 'extra'],
    small_js_error: ['user'],
    js_event_with_unix_timestamp: ['user'],
  };

  beforeAll(async () => {
    stack = await startTestStack();
    seed = await stack.seed();
    api = apiClient(stack, seed.token);
    for (const name of names) {
      const body = readJson('incoming_events', `${name}.json`);
      stored.set(name, await storeEvent(stack, seed.dsn, body));
    }
    await stack.drain();
  });
  afterAll(() => stack.close());

  const eventOf = async (name: string): Promise<EventJson> => {
    const res = await api.get<EventJson>(
      `/api/0/projects/${seed.organization}/${seed.project}/events/${stored.get(name)}/`,
    );
    expect(res.status).toBe(200);
    return res.body;
  };

  it.each(names)('%s: entries, contexts and tags as Sentry showed them', async (name) => {
    const ours = await eventOf(name);
    const sentry = readJson('oss_sentry_events', `${name}.json`);
    const deliberate = [...DELIBERATE, ...(FIXTURE_MISMATCH[name] ?? [])];
    const sentryEntries = entriesByType(sentry);
    // Threads are not shown (GlitchTip's UI has no threads entry).
    delete sentryEntries.threads;
    // Sentry lists entries in this order; so do we.
    expect(ours.entries.map((e) => e.type)).toEqual(Object.keys(sentryEntries));
    const differences = [
      ...diffPaths(entriesByType(ours), sentryEntries, 'entries'),
      ...diffPaths(ours.contexts, sentry.contexts, 'contexts'),
      ...diffPaths(tagsByKey(ours.tags), tagsByKey(sentry.tags), 'tags'),
    ];
    expect(unexplained(differences, deliberate)).toEqual([]);
    for (const field of TOP_LEVEL[name] ?? []) {
      if (field === 'previousEventID') continue; // ids differ; both are null for a lone event
      const theirs = sentry[field];
      const mine = (ours as Record<string, unknown>)[field];
      const normalize = (v: unknown) => (typeof v === 'string' ? v.replace(/(\.\.\.|…)$/, '') : v);
      expect([field, unexplained(diffPaths(normalize(mine), normalize(theirs), field), deliberate)]).toEqual([
        field,
        [],
      ]);
    }
    if (sentry.user) {
      for (const key of ['id', 'email', 'username'])
        expect(ours.user?.[key] ?? null).toEqual(sentry.user[key] ?? null);
    }
  });

  it.each(names.filter((n) => existsSync(join(GLITCHTIP_FIXTURES, 'oss_sentry_json', `${n}.json`))))(
    "%s: the JSON download matches Sentry's",
    async (name) => {
      const ours = await eventOf(name);
      const res = await api.get(
        `/api/0/organizations/${seed.organization}/issues/${ours.groupID}/events/${ours.eventID}/json/`,
      );
      expect(res.status).toBe(200);
      const sentry = readJson('oss_sentry_json', `${name}.json`);
      expect(res.body.project).toBe(Number(seed.projectId));
      const skip = new Set(JSON_DELIBERATE[name] ?? []);
      for (const field of JSON_FIELDS) {
        if (skip.has(field) || !(field in sentry)) continue;
        const differences = diffPaths(res.body[field] ?? null, sentry[field], field);
        // Empty strings the SDK sent (Ruby's breadcrumb messages) are dropped at ingest.
        expect([
          field,
          unexplained(differences, [/^breadcrumbs\.values\[\d+\]\.message \(missing\)$/]),
        ]).toEqual([field, []]);
      }
      if (sentry.request) {
        for (const field of ['url', 'headers', 'method', 'env', 'query_string']) {
          if (name === 'django_message_params' && (field === 'headers' || field === 'env')) continue;
          let theirs = sentry.request[field] ?? null;
          if (field === 'headers' && Array.isArray(theirs)) {
            // Header names are stored in canonical case (`Dnt`) and the Cookie header is never kept.
            theirs = theirs
              .filter(([key]: [string]) => key.toLowerCase() !== 'cookie')
              .map(([key, value]: [string, string]) => [key.toLowerCase(), value]);
            const ours = (res.body.request?.headers ?? []).map(([key, value]: [string, string]) => [
              key.toLowerCase(),
              value,
            ]);
            expect([field, ours]).toEqual([field, theirs]);
            continue;
          }
          expect([field, res.body.request?.[field] ?? null]).toEqual([field, theirs]);
        }
      }
    },
  );
});
