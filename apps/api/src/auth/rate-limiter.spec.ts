import { loadConfig } from '@app/core';
import { RateLimiter } from './rate-limiter';

describe('RateLimiter without Redis (all-in-one mode)', () => {
  it('counts attempts per bucket in fixed windows', async () => {
    const limiter = new RateLimiter(null, loadConfig({}));
    expect(await limiter.hit('a', 2, 60)).toBe(0);
    expect(await limiter.hit('a', 2, 60)).toBe(0);
    expect(await limiter.exhausted('a', 2)).toBeGreaterThan(0);
    expect(await limiter.hit('a', 2, 60)).toBeGreaterThan(0);
    expect(await limiter.hit('b', 2, 60)).toBe(0);
    await limiter.reset('a');
    expect(await limiter.exhausted('a', 2)).toBe(0);
  });

  it('starts a new window once the old one has passed', async () => {
    const limiter = new RateLimiter(null, loadConfig({}));
    const now = jest.spyOn(Date, 'now').mockReturnValue(1_000_000);
    try {
      expect(await limiter.hit('w', 1, 10)).toBe(0);
      expect(await limiter.hit('w', 1, 10)).toBe(10);
      now.mockReturnValue(1_000_000 + 3_500);
      // A locked bucket says how long it stays locked.
      expect(await limiter.exhausted('w', 1)).toBe(7);
      now.mockReturnValue(1_000_000 + 10_001);
      expect(await limiter.hit('w', 1, 10)).toBe(0);
    } finally {
      now.mockRestore();
    }
  });
});
