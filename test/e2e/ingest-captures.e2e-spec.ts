import { gunzipSync } from 'node:zlib';
import { BootstrapResult } from '../../apps/api/src/manage';
import { Capture, fixturesAvailable, loadCaptures, replayCapture } from '../support/captures';
import { http } from '../support/http';
import { startTestStack, TestStack } from '../support/test-app';

const describeWithFixtures = fixturesAvailable ? describe : describe.skip;

/** Event items in a capture (store bodies are one event). */
function eventCount(capture: Capture): number {
  if (capture.path.includes('/store/')) return 1;
  const encoding = capture.headers.find(([n]) => n.toLowerCase() === 'content-encoding')?.[1];
  const body = encoding === 'gzip' ? gunzipSync(capture.body) : capture.body;
  const lines = body.toString('latin1').split('\n');
  // Feedback that answers no error is stored as an event of its own (the issue that carries the report).
  const standaloneFeedback = lines.filter(
    (line, i) => /^\{"type":"feedback"/.test(lines[i - 1] ?? '') && !line.includes('"associated_event_id"'),
  ).length;
  return lines.filter((line) => /^\{"type":"event"/.test(line)).length + standaloneFeedback;
}

describeWithFixtures('replayed captures of real SDK traffic', () => {
  let stack: TestStack;
  let seed: BootstrapResult;
  let key: string;

  beforeAll(async () => {
    stack = await startTestStack();
    seed = await stack.seed();
    key = new URL(seed.dsn).username;
  });
  afterAll(() => stack.close());

  const folders = [
    'node',
    'node-uncaught',
    'node-static-transaction',
    'browser',
    'python-django',
    'python-django-tracing',
  ];

  it('answers 200 to every request and stores every event item as an issue event', async () => {
    let expectedEvents = 0;
    for (const folder of folders) {
      for (const capture of loadCaptures(folder)) {
        const res = await replayCapture(stack.baseUrl, capture, seed.projectId, key);
        expect({ name: capture.name, status: res.status }).toEqual({ name: capture.name, status: 200 });
        const parsed = JSON.parse(res.body) as { id?: string };
        if (eventCount(capture) > 0) expect(parsed.id).toMatch(/^[0-9a-f]{32}$/);
        expectedEvents += eventCount(capture);
      }
    }
    await stack.drain();
    const issues = await http<Array<{ title: string; count: string }>>(
      stack.baseUrl,
      `/api/0/projects/${seed.organization}/${seed.project}/issues/?limit=100`,
      { token: seed.token },
    );
    expect(issues.status).toBe(200);
    const total = issues.body.reduce((sum, issue) => sum + Number(issue.count), 0);
    // python-django-tracing repeats the same exception from two runs; event ids differ so all are stored.
    expect(total).toBe(expectedEvents);
    const titles = issues.body.map((i) => i.title);
    expect(titles).toContain('ZeroDivisionError: division by zero');
  });

  it('de-duplicates a resent envelope', async () => {
    const capture = loadCaptures('node').find((c) => c.name.endsWith('002-POST-api_1_envelope'))!;
    const before = await http<Array<{ title: string; count: string }>>(
      stack.baseUrl,
      `/api/0/projects/${seed.organization}/${seed.project}/issues/?limit=100`,
      { token: seed.token },
    );
    const res = await replayCapture(stack.baseUrl, capture, seed.projectId, key);
    expect(res.status).toBe(200);
    await stack.drain();
    const after = await http<Array<{ title: string; count: string }>>(
      stack.baseUrl,
      `/api/0/projects/${seed.organization}/${seed.project}/issues/?limit=100`,
      { token: seed.token },
    );
    const sum = (list: Array<{ count: string }>) => list.reduce((s, i) => s + Number(i.count), 0);
    expect(sum(after.body)).toBe(sum(before.body));
  });
});
