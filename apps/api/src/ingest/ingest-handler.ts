import { Logger } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { AppConfig, IngestQueue } from '@app/core';
import {
  cspReportsToEvents,
  decodeStoreBody,
  extractSentryKey,
  IngestError,
  IngestJobData,
  OutcomeRecorder,
  InvalidUserReportError,
  normalizeEventId,
  normalizePublicKey,
  parseDsn,
  parseEnvelope,
  parseJsonObject,
  readBody,
  userReportFromFeedback,
  userReportFromItem,
} from '@app/ingest';
import { IngestKeyInfo, KeyStoreUnavailableError } from '@app/projects';
import { clientIp } from '../common/client-address';
import { answerLastResort, headerSafeText, sendJson } from './send-json';

type Endpoint = 'store' | 'envelope' | 'security';

/** `/api/{projectId}/{endpoint}/`, optionally behind a path prefix from the DSN, with or without the slash. */
const INGEST_PATH = /^(?:\/[^?]*)?\/api\/(\d+)\/(store|envelope|security|csp-report)\/?$/;

const CORS_HEADERS: Record<string, string> = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Expose-Headers': 'x-sentry-error, x-sentry-rate-limits, retry-after',
};
const PREFLIGHT_HEADERS: Record<string, string> = {
  ...CORS_HEADERS,
  'Access-Control-Allow-Methods': 'POST, OPTIONS',
  'Access-Control-Allow-Headers':
    'x-sentry-auth, x-requested-with, x-forwarded-for, origin, referer, accept, content-type, authentication, ' +
    'authorization, content-encoding, transfer-encoding, sentry-trace, baggage',
  'Access-Control-Max-Age': '3600',
};

/** What a 503 (queue or database unreachable) asks clients to wait; Sentry SDKs honour it. */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 10;

export interface KeyLookup {
  lookup(projectId: number, publicKeyHex: string): IngestKeyInfo | null | Promise<IngestKeyInfo | null>;
}

function newEventId(): string {
  return randomUUID().replace(/-/g, '');
}

/**
 * The ingest hot path, mounted on the raw node:http server ahead of Express: authenticate from the key cache,
 * read and check the body, enqueue, answer. Everything else happens in the worker.
 */
export class IngestHandler {
  private readonly logger = new Logger('Ingest');

  constructor(
    private readonly config: AppConfig,
    private readonly keys: KeyLookup,
    private readonly queue: IngestQueue<IngestJobData>,
    private readonly outcomes: OutcomeRecorder,
  ) {}

  /** Returns false when the request is not for an ingest route (Express then handles it). */
  tryHandle(req: IncomingMessage, res: ServerResponse): boolean {
    const url = req.url ?? '/';
    const queryStart = url.indexOf('?');
    const path = queryStart === -1 ? url : url.slice(0, queryStart);
    if (!path.includes('/api/')) return false;
    const match = INGEST_PATH.exec(path);
    if (!match) return false;
    const endpoint: Endpoint = match[2] === 'csp-report' ? 'security' : (match[2] as Endpoint);
    const query = new URLSearchParams(queryStart === -1 ? '' : url.slice(queryStart + 1));
    this.handle(req, res, Number(match[1]), endpoint, query).catch((error: unknown) => {
      try {
        this.fail(res, error);
      } catch (failure) {
        answerLastResort(res, failure);
      }
    });
    return true;
  }

  private async handle(
    req: IncomingMessage,
    res: ServerResponse,
    projectId: number,
    endpoint: Endpoint,
    query: URLSearchParams,
  ): Promise<void> {
    if (req.method === 'OPTIONS') {
      res.writeHead(200, PREFLIGHT_HEADERS).end();
      return;
    }
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST, OPTIONS');
      throw new IngestError(405, 'Method not allowed');
    }
    const rawKey = extractSentryKey(query, req.headers);
    let info: IngestKeyInfo | null = null;
    if (rawKey !== null) info = await this.authenticate(projectId, rawKey);
    else if (endpoint !== 'envelope') throw new IngestError(401, 'missing authorization information');

    if (info) await this.admit(info);
    const body = await readBody(req, {
      maxBodySize: this.config.limits.maxBodySize,
      maxDecompressedSize:
        endpoint === 'envelope' ? this.config.limits.maxEnvelopeSize : this.config.limits.maxEventSize,
    });
    const receivedAt = Date.now();
    const context = {
      receivedAt,
      clientIp: clientIp(req, this.config.trustedProxies),
      sentryClient: query.get('sentry_client') ?? undefined,
    };

    let id: string | null;
    if (endpoint === 'envelope') {
      id = await this.acceptEnvelope(body, projectId, info, context);
    } else if (endpoint === 'store') {
      id = await this.acceptStore(body, info!, context);
    } else {
      id = await this.acceptSecurityReport(body, info!, context);
    }
    this.send(res, 200, id ? { id } : {});
  }

  private async authenticate(projectId: number, rawKey: string): Promise<IngestKeyInfo> {
    const publicKey = normalizePublicKey(rawKey);
    if (!publicKey) throw new IngestError(403, 'Invalid DSN: the key is not a GlitchTip key');
    let info: IngestKeyInfo | null;
    try {
      info = await this.keys.lookup(projectId, publicKey);
    } catch (error) {
      if (!(error instanceof KeyStoreUnavailableError)) throw error;
      throw new IngestError(503, 'the database is unreachable and this key is not known yet, retry later');
    }
    if (!info) throw new IngestError(403, 'Invalid DSN: unknown key for this project');
    if (!info.keyActive) throw new IngestError(403, 'Invalid DSN: this key is disabled');
    return info;
  }

  /** Refuses work the system cannot take now: a full queue, an organization not accepting events, throttling. */
  private async admit(info: IngestKeyInfo): Promise<void> {
    if (!info.acceptingEvents) throw new RateLimited(600, 'organization');
    if (info.throttleRate >= 100) throw new RateLimited(600, 'project');
    if (info.throttleRate > 0 && Math.random() * 100 < info.throttleRate) {
      throw new RateLimited(Math.max(1, Math.ceil(0.02 * info.throttleRate ** 2.3)), 'project');
    }
    if ((await this.queue.backlog()) >= this.config.ingestMaxBacklog)
      throw new RateLimited(30, 'organization');
  }

  private async acceptStore(body: Buffer, info: IngestKeyInfo, context: JobContext): Promise<string> {
    const json = decodeStoreBody(body, this.config.limits.maxEventSize);
    this.checkEventSize(json.length, 'event');
    // Decoded once: the same text is validated here and queued for the worker.
    const text = json.toString('utf8');
    const event = parseJsonObject(text, 'event');
    const eventId = normalizeEventId(event.event_id) ?? newEventId();
    if (event.type === 'transaction') {
      this.outcomes.record(info.projectId, 'transaction', 'ignored', 'unsupported_type');
      return eventId;
    }
    await this.enqueue({
      ...context,
      projectId: info.projectId,
      eventId,
      kind: 'event',
      payload: text,
    });
    return eventId;
  }

  private async acceptSecurityReport(
    body: Buffer,
    info: IngestKeyInfo,
    context: JobContext,
  ): Promise<string> {
    this.checkEventSize(body.length, 'security');
    const text = body.toString('utf8');
    let report: unknown;
    try {
      report = JSON.parse(text);
    } catch (e) {
      throw new IngestError(400, `security report is not valid JSON: ${(e as Error).message}`);
    }
    if (typeof report !== 'object' || report === null)
      throw new IngestError(400, 'security report must be a JSON object');
    // Checked here, not only in the worker: a report answered 200 must become an event.
    if (cspReportsToEvents(report).length === 0)
      throw new IngestError(400, 'security report holds no CSP violation');
    const eventId = newEventId();
    await this.enqueue({ ...context, projectId: info.projectId, eventId, kind: 'csp', payload: text });
    return eventId;
  }

  private async acceptEnvelope(
    body: Buffer,
    projectId: number,
    requestAuth: IngestKeyInfo | null,
    context: JobContext,
  ): Promise<string | null> {
    const envelope = parseEnvelope(body);
    let info = requestAuth;
    if (!info) {
      // SDK `tunnel` traffic carries the DSN in the envelope header instead of the request.
      const dsn = typeof envelope.header.dsn === 'string' ? parseDsn(envelope.header.dsn) : null;
      if (!dsn) throw new IngestError(401, 'missing authorization information');
      if (dsn.projectId !== String(projectId)) {
        throw new IngestError(403, 'Invalid DSN: the envelope DSN is for another project');
      }
      info = await this.authenticate(projectId, dsn.publicKey);
      await this.admit(info);
    }
    const headerEventId = normalizeEventId(envelope.header.event_id);
    let responseId = headerEventId;
    for (const item of envelope.items) {
      const type = item.header.type;
      if (type !== 'event' && type !== 'feedback' && type !== 'user_report') {
        this.outcomes.record(info.projectId, type, 'ignored', 'unsupported_type');
        continue;
      }
      this.checkEventSize(item.payload.length, type);
      const text = item.payload.toString('utf8');
      const payload = parseJsonObject(text, `${type} item`);
      let eventId: string;
      if (type === 'user_report') {
        // The report names the event it is about; the envelope's id is only a fallback.
        eventId = normalizeEventId(payload.event_id) ?? headerEventId ?? newEventId();
      } else {
        eventId = headerEventId ?? normalizeEventId(payload.event_id) ?? newEventId();
        responseId = eventId;
      }
      if (type !== 'event') checkUserReport(type, payload, eventId);
      await this.enqueue({ ...context, projectId: info.projectId, eventId, kind: type, payload: text });
    }
    return responseId;
  }

  private checkEventSize(size: number, type: string): void {
    if (size > this.config.limits.maxEventSize) {
      throw new IngestError(413, `envelope exceeded size limits for type '${type}'`);
    }
  }

  private async enqueue(job: IngestJobData): Promise<void> {
    try {
      await this.queue.enqueue(job);
    } catch (error) {
      this.logger.error(`could not enqueue event ${job.eventId}: ${(error as Error).message}`);
      throw new IngestError(503, 'the event queue is unavailable, retry later');
    }
    this.outcomes.record(job.projectId, job.kind, 'accepted', '', 1, job.receivedAt);
  }

  private send(
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): void {
    sendJson(res, status, body, { ...CORS_HEADERS, ...headers });
  }

  private fail(res: ServerResponse, error: unknown): void {
    if (error instanceof RateLimited) {
      const limits = `${error.retryAfter}::${error.scope}`;
      this.send(
        res,
        429,
        { detail: 'Please retry later' },
        {
          'Retry-After': String(error.retryAfter),
          'X-Sentry-Rate-Limits': limits,
        },
      );
      return;
    }
    if (error instanceof IngestError) {
      const headers: Record<string, string> = { 'X-Sentry-Error': headerSafeText(error.detail) };
      if (error.status === 503) headers['Retry-After'] = String(UNAVAILABLE_RETRY_AFTER_SECONDS);
      this.send(res, error.status, { detail: error.detail }, headers);
      return;
    }
    this.logger.error(`ingest failed: ${(error as Error)?.stack ?? String(error)}`);
    this.send(res, 500, { detail: 'Internal error while accepting the event' });
  }
}

type JobContext = Pick<IngestJobData, 'receivedAt' | 'clientIp' | 'sentryClient'>;

/** A report the worker could not store (no comments, no feedback message) is refused now rather than lost later. */
function checkUserReport(
  type: 'feedback' | 'user_report',
  payload: Record<string, unknown>,
  eventId: string,
): void {
  try {
    if (type === 'user_report') userReportFromItem(payload, eventId);
    else userReportFromFeedback(payload, eventId);
  } catch (error) {
    if (error instanceof InvalidUserReportError) throw new IngestError(400, `${type} item: ${error.message}`);
    throw error;
  }
}

class RateLimited extends Error {
  constructor(
    readonly retryAfter: number,
    readonly scope: 'organization' | 'project',
  ) {
    super('rate limited');
  }
}
