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

  it('reads the alert delivery settings, with defaults, and refuses bad ones', () => {
    expect(loadConfig({}).alerts).toEqual({
      deliveryAttempts: 5,
      deliveryBackoffMs: 30_000,
      pollIntervalMs: 10_000,
      allowPrivateAddresses: false,
    });
    expect(
      loadConfig({
        ALERT_DELIVERY_ATTEMPTS: '2',
        ALERT_DELIVERY_BACKOFF_MS: '50',
        ALERT_POLL_INTERVAL_MS: '100',
        GLITCHTIP_ALLOW_PRIVATE_IPS: 'true',
      }).alerts,
    ).toEqual({
      deliveryAttempts: 2,
      deliveryBackoffMs: 50,
      pollIntervalMs: 100,
      allowPrivateAddresses: true,
    });
    expect(() => loadConfig({ ALERT_DELIVERY_ATTEMPTS: '0' })).toThrow(/ALERT_DELIVERY_ATTEMPTS/);
    expect(() => loadConfig({ ALERT_DELIVERY_BACKOFF_MS: 'soon' })).toThrow(/ALERT_DELIVERY_BACKOFF_MS/);
    expect(() => loadConfig({ ALERT_POLL_INTERVAL_MS: '1' })).toThrow(/ALERT_POLL_INTERVAL_MS/);
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

describe('loadConfig: HTTP server limits', () => {
  it('defaults far tighter than Node (60 s headers, 300 s request) and a bounded shutdown', () => {
    expect(loadConfig({}).http).toEqual({
      maxConnections: 10_000,
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 120_000,
      keepAliveTimeoutMs: 5_000,
      shutdownTimeoutMs: 10_000,
    });
  });

  it('reads each setting', () => {
    const config = loadConfig({
      HTTP_MAX_CONNECTIONS: '50',
      HTTP_HEADERS_TIMEOUT_MS: '2000',
      HTTP_REQUEST_TIMEOUT_MS: '30000',
      HTTP_KEEP_ALIVE_TIMEOUT_MS: '1000',
      HTTP_SHUTDOWN_TIMEOUT_MS: '0',
    });
    expect(config.http).toEqual({
      maxConnections: 50,
      headersTimeoutMs: 2000,
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 1000,
      shutdownTimeoutMs: 0,
    });
  });

  it('refuses values that are not numbers, too small, or a headers timeout above the request timeout', () => {
    const problems = (env: Record<string, string>) => {
      try {
        loadConfig(env);
      } catch (error) {
        return (error as ConfigError).problems.join('\n');
      }
      return '';
    };
    expect(problems({ HTTP_MAX_CONNECTIONS: 'many' })).toContain('HTTP_MAX_CONNECTIONS="many"');
    expect(problems({ HTTP_MAX_CONNECTIONS: '0' })).toContain('HTTP_MAX_CONNECTIONS="0"');
    expect(problems({ HTTP_HEADERS_TIMEOUT_MS: '10' })).toContain('HTTP_HEADERS_TIMEOUT_MS="10"');
    expect(problems({ HTTP_KEEP_ALIVE_TIMEOUT_MS: '1.5' })).toContain('HTTP_KEEP_ALIVE_TIMEOUT_MS="1.5"');
    expect(problems({ HTTP_SHUTDOWN_TIMEOUT_MS: '-1' })).toContain('HTTP_SHUTDOWN_TIMEOUT_MS="-1"');
    expect(problems({ HTTP_HEADERS_TIMEOUT_MS: '60000', HTTP_REQUEST_TIMEOUT_MS: '30000' })).toContain(
      'HTTP_HEADERS_TIMEOUT_MS=60000 must not exceed HTTP_REQUEST_TIMEOUT_MS=30000',
    );
  });
});
