import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { http } from '../support/http';
import { startTestStack, TestStack } from '../support/test-app';

describe('OpenAPI document and Swagger UI', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ worker: false });
  });
  afterAll(() => stack.close());

  it('serves /api/openapi.json with a version, every route with a trailing slash, and the ingest routes', async () => {
    const res = await http<{ info: { version: string }; paths: Record<string, unknown> }>(
      stack.baseUrl,
      '/api/openapi.json',
    );
    expect(res.status).toBe(200);
    expect(res.body.info.version).toMatch(/^\d+\.\d+\.\d+/);
    const paths = Object.keys(res.body.paths);
    for (const path of [
      '/api/0/',
      '/api/0/projects/{organizationSlug}/{projectSlug}/issues/',
      '/api/0/issues/{issueId}/events/latest/',
      '/api/{projectId}/envelope/',
      '/api/{projectId}/store/',
      '/api/{projectId}/security/',
    ]) {
      expect(paths).toContain(path);
    }
    expect(paths.filter((p) => p.startsWith('/api/') && !p.endsWith('/'))).toEqual([]);
  });

  it('serves exactly the committed openapi.json (run `npm run openapi` after an API change)', async () => {
    const served = await http<Record<string, unknown>>(stack.baseUrl, '/api/openapi.json');
    const committed = JSON.parse(readFileSync(join(__dirname, '../../openapi.json'), 'utf8')) as unknown;
    expect(served.body).toEqual(committed);
  });

  it('serves Swagger UI at /api/docs', async () => {
    const res = await http(stack.baseUrl, '/api/docs');
    expect(res.status).toBe(200);
    expect(res.text).toContain('swagger');
  });
});
