import { startTestStack, TestStack } from '../support/test-app';
import { http } from '../support/http';
import {
  Api,
  apiClient,
  dsnParts,
  errorEvent,
  IssueJson,
  newEventId,
  Seed,
  sql,
  storeEvent,
  UserReportJson,
} from '../support/triage';

/** The crash-report dialog `Sentry.showReportDialog()` loads from `/api/embed/error-page/`. */
describe('crash-report dialog (/api/embed/error-page/)', () => {
  let stack: TestStack;
  let seed: Seed;
  let other: Seed;
  let api: Api;

  beforeAll(async () => {
    stack = await startTestStack();
    seed = await stack.seed();
    other = await stack.seed({ project: 'Frontend' });
    api = apiClient(stack, seed.token);
  });
  afterAll(() => stack.close());

  /** The query string the SDK builds (`getReportDialogEndpoint`): the DSN as is, the options encoded. */
  function dialogUrl(dsn: string, eventId: string, options: Record<string, string> = {}): string {
    const extra = Object.entries(options).map(([k, v]) => `&${k}=${encodeURIComponent(v)}`);
    return `/api/embed/error-page/?dsn=${dsn}&eventId=${eventId}${extra.join('')}`;
  }

  function postForm(path: string, fields: Record<string, string>) {
    return http<any>(stack.baseUrl, path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'https://shop.example.com' },
      body: new URLSearchParams(fields).toString(),
    });
  }

  async function issueOf(message: string): Promise<IssueJson> {
    const list = await api.get<IssueJson[]>(
      `/api/0/projects/${seed.organization}/${seed.project}/issues/?query=${encodeURIComponent(message)}`,
    );
    expect(list.status).toBe(200);
    expect(list.body).toHaveLength(1);
    return list.body[0]!;
  }

  it('serves the dialog script, takes the form, and stores the report on the issue', async () => {
    const eventId = await storeEvent(stack, seed.dsn, errorEvent('CheckoutError', 'card declined twice'));
    await stack.drain();
    const issue = await issueOf('card declined twice');

    const page = dialogUrl(seed.dsn, eventId, {
      title: '<b>Oops</b> & "sorry"',
      labelSubmit: 'Send it',
      name: 'Jane "J" Doe',
    });
    const script = await http<string>(stack.baseUrl, page);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/^application\/javascript/);
    expect(script.headers.get('access-control-allow-origin')).toBe('*');
    expect(script.text).toContain('&lt;b&gt;Oops&lt;/b&gt; &amp; &quot;sorry&quot;');
    expect(script.text).not.toContain('<b>');
    expect(script.text).toContain('value=\\"Jane &quot;J&quot; Doe\\"');
    expect(script.text).toContain('Send it');
    expect(script.text).toContain('__sentry_reportdialog_closed__');
    expect(() => new Function(script.text)).not.toThrow();

    const preflight = await http(stack.baseUrl, page, {
      method: 'OPTIONS',
      headers: { Origin: 'https://shop.example.com', 'Access-Control-Request-Method': 'POST' },
    });
    expect(preflight.status).toBe(200);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');

    const sent = await postForm(page, {
      name: 'Jane Doe',
      email: 'jane@example.com',
      comments: 'I pressed Pay & the page went blank',
    });
    expect(sent.status).toBe(200);
    expect(sent.text).toBe('');
    expect(sent.headers.get('access-control-allow-origin')).toBe('*');

    await stack.drain();
    const reports = await api.get<UserReportJson[]>(`/api/0/issues/${issue.id}/user-reports/`);
    expect(reports.status).toBe(200);
    expect(reports.body).toEqual([
      expect.objectContaining({
        eventID: eventId,
        name: 'Jane Doe',
        email: 'jane@example.com',
        comments: 'I pressed Pay & the page went blank',
      }),
    ]);
  });

  it('answers invalid fields with form errors and stores nothing', async () => {
    const eventId = newEventId();
    const res = await postForm(dialogUrl(seed.dsn, eventId), { name: 'Kim', comments: 'broken' });
    expect(res.status).toBe(400);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.body).toEqual({ errors: { email: ['This field is required.'] } });

    const invalid = await postForm(dialogUrl(seed.dsn, eventId), {
      name: 'x'.repeat(129),
      email: 'kim-at-example.com',
      comments: ' ',
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body).toEqual({
      errors: {
        name: ['Ensure this value has at most 128 characters (it has 129).'],
        email: ['Enter a valid email address.'],
        comments: ['This field is required.'],
      },
    });
    const empty = await postForm(dialogUrl(seed.dsn, eventId), {});
    expect(empty.status).toBe(400);
    expect(Object.keys(empty.body.errors).sort()).toEqual(['comments', 'email', 'name']);

    await stack.drain();
    expect(await sql(stack, 'SELECT id FROM user_reports WHERE event_id = $1', [eventId])).toEqual([]);
  });

  it('refuses a missing, malformed, unknown or foreign DSN, and a bad eventId', async () => {
    const eventId = newEventId();
    const { publicKey, projectId } = dsnParts(seed.dsn);
    const { publicKey: otherKey, projectId: otherProject } = dsnParts(other.dsn);
    expect(otherProject).not.toBe(projectId);
    const form = { name: 'Kim', email: 'kim@example.com', comments: 'hi' };
    const base = new URL(seed.dsn);
    const dsnWith = (key: string, project: string) => `${base.protocol}//${key}@${base.host}/${project}`;

    const cases: Array<[string, string, number]> = [
      ['no dsn', `/api/embed/error-page/?eventId=${eventId}`, 401],
      ['not a DSN', dialogUrl('lol', eventId), 401],
      ['unknown key', dialogUrl(dsnWith('0'.repeat(32), projectId), eventId), 403],
      ["another project's key", dialogUrl(dsnWith(otherKey, projectId), eventId), 403],
      ['a key with another project id', dialogUrl(dsnWith(publicKey, otherProject), eventId), 403],
    ];
    for (const [label, path, status] of cases) {
      const get = await http<any>(stack.baseUrl, path);
      const post = await postForm(path, form);
      expect({ label, get: get.status, post: post.status }).toEqual({ label, get: status, post: status });
      expect(post.body).toEqual({ detail: expect.any(String) });
      expect(post.headers.get('access-control-allow-origin')).toBe('*');
    }

    for (const bad of ['', 'nope', '123', `${eventId}00`]) {
      const res = await postForm(`/api/embed/error-page/?dsn=${seed.dsn}&eventId=${bad}`, form);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ detail: expect.stringContaining('eventId') });
      expect(res.text).not.toContain('    at ');
    }

    // The other project's DSN works for its own project.
    expect((await postForm(dialogUrl(other.dsn, eventId), form)).status).toBe(200);
    await stack.drain();
    const stored = await sql(stack, 'SELECT project_id FROM user_reports WHERE event_id = $1', [eventId]);
    expect(stored).toEqual([{ project_id: expect.anything() }]);
    expect(String(stored[0].project_id)).toBe(otherProject);
  });

  it('accepts a dashed event id and a DSN path prefix, and limits the form size', async () => {
    const eventId = newEventId();
    const dashed = eventId.replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');
    const script = await http(stack.baseUrl, `/glitchtip${dialogUrl(seed.dsn, dashed)}`);
    expect(script.status).toBe(200);

    const tooBig = await postForm(dialogUrl(seed.dsn, eventId), {
      name: 'Big',
      email: 'big@example.com',
      comments: 'x'.repeat(70 * 1024),
    });
    expect(tooBig.status).toBe(413);
    expect(tooBig.body).toEqual({ detail: expect.any(String) });

    const wrongMethod = await http<any>(stack.baseUrl, dialogUrl(seed.dsn, eventId), { method: 'PUT' });
    expect(wrongMethod.status).toBe(405);

    const res = await postForm(dialogUrl(seed.dsn, dashed), {
      name: 'Dash',
      email: 'dash@example.com',
      comments: 'uuid spelling',
    });
    expect(res.status).toBe(200);
    await stack.drain();
    expect(
      await sql(stack, 'SELECT name, comments FROM user_reports WHERE event_id = $1', [eventId]),
    ).toEqual([{ name: 'Dash', comments: 'uuid spelling' }]);
  });

  it('is described in the OpenAPI document', async () => {
    const res = await http<{ paths: Record<string, Record<string, { operationId: string }>> }>(
      stack.baseUrl,
      '/api/openapi.json',
    );
    const item = res.body.paths['/api/embed/error-page/']!;
    expect(item.get!.operationId).toBe('embed_error_page_script');
    expect(item.post!.operationId).toBe('embed_error_page_submit');
  });
});
