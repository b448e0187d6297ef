import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { BootstrapResult } from '../../apps/api/src/manage';
import { http } from '../support/http';
import { startTestStack, TestStack } from '../support/test-app';

const PYTHON = '/usr/bin/python3';
const hasPythonSdk = (() => {
  if (!existsSync(PYTHON)) return false;
  try {
    require('node:child_process').execFileSync(PYTHON, ['-c', 'import sentry_sdk']);
    return true;
  } catch {
    return false;
  }
})();
const describeWithPython = hasPythonSdk ? describe : describe.skip;

/** Debian's python3-sentry-sdk 1.9.10 sends errors to /store/, gzipped, with X-Sentry-Auth. */
describeWithPython('events from the real Python sentry-sdk', () => {
  let stack: TestStack;
  let seed: BootstrapResult;

  beforeAll(async () => {
    stack = await startTestStack();
    seed = await stack.seed();
  });
  afterAll(() => stack.close());

  const run = (scenario: string) =>
    promisify(execFile)(PYTHON, [join(__dirname, '../clients/python-sdk-client.py'), seed.dsn, scenario], {
      timeout: 30_000,
    });

  it('groups a repeated exception and messages that differ by numbers and IPs', async () => {
    await run('exception');
    await run('message');
    await stack.drain();
    const res = await http<Array<{ title: string; count: string; culprit: string; level: string }>>(
      stack.baseUrl,
      `/api/0/projects/${seed.organization}/${seed.project}/issues/`,
      { token: seed.token },
    );
    expect(res.status).toBe(200);
    const division = res.body.find((i) => i.title === 'ZeroDivisionError: division by zero');
    expect(division).toMatchObject({ count: '2', level: 'error' });
    expect(division!.culprit).toContain('divide');
    const payments = res.body.filter((i) => /^Payment \d+ declined/.test(i.title));
    expect(payments).toHaveLength(1);
    expect(payments[0]!.count).toBe('2');
  });
});
