import { ConfigError, loadConfig } from './app-config';

describe('loadConfig', () => {
  it('applies GlitchTip-compatible defaults', () => {
    const config = loadConfig({});
    expect(config.port).toBe(8000);
    expect(config.domain).toBe('http://localhost:8000');
    expect(config.maxEventLifeDays).toBe(90);
    expect(config.role).toBe('all_in_one');
    expect(config.limits.maxEventSize).toBe(1024 * 1024);
  });

  it('reads and converts values', () => {
    const config = loadConfig({
      PORT: '9000',
      GLITCHTIP_DOMAIN: 'https://errors.example.com/',
      GLITCHTIP_MAX_EVENT_LIFE_DAYS: '30',
      DATABASE_URL: 'postgres://u@h/db',
      REDIS_URL: 'redis://h:6379',
      SERVER_ROLE: 'API',
    });
    expect(config).toMatchObject({
      port: 9000,
      domain: 'https://errors.example.com',
      maxEventLifeDays: 30,
      role: 'api',
    });
  });

  it('lists every bad value with its variable name', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', GLITCHTIP_DOMAIN: 'ftp://x', SERVER_ROLE: 'worker' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain('PORT="eighty"');
    expect(message).toContain('GLITCHTIP_DOMAIN');
    expect(message).toContain('DATABASE_URL is required when SERVER_ROLE=worker');
    expect(message).toContain('REDIS_URL is required');
  });
});
