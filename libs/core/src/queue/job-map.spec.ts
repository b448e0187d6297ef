import { declareJob, JobMap, JobMapError } from './job-map';

describe('JobMap', () => {
  const cleanup = declareJob<{ days: number }>('maintenance', 'cleanup');
  const batch = declareJob<string[]>('ingest', 'batch');

  it('hands each declared job its one handler', async () => {
    const map = new JobMap([cleanup, batch]);
    const seen: unknown[] = [];
    map.handle(cleanup, async (payload) => seen.push(payload.days));
    map.handle(batch, async (payload) => seen.push(payload.length));
    map.verify();
    await map.handlerOf(cleanup)({ days: 3 });
    await map.handlerOf(batch)(['a', 'b']);
    expect(seen).toEqual([3, 2]);
  });

  it('fails the boot check when a declared job has no handler', () => {
    const map = new JobMap([cleanup, batch]);
    map.handle(cleanup, async () => undefined);
    expect(() => map.onApplicationBootstrap()).toThrow(JobMapError);
    expect(() => map.verify()).toThrow('ingest/batch has no handler');
    expect(() => map.handlerOf(cleanup)).toThrow(JobMapError);
  });

  it('fails the boot check when a job has two handlers', () => {
    const map = new JobMap([cleanup]);
    map.handle(cleanup, async () => undefined);
    map.handle(cleanup, async () => undefined);
    expect(() => map.verify()).toThrow('maintenance/cleanup has 2 handlers');
  });

  it('fails the boot check when a handler is registered for a job nobody declared', () => {
    const map = new JobMap([cleanup]);
    map.handle(cleanup, async () => undefined);
    map.handle(batch, async () => undefined);
    expect(() => map.verify()).toThrow('ingest/batch has a handler but is not declared');
  });
});
