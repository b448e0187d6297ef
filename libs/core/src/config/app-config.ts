import 'reflect-metadata';
import { plainToInstance, Transform, Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, validateSync } from 'class-validator';
import { TrustedProxies } from './trusted-proxies';

const MiB = 1024 * 1024;

export const SERVER_ROLES = ['all_in_one', 'api', 'worker'] as const;
export type ServerRole = (typeof SERVER_ROLES)[number];

/** Environment variables, as documented in .env.example. Names follow GlitchTip's where GlitchTip has one. */
export class EnvSchema {
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL?: string;

  @IsOptional()
  @Matches(/^rediss?:\/\//, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'PORT must be an integer' })
  @Min(0)
  @Max(65535)
  PORT: number = 8000;

  @IsOptional()
  @IsString()
  HOST: string = '0.0.0.0';

  @IsOptional()
  @Matches(/^https?:\/\/[^/\s]+(\/[^\s]*)?$/, {
    message: 'GLITCHTIP_DOMAIN must be an http(s) URL such as https://errors.example.com',
  })
  GLITCHTIP_DOMAIN: string = 'http://localhost:8000';

  @IsOptional()
  @IsString()
  SECRET_KEY?: string;

  @IsOptional()
  @Transform(({ value }) => (value === undefined || value === '' ? undefined : String(value).toLowerCase()))
  @IsIn(SERVER_ROLES, { message: `SERVER_ROLE must be one of ${SERVER_ROLES.join(', ')}` })
  SERVER_ROLE?: ServerRole;

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'GLITCHTIP_MAX_EVENT_LIFE_DAYS must be an integer number of days' })
  @Min(1)
  GLITCHTIP_MAX_EVENT_LIFE_DAYS: number = 90;

  /** Largest decompressed event (store body or event item), bytes. */
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'GLITCHTIP_MAX_EVENT_SIZE must be a number of bytes' })
  @Min(1024)
  GLITCHTIP_MAX_EVENT_SIZE: number = 1 * MiB;

  /** Largest request body as it arrives on the wire (compressed), bytes. */
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'GLITCHTIP_MAX_BODY_SIZE must be a number of bytes' })
  @Min(1024)
  GLITCHTIP_MAX_BODY_SIZE: number = 20 * MiB;

  /** Largest decompressed envelope, bytes. */
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'GLITCHTIP_MAX_UNZIPPED_PAYLOAD_SIZE must be a number of bytes' })
  @Min(1024)
  GLITCHTIP_MAX_UNZIPPED_PAYLOAD_SIZE: number = 100 * MiB;

  /** Jobs waiting in the ingest queue above which ingest answers 429. */
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'INGEST_MAX_BACKLOG must be an integer' })
  @Min(1)
  INGEST_MAX_BACKLOG: number = 200_000;

  /** Longest an accepted event waits to be handed to the queue (Redis) before ingest answers 503, milliseconds. */
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'INGEST_ENQUEUE_TIMEOUT_MS must be a number of milliseconds' })
  @Min(10)
  INGEST_ENQUEUE_TIMEOUT_MS: number = 5_000;

  /** Tries of an ingest job failing for a reason other than an unreachable database (Bull's `attempts`). */
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'INGEST_JOB_ATTEMPTS must be an integer' })
  @Min(1)
  INGEST_JOB_ATTEMPTS: number = 8;

  /** First retry delay of a failed ingest job, doubled at each further try, milliseconds. */
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'INGEST_JOB_BACKOFF_MS must be a number of milliseconds' })
  @Min(1)
  INGEST_JOB_BACKOFF_MS: number = 1_000;

  /** Tries of one alert delivery (a webhook POST or a mail) before it is kept as failed. */
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'ALERT_DELIVERY_ATTEMPTS must be an integer' })
  @Min(1)
  @Max(20)
  ALERT_DELIVERY_ATTEMPTS: number = 5;

  /** Delay before the first retry of a failed alert delivery, doubled at each further try, milliseconds. */
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'ALERT_DELIVERY_BACKOFF_MS must be a number of milliseconds' })
  @Min(1)
  ALERT_DELIVERY_BACKOFF_MS: number = 30_000;

  /**
   * How often the worker delivers due alert retries and re-evaluates the rules for recently seen issues (a
   * batch whose evaluation was interrupted), milliseconds.
   */
  /**
   * Whether alert webhooks may reach loopback, private-network and link-local addresses (GlitchTip's name).
   * Off by default: whoever may configure a webhook could otherwise probe the server's own network.
   */
  @IsOptional()
  @Transform(({ value }) => parseBool(value, false))
  GLITCHTIP_ALLOW_PRIVATE_IPS: boolean = false;

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'ALERT_POLL_INTERVAL_MS must be a number of milliseconds' })
  @Min(10)
  ALERT_POLL_INTERVAL_MS: number = 10_000;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10_000)
  WORKER_BATCH_SIZE: number = 200;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  WORKER_BATCH_WAIT_MS: number = 500;

  /**
   * Scheduling priority (nice, 0-19) of a worker-only process: above 0, the kernel serves the api first when both
   * share cores, which keeps accept latency low while the worker drains a backlog.
   */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(19)
  WORKER_NICE: number = 10;

  /** A worker-only process answers liveness probes on this port (`{"status":"ok"}`); off when unset. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(65535)
  WORKER_HEALTH_PORT?: number;

  @IsOptional()
  @Transform(({ value }) => parseBool(value, true))
  MIGRATE_ON_START: boolean = true;

  /** Where the embedded database keeps its files in all-in-one mode without DATABASE_URL. */
  @IsOptional()
  @IsString()
  GLITCHTIP_DATA_DIR: string = '.data';

  @IsOptional()
  @IsString()
  REDIS_PREFIX: string = 'gt';

  @IsOptional()
  @IsIn(['error', 'warn', 'log', 'debug', 'verbose'])
  LOG_LEVEL: 'error' | 'warn' | 'log' | 'debug' | 'verbose' = 'log';

  /** Open signup (always open while there are no users). */
  @IsOptional()
  @Transform(({ value }) => parseBool(value, true))
  ENABLE_USER_REGISTRATION: boolean = true;

  /** Non-superusers may create organizations (the first organization is always allowed). */
  @IsOptional()
  @Transform(({ value }) => parseBool(value, false))
  ENABLE_ORGANIZATION_CREATION: boolean = false;

  /** GlitchTip's legacy name for ENABLE_ORGANIZATION_CREATION; wins when set. */
  @IsOptional()
  @Transform(({ value }) => parseBool(value, false))
  ENABLE_OPEN_USER_REGISTRATION?: boolean;

  /** Outgoing mail: consolemail://, dummymail://, filemail:///dir, smtp://user:pass@host:port, smtp+tls:// (STARTTLS), smtp+ssl:// (implicit TLS). */
  @IsOptional()
  @Matches(/^(consolemail|dummymail|filemail|smtp|smtps|smtp\+tls|smtp\+ssl):\/\//, {
    message:
      'EMAIL_URL must be consolemail://, dummymail://, filemail:///dir or smtp[+tls|+ssl]://[user:pass@]host[:port]',
  })
  EMAIL_URL: string = 'consolemail://';

  @IsOptional()
  @IsString()
  DEFAULT_FROM_EMAIL: string = 'webmaster@localhost';

  /** Invitations one user may send per EMAIL_THROTTLE_INTERVAL seconds. */
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'EMAIL_THROTTLE_COUNT must be an integer' })
  @Min(1)
  EMAIL_THROTTLE_COUNT: number = 50;

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'EMAIL_THROTTLE_INTERVAL must be a number of seconds' })
  @Min(1)
  EMAIL_THROTTLE_INTERVAL: number = 300;

  /** Lifetime of a browser session (the `sessionid` cookie), seconds. */
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'SESSION_COOKIE_AGE must be a number of seconds' })
  @Min(60)
  SESSION_COOKIE_AGE: number = 1_209_600;

  /** Mark session and CSRF cookies Secure even when the request did not arrive over HTTPS. */
  @IsOptional()
  @Transform(({ value }) => parseBool(value, false))
  SESSION_COOKIE_SECURE: boolean = false;

  /** Comma-separated origins (scheme://host[:port]) besides GLITCHTIP_DOMAIN allowed to make session writes. */
  @IsOptional()
  @IsString()
  CSRF_TRUSTED_ORIGINS?: string;

  /** Open client connections the api accepts at once; further connections are closed as they arrive. */
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'HTTP_MAX_CONNECTIONS must be an integer' })
  @Min(1)
  HTTP_MAX_CONNECTIONS: number = 10_000;

  /** Time a client has to send the request line and headers (408 after), milliseconds. */
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'HTTP_HEADERS_TIMEOUT_MS must be a number of milliseconds' })
  @Min(100)
  HTTP_HEADERS_TIMEOUT_MS: number = 10_000;

  /** Time a client has to send the whole request, body included (408 after), milliseconds. */
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'HTTP_REQUEST_TIMEOUT_MS must be a number of milliseconds' })
  @Min(100)
  HTTP_REQUEST_TIMEOUT_MS: number = 120_000;

  /** How long an idle keep-alive connection stays open for the next request, milliseconds. */
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'HTTP_KEEP_ALIVE_TIMEOUT_MS must be a number of milliseconds' })
  @Min(1)
  HTTP_KEEP_ALIVE_TIMEOUT_MS: number = 5_000;

  /** On shutdown, how long requests in flight may take to finish before their connections are cut, milliseconds. */
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'HTTP_SHUTDOWN_TIMEOUT_MS must be a number of milliseconds' })
  @Min(0)
  HTTP_SHUTDOWN_TIMEOUT_MS: number = 10_000;

  /** Shown by the web UI (login banner); reported by /api/settings/. */
  @IsOptional()
  @IsString()
  GLITCHTIP_INSTANCE_NAME?: string;

  /** Comma-separated addresses/CIDRs of the reverse proxies whose X-Forwarded-* headers are believed. */
  @IsOptional()
  @IsString()
  TRUSTED_PROXIES?: string;
}

function parseBool(value: unknown, fallback: boolean): boolean {
  if (value === undefined || value === null || value === '') return fallback;
  if (typeof value === 'boolean') return value;
  return ['1', 'true', 'yes', 'on'].includes(String(value).toLowerCase());
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

export interface AppConfig {
  databaseUrl?: string;
  redisUrl?: string;
  port: number;
  host: string;
  /** Public base URL without trailing slash. */
  domain: string;
  secretKey: string;
  role: ServerRole;
  maxEventLifeDays: number;
  limits: { maxEventSize: number; maxBodySize: number; maxEnvelopeSize: number };
  ingestMaxBacklog: number;
  ingestEnqueueTimeoutMs: number;
  /** Retry schedule of ingest jobs that fail for a reason other than an unreachable database. */
  ingestJobRetry: { attempts: number; backoffMs: number };
  alerts: {
    deliveryAttempts: number;
    deliveryBackoffMs: number;
    pollIntervalMs: number;
    allowPrivateAddresses: boolean;
  };
  workerBatchSize: number;
  workerBatchWaitMs: number;
  workerNice: number;
  workerHealthPort: number | null;
  migrateOnStart: boolean;
  dataDir: string;
  redisPrefix: string;
  logLevel: EnvSchema['LOG_LEVEL'];
  /** Signup and organization creation switches (GlitchTip's names). */
  registration: { enableUserRegistration: boolean; enableOrganizationCreation: boolean };
  /** Outgoing mail and the invitation throttle. */
  email: { url: string; from: string; throttleCount: number; throttleIntervalSeconds: number };
  /** Browser sessions and CSRF. */
  session: { cookieAgeSeconds: number; cookieSecure: boolean; csrfTrustedOrigins: string[] };
  instanceName: string | null;
  /** TRUSTED_PROXIES: whose X-Forwarded-For/-Proto/-Host to believe (nobody's by default). */
  trustedProxies: TrustedProxies;
  /** Connection limits and timeouts of the api's HTTP server. */
  http: HttpServerLimits;
}

export interface HttpServerLimits {
  maxConnections: number;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  shutdownTimeoutMs: number;
}

const DEV_SECRET = 'insecure-development-secret-key-change-me';

/** Validates the environment once; throws ConfigError listing every bad value. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const raw: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined && value !== '') raw[key] = value;
  const parsed = plainToInstance(EnvSchema, raw, { enableImplicitConversion: false });
  const errors = validateSync(parsed, { whitelist: false, forbidUnknownValues: false });
  const problems = errors.flatMap((e) =>
    Object.values(e.constraints ?? {}).map(
      (msg) => `${e.property}=${JSON.stringify(raw[e.property])}: ${msg}`,
    ),
  );
  const role: ServerRole = parsed.SERVER_ROLE ?? 'all_in_one';
  if (role !== 'all_in_one' && !parsed.DATABASE_URL)
    problems.push(`DATABASE_URL is required when SERVER_ROLE=${role}`);
  if (role !== 'all_in_one' && !parsed.REDIS_URL)
    problems.push(`REDIS_URL is required when SERVER_ROLE=${role}`);
  if (env.NODE_ENV === 'production' && !parsed.SECRET_KEY)
    problems.push('SECRET_KEY is required in production');
  let trustedProxies = TrustedProxies.none();
  try {
    trustedProxies = TrustedProxies.parse(parsed.TRUSTED_PROXIES);
  } catch (error) {
    problems.push(`TRUSTED_PROXIES=${JSON.stringify(raw.TRUSTED_PROXIES)}: ${(error as Error).message}`);
  }
  if (parsed.HTTP_HEADERS_TIMEOUT_MS > parsed.HTTP_REQUEST_TIMEOUT_MS)
    problems.push(
      `HTTP_HEADERS_TIMEOUT_MS=${parsed.HTTP_HEADERS_TIMEOUT_MS} must not exceed HTTP_REQUEST_TIMEOUT_MS=${parsed.HTTP_REQUEST_TIMEOUT_MS}`,
    );
  if (problems.length) throw new ConfigError(problems);
  return {
    databaseUrl: parsed.DATABASE_URL,
    redisUrl: parsed.REDIS_URL,
    port: parsed.PORT,
    host: parsed.HOST,
    // Without GLITCHTIP_DOMAIN, DSNs point at this process's own port.
    domain: (raw.GLITCHTIP_DOMAIN
      ? parsed.GLITCHTIP_DOMAIN
      : `http://localhost:${parsed.PORT || 8000}`
    ).replace(/\/+$/, ''),
    secretKey: parsed.SECRET_KEY ?? DEV_SECRET,
    role,
    maxEventLifeDays: parsed.GLITCHTIP_MAX_EVENT_LIFE_DAYS,
    limits: {
      maxEventSize: parsed.GLITCHTIP_MAX_EVENT_SIZE,
      maxBodySize: parsed.GLITCHTIP_MAX_BODY_SIZE,
      maxEnvelopeSize: parsed.GLITCHTIP_MAX_UNZIPPED_PAYLOAD_SIZE,
    },
    ingestMaxBacklog: parsed.INGEST_MAX_BACKLOG,
    ingestEnqueueTimeoutMs: parsed.INGEST_ENQUEUE_TIMEOUT_MS,
    ingestJobRetry: { attempts: parsed.INGEST_JOB_ATTEMPTS, backoffMs: parsed.INGEST_JOB_BACKOFF_MS },
    alerts: {
      deliveryAttempts: parsed.ALERT_DELIVERY_ATTEMPTS,
      deliveryBackoffMs: parsed.ALERT_DELIVERY_BACKOFF_MS,
      pollIntervalMs: parsed.ALERT_POLL_INTERVAL_MS,
      allowPrivateAddresses: parsed.GLITCHTIP_ALLOW_PRIVATE_IPS,
    },
    workerBatchSize: parsed.WORKER_BATCH_SIZE,
    workerBatchWaitMs: parsed.WORKER_BATCH_WAIT_MS,
    workerNice: parsed.WORKER_NICE,
    workerHealthPort: parsed.WORKER_HEALTH_PORT ?? null,
    migrateOnStart: parsed.MIGRATE_ON_START,
    dataDir: parsed.GLITCHTIP_DATA_DIR,
    redisPrefix: parsed.REDIS_PREFIX,
    logLevel: parsed.LOG_LEVEL,
    registration: {
      enableUserRegistration: parsed.ENABLE_USER_REGISTRATION,
      enableOrganizationCreation: parsed.ENABLE_OPEN_USER_REGISTRATION ?? parsed.ENABLE_ORGANIZATION_CREATION,
    },
    email: {
      url: parsed.EMAIL_URL,
      from: parsed.DEFAULT_FROM_EMAIL,
      throttleCount: parsed.EMAIL_THROTTLE_COUNT,
      throttleIntervalSeconds: parsed.EMAIL_THROTTLE_INTERVAL,
    },
    session: {
      cookieAgeSeconds: parsed.SESSION_COOKIE_AGE,
      cookieSecure: parsed.SESSION_COOKIE_SECURE,
      csrfTrustedOrigins: (parsed.CSRF_TRUSTED_ORIGINS ?? '')
        .split(',')
        .map((o) => o.trim().replace(/\/+$/, ''))
        .filter(Boolean),
    },
    instanceName: parsed.GLITCHTIP_INSTANCE_NAME ?? null,
    trustedProxies,
    http: {
      maxConnections: parsed.HTTP_MAX_CONNECTIONS,
      headersTimeoutMs: parsed.HTTP_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: parsed.HTTP_REQUEST_TIMEOUT_MS,
      keepAliveTimeoutMs: parsed.HTTP_KEEP_ALIVE_TIMEOUT_MS,
      shutdownTimeoutMs: parsed.HTTP_SHUTDOWN_TIMEOUT_MS,
    },
  };
}

/** The configuration of an entry point that serves one role unless SERVER_ROLE says otherwise. */
export function loadConfigForRole(defaultRole: ServerRole, env: NodeJS.ProcessEnv = process.env): AppConfig {
  return loadConfig({ SERVER_ROLE: defaultRole, ...env });
}

export const APP_CONFIG = Symbol('APP_CONFIG');
