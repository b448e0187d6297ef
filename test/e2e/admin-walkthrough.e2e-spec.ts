import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startTestStack, TestStack } from '../support/test-app';

const run = promisify(execFile);
const haveCurl = ['/usr/bin/curl', '/bin/curl', '/usr/local/bin/curl'].some(existsSync);
const describeWithCurl = haveCurl ? describe : describe.skip;

describeWithCurl('the README walk-through: from nothing to a DSN with curl alone', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ worker: false });
  });
  afterAll(() => stack.close());

  it('registers, creates an organization, a team and a project, and prints its DSN', async () => {
    const { stdout } = await run('bash', ['-eu', join(__dirname, '../support/readme-walkthrough.sh')], {
      env: { ...process.env, BASE: stack.baseUrl },
      timeout: 30_000,
    });
    const port = new URL(stack.baseUrl).port;
    expect(stdout.trim()).toMatch(new RegExp(`^http://[0-9a-f]{32}@127\\.0\\.0\\.1:${port}/\\d+$`));
    // The DSN accepts an event.
    const dsn = new URL(stdout.trim());
    const res = await fetch(`${stack.baseUrl}/api${dsn.pathname}/store/?sentry_key=${dsn.username}`, {
      method: 'POST',
      body: JSON.stringify({ message: 'hello from the README' }),
    });
    expect(res.status).toBe(200);
  });
});
