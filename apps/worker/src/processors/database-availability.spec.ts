import { BatchPostponedError } from '@app/core';
import { DatabaseAvailability } from './database-availability';

const refused = () =>
  Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

/** A database that refuses connections until `restore()` is called. */
function fakeDatabase() {
  let up = false;
  let probes = 0;
  return {
    restore: () => (up = true),
    get probes() {
      return probes;
    },
    probe: async () => {
      probes++;
      if (!up) throw refused();
    },
    query: async <T>(value: T): Promise<T> => {
      if (!up) throw refused();
      return value;
    },
  };
}

describe('DatabaseAvailability', () => {
  it('holds work through an outage of any length and runs it once the database answers', async () => {
    const db = fakeDatabase();
    const availability = new DatabaseAvailability({ probe: db.probe, firstDelayMs: 1, maxDelayMs: 2 });
    const outcomes = [1, 2, 3].map((n) => availability.run(() => db.query(n)));
    // Many more probes than any retry schedule would allow attempts: the work is still waiting, not failed.
    while (db.probes < 50) await new Promise((resolve) => setTimeout(resolve, 1));
    expect(availability.unreachable).toBe(true);
    db.restore();
    await expect(Promise.all(outcomes)).resolves.toEqual([1, 2, 3]);
    expect(availability.unreachable).toBe(false);
  });

  it('probes with one loop for all waiting work', async () => {
    const db = fakeDatabase();
    const availability = new DatabaseAvailability({ probe: db.probe, firstDelayMs: 5, maxDelayMs: 5 });
    const waiting = Array.from({ length: 20 }, (_, n) => availability.run(() => db.query(n)));
    await new Promise((resolve) => setTimeout(resolve, 30));
    // One probe per 5 ms at most, not one per piece of work.
    expect(db.probes).toBeLessThan(10);
    db.restore();
    await Promise.all(waiting);
  });

  it('lets other errors through at once: they are the events’ fault and spend an attempt', async () => {
    const availability = new DatabaseAvailability({ probe: async () => undefined });
    const poison = Object.assign(new Error('invalid input syntax'), { code: '22P02' });
    await expect(availability.run(() => Promise.reject(poison))).rejects.toBe(poison);
    expect(availability.unreachable).toBe(false);
  });

  it('postpones waiting work when stopped, and work that meets the outage afterwards', async () => {
    const db = fakeDatabase();
    const availability = new DatabaseAvailability({ probe: db.probe, firstDelayMs: 1, maxDelayMs: 1 });
    const waiting = availability.run(() => db.query('held'));
    while (db.probes < 2) await new Promise((resolve) => setTimeout(resolve, 1));
    availability.stop();
    await expect(waiting).rejects.toBeInstanceOf(BatchPostponedError);
    await expect(availability.run(() => db.query('late'))).rejects.toBeInstanceOf(BatchPostponedError);
    db.restore();
    await expect(availability.run(() => db.query('fine'))).resolves.toBe('fine');
  });
});
