import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { allInOneEnv, ensureBuilt, REPO_ROOT } from '../support/all-in-one-process';

/** Runs a built entry point to its exit and returns the code and what it printed. */
function run(entry: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(REPO_ROOT, entry)],
      { cwd: REPO_ROOT, env, timeout: 30_000 },
      (error, stdout, stderr) =>
        resolve({
          code: error ? ((error as { code?: number }).code ?? null) : 0,
          output: `${stdout}${stderr}`,
        }),
    );
  });
}

describe('entry points: one per role, neither app importing the other', () => {
  beforeAll(() => ensureBuilt());

  it('the api entry point serves only the api role and says which entry point serves the others', async () => {
    const env = allInOneEnv('/nonexistent', 1, { SERVER_ROLE: 'all_in_one' });
    const result = await run('dist/apps/api/src/main.js', env);
    expect(result.code).toBe(78);
    expect(result.output).toContain('dist/apps/all-in-one/src/main.js');
  });

  it('the api entry point defaults to the api role, which needs PostgreSQL and Redis', async () => {
    const result = await run('dist/apps/api/src/main.js', allInOneEnv('/nonexistent', 1));
    expect(result.code).toBe(78);
    expect(result.output).toContain('DATABASE_URL is required when SERVER_ROLE=api');
    expect(result.output).toContain('REDIS_URL is required when SERVER_ROLE=api');
  });

  it('the worker entry point defaults to the worker role', async () => {
    const result = await run('dist/apps/worker/src/main.js', allInOneEnv('/nonexistent', 1));
    expect(result.code).toBe(78);
    expect(result.output).toContain('DATABASE_URL is required when SERVER_ROLE=worker');
  });

  it('the all-in-one entry point validates WORKER_HEALTH_PORT like every setting', async () => {
    const env = allInOneEnv('/nonexistent', 1, { SERVER_ROLE: 'worker', WORKER_HEALTH_PORT: 'x' });
    const result = await run('dist/apps/all-in-one/src/main.js', env);
    expect(result.code).toBe(78);
    expect(result.output).toContain('WORKER_HEALTH_PORT');
  });
});
