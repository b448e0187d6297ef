import { startTestStack, TestStack } from '../support/test-app';
import { fixturesAvailable, loadCaptures, replayCapture } from '../support/captures';
import { http, runNodeSdk } from '../support/http';
import {
  Api,
  apiClient,
  dsnParts,
  errorEvent,
  EventJson,
  IssueJson,
  newEventId,
  Seed,
  sql,
  storeEvent,
  UserReportJson,
} from '../support/triage';

/** User feedback sent by SDKs (feedback and legacy user_report envelope items), read back through the API. */
describe('triage: user feedback from ingest', () => {
  let stack: TestStack;
  let seed: Seed;
  let api: Api;

  beforeAll(async () => {
    stack = await startTestStack();
    seed = await stack.seed();
    api = apiClient(stack, seed.token);
  });
  afterAll(() => stack.close());

  async function issueByQuery(query: string): Promise<IssueJson | undefined> {
    const list = await api.get<IssueJson[]>(
      `/api/0/projects/${seed.organization}/${seed.project}/issues/?query=${encodeURIComponent(query)}`,
    );
    expect(list.status).toBe(200);
    return list.body[0];
  }

  async function reportsOf(issueId: string): Promise<UserReportJson[]> {
    const res = await api.get<UserReportJson[]>(`/api/0/issues/${issueId}/user-reports/`);
    expect(res.status).toBe(200);
    return res.body;
  }

  function postEnvelope(header: Record<string, unknown>, items: Array<[Record<string, unknown>, string]>) {
    const { publicKey, projectId } = dsnParts(seed.dsn);
    const body = [JSON.stringify(header), ...items.flatMap(([h, p]) => [JSON.stringify(h), p])].join('\n');
    return http<{ id?: string; detail?: string }>(
      stack.baseUrl,
      `/api/${projectId}/envelope/?sentry_key=${publicKey}&sentry_version=7`,
      { method: 'POST', body, headers: { 'Content-Type': 'application/x-sentry-envelope' } },
    );
  }

  it("stores @sentry/node's captureFeedback on the error's issue, and standalone feedback as an issue", async () => {
    const printed = await runNodeSdk(seed.dsn, 'feedback');
    const { eventId } = JSON.parse(printed.trim().split('\n').at(-1)!) as { eventId: string };
    await stack.drain();

    const issue = (await issueByQuery('Checkout button does nothing'))!;
    expect(issue).toBeDefined();
    expect(await reportsOf(issue.id)).toEqual([
      expect.objectContaining({
        eventID: eventId,
        name: 'Jane',
        email: 'jane@example.com',
        comments: 'I clicked Pay and nothing happened',
      }),
    ]);
    const detail = await api.get<IssueJson & { userReportCount: number }>(`/api/0/issues/${issue.id}/`);
    expect(detail.body.userReportCount).toBe(1);
    const event = await api.get<EventJson>(`/api/0/issues/${issue.id}/events/${eventId}/`);
    expect(event.body.userReport).toMatchObject({ eventID: eventId, name: 'Jane' });

    const widget = (await issueByQuery('"User feedback: Please add a dark mode"'))!;
    expect(widget).toMatchObject({ title: 'User feedback: Please add a dark mode', level: 'info' });
    expect(await reportsOf(widget.id)).toEqual([
      expect.objectContaining({ name: 'Sam', email: 'sam@example.com', comments: 'Please add a dark mode' }),
    ]);
  });

  it('links a legacy user_report that arrives before its event once the event is stored', async () => {
    const eventId = newEventId();
    const sent = await postEnvelope({ event_id: eventId }, [
      [
        { type: 'user_report' },
        JSON.stringify({ event_id: eventId, name: 'Early', email: 'early@example.com', comments: 'First!' }),
      ],
    ]);
    expect(sent.status).toBe(200);
    await stack.drain();
    const [pending] = await sql(stack, `SELECT issue_id FROM user_reports WHERE event_id = $1`, [eventId]);
    expect(pending).toEqual({ issue_id: null });

    await storeEvent(
      stack,
      seed.dsn,
      errorEvent('LateEventError', 'arrives after its report', { event_id: eventId }),
    );
    await stack.drain();
    const issue = (await issueByQuery('LateEventError'))!;
    expect(await reportsOf(issue.id)).toEqual([
      expect.objectContaining({ eventID: eventId, name: 'Early', comments: 'First!' }),
    ]);
  });

  it('links a user_report about an event stored earlier, keeps the first of two, and takes both in one envelope', async () => {
    const eventId = await storeEvent(stack, seed.dsn, errorEvent('ReportedError', 'reported later'));
    await stack.drain();
    const report = (comments: string) =>
      [{ type: 'user_report' }, JSON.stringify({ event_id: eventId, name: 'Kim', comments })] as [
        Record<string, unknown>,
        string,
      ];
    expect((await postEnvelope({ event_id: eventId }, [report('one')])).status).toBe(200);
    await stack.drain();
    expect((await postEnvelope({ event_id: eventId }, [report('two')])).status).toBe(200);
    await stack.drain();
    const issue = (await issueByQuery('ReportedError'))!;
    expect((await reportsOf(issue.id)).map((r) => r.comments)).toEqual(['one']);

    // An event and the user's report about it in the same envelope.
    const together = newEventId();
    const res = await postEnvelope({ event_id: together }, [
      [
        { type: 'event' },
        JSON.stringify(errorEvent('TogetherError', 'event and report', { event_id: together })),
      ],
      [
        { type: 'user_report' },
        JSON.stringify({ event_id: together, name: 'Lee', comments: 'same envelope' }),
      ],
    ]);
    expect(res.body).toEqual({ id: together });
    await stack.drain();
    const togetherIssue = (await issueByQuery('TogetherError'))!;
    expect((await reportsOf(togetherIssue.id)).map((r) => r.comments)).toEqual(['same envelope']);
  });

  it('refuses a user_report that is not JSON or has no comments at the api, so nothing answered 200 is dropped', async () => {
    const eventId = newEventId();
    const bad = await postEnvelope({ event_id: eventId }, [[{ type: 'user_report' }, '{not json']]);
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toMatch(/user_report item/);

    const empty = await postEnvelope({ event_id: eventId }, [
      [{ type: 'user_report' }, JSON.stringify({ event_id: eventId, name: 'Nobody' })],
    ]);
    expect(empty.status).toBe(400);
    expect(empty.body.detail).toMatch(/no comments/);
    await stack.drain();
    expect(
      await sql(stack, `SELECT id FROM event_processing_failures WHERE event_id = $1`, [eventId]),
    ).toEqual([]);
    expect(await sql(stack, `SELECT id FROM user_reports WHERE event_id = $1`, [eventId])).toEqual([]);
  });

  it('moves user reports with their events when issues are merged and unmerged', async () => {
    const a = await storeEvent(stack, seed.dsn, errorEvent('MergeFeedbackA', 'a'));
    const b = await storeEvent(stack, seed.dsn, errorEvent('MergeFeedbackB', 'b'));
    await stack.drain();
    for (const [id, name] of [
      [a, 'Ann'],
      [b, 'Bob'],
    ]) {
      await postEnvelope({ event_id: id }, [
        [{ type: 'user_report' }, JSON.stringify({ event_id: id, name, comments: `from ${name}` })],
      ]);
    }
    await stack.drain();
    const issueA = (await issueByQuery('MergeFeedbackA'))!;
    const issueB = (await issueByQuery('MergeFeedbackB'))!;
    const merged = await api.put(
      `/api/0/organizations/${seed.organization}/issues/?id=${issueA.id}&id=${issueB.id}`,
      { merge: 1 },
    );
    expect(merged.status).toBe(200);
    const parent = Number(issueA.id) > Number(issueB.id) ? issueA.id : issueB.id; // the highest id is kept
    expect((await reportsOf(parent)).map((r) => r.name).sort()).toEqual(['Ann', 'Bob']);

    const hashes = await api.get<Array<{ id: string; latestEvent: EventJson }>>(
      `/api/0/issues/${parent}/hashes/`,
    );
    const childHash = hashes.body.find((h) => h.latestEvent.eventID === (parent === issueA.id ? b : a))!;
    expect((await api.del(`/api/0/issues/${parent}/hashes/?id=${childHash.id}`)).status).toBe(202);
    expect((await reportsOf(parent)).map((r) => r.name)).toEqual([parent === issueA.id ? 'Ann' : 'Bob']);
  });

  (fixturesAvailable ? it : it.skip)(
    'replays captured feedback envelopes (node 009 before 010, browser 003)',
    async () => {
      const { publicKey, projectId } = dsnParts(seed.dsn);
      const node = loadCaptures('node').filter((c) => /\/(009|010)-/.test(c.name));
      const browser = loadCaptures('browser').filter((c) => /\/003-/.test(c.name));
      expect(node).toHaveLength(2);
      for (const capture of [...node, ...browser]) {
        const res = await replayCapture(stack.baseUrl, capture, projectId, publicKey);
        expect([capture.name, res.status]).toEqual([capture.name, 200]);
      }
      await stack.drain();
      const reports = await sql<{ event_id: string; issue_id: string | null; comments: string }>(
        stack,
        `SELECT replace(event_id::text, '-', '') AS event_id, issue_id, comments FROM user_reports
        WHERE comments IN ('The button does not work', 'browser feedback') ORDER BY comments`,
      );
      expect(reports).toEqual([
        {
          event_id: '0f394222198244cd8459e77ecb05e644',
          issue_id: expect.any(String),
          comments: 'The button does not work',
        },
        {
          event_id: 'a5d2a23e0edc4e98b0ceb6e91d4aadfe',
          issue_id: expect.any(String),
          comments: 'browser feedback',
        },
      ]);
      const event = await api.get<EventJson & { groupID: string }>(
        `/api/0/projects/${seed.organization}/${seed.project}/events/0f394222198244cd8459e77ecb05e644/`,
      );
      expect(event.body.groupID).toBe(reports[0]!.issue_id);
    },
  );
});
