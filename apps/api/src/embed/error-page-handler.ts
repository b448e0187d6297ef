import { Logger } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppConfig, IngestQueue } from '@app/core';
import { IngestJobData } from '@app/ingest';
import { IngestError, normalizeEventId, normalizePublicKey, parseDsn, readBody } from '@app/ingest';
import { IngestKeyInfo, KeyStoreUnavailableError } from '@app/projects';
import { type KeyLookup, UNAVAILABLE_RETRY_AFTER_SECONDS } from '../ingest/ingest-handler';
import { answerLastResort, sendJson } from '../ingest/send-json';
import { dialogOptions, validateReportForm } from './error-page-form';
import { renderErrorPageScript } from './error-page-script';

/** `/api/embed/error-page/`, optionally behind the DSN's path prefix, with or without the slash. */
const ERROR_PAGE_PATH = /^(?:\/[^?]*)?\/api\/embed\/error-page\/?$/;

/** A report is three short fields; anything bigger is not one. */
export const MAX_FORM_SIZE = 64 * 1024;

const CORS_HEADERS: Record<string, string> = { 'Access-Control-Allow-Origin': '*' };
const PREFLIGHT_HEADERS: Record<string, string> = {
  ...CORS_HEADERS,
  'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
  'Access-Control-Allow-Headers': 'content-type, accept, origin, x-requested-with',
  'Access-Control-Max-Age': '3600',
};

/**
 * The crash-report dialog of `Sentry.showReportDialog()`, mounted on the raw node:http server next to the ingest
 * routes, whose rules it shares: the DSN in the query authenticates against the key cache, answers carry CORS
 * headers for the customer's page, errors are `{"detail": …}`. GET serves the dialog script; POST takes the form and
 * queues it as a `user_report` ingest job, which the worker stores and links to the event's issue.
 */
export class ErrorPageHandler {
  private readonly logger = new Logger('ErrorPage');

  constructor(
    private readonly config: AppConfig,
    private readonly keys: KeyLookup,
    private readonly queue: IngestQueue,
  ) {}

  /** Returns false when the request is for another route. */
  tryHandle(req: IncomingMessage, res: ServerResponse): boolean {
    const url = req.url ?? '/';
    const queryStart = url.indexOf('?');
    const path = queryStart === -1 ? url : url.slice(0, queryStart);
    if (!path.includes('/embed/') || !ERROR_PAGE_PATH.test(path)) return false;
    const query = new URLSearchParams(queryStart === -1 ? '' : url.slice(queryStart + 1));
    this.handle(req, res, query).catch((error: unknown) => {
      try {
        this.fail(res, error);
      } catch (failure) {
        answerLastResort(res, failure);
      }
    });
    return true;
  }

  private async handle(req: IncomingMessage, res: ServerResponse, query: URLSearchParams): Promise<void> {
    if (req.method === 'OPTIONS') {
      res.writeHead(200, PREFLIGHT_HEADERS).end();
      return;
    }
    if (req.method !== 'GET' && req.method !== 'POST') {
      res.setHeader('Allow', 'GET, POST, OPTIONS');
      throw new IngestError(405, 'Method not allowed');
    }
    const info = await this.authenticate(query.get('dsn'));
    const eventId = normalizeEventId(query.get('eventId'));
    if (!eventId) throw new IngestError(400, 'eventId must be the id of an event (32 hex digits or a UUID)');

    if (req.method === 'GET') {
      const endpoint = `${this.config.domain.replace(/\/+$/, '')}${req.url}`;
      const script = renderErrorPageScript(dialogOptions(query), endpoint);
      res.writeHead(200, {
        ...CORS_HEADERS,
        'Content-Type': 'application/javascript; charset=utf-8',
        'Content-Length': Buffer.byteLength(script),
        'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff',
      });
      res.end(script);
      return;
    }

    if ((await this.queue.backlog()) >= this.config.ingestMaxBacklog) {
      res.setHeader('Retry-After', '30');
      throw new IngestError(429, 'Please retry later');
    }
    const fields = await this.readForm(req);
    const result = validateReportForm(fields);
    if (!result.ok) {
      this.send(res, 400, { errors: result.errors });
      return;
    }
    const job: IngestJobData = {
      projectId: info.projectId,
      eventId,
      receivedAt: Date.now(),
      kind: 'user_report',
      payload: JSON.stringify({ event_id: eventId, ...result.report }),
    };
    try {
      await this.queue.enqueue(job);
    } catch (error) {
      this.logger.error(`could not enqueue the user report for ${eventId}: ${(error as Error).message}`);
      throw new IngestError(503, 'the event queue is unavailable, retry later');
    }
    res.writeHead(200, { ...CORS_HEADERS, 'Content-Length': 0 }).end();
  }

  /** The project whose key the `dsn` parameter carries; the DSN's project id must be the key's. */
  private async authenticate(rawDsn: string | null): Promise<IngestKeyInfo> {
    if (!rawDsn) throw new IngestError(401, 'Missing the dsn query parameter');
    const dsn = parseDsn(rawDsn);
    if (!dsn) throw new IngestError(401, 'Invalid DSN');
    const publicKey = normalizePublicKey(dsn.publicKey);
    if (!publicKey) throw new IngestError(403, 'Invalid DSN: the key is not a GlitchTip key');
    let info: IngestKeyInfo | null;
    try {
      info = await this.keys.lookup(Number(dsn.projectId), publicKey);
    } catch (error) {
      if (!(error instanceof KeyStoreUnavailableError)) throw error;
      throw new IngestError(503, 'The database is unreachable, retry later');
    }
    if (!info) throw new IngestError(403, 'Invalid DSN: unknown key for this project');
    if (!info.keyActive) throw new IngestError(403, 'Invalid DSN: this key is disabled');
    if (!info.acceptingEvents || info.throttleRate >= 100) {
      throw new IngestError(403, 'This project does not accept reports at the moment');
    }
    return info;
  }

  /** The posted fields: a urlencoded form (what the dialog and browsers send) or a JSON object. */
  private async readForm(req: IncomingMessage): Promise<Pick<URLSearchParams, 'get'>> {
    const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (contentType === 'multipart/form-data') {
      throw new IngestError(415, 'Send the report as application/x-www-form-urlencoded');
    }
    const body =
      req.headers['content-length'] === '0'
        ? Buffer.alloc(0)
        : await readBody(req, {
            maxBodySize: Math.min(MAX_FORM_SIZE, this.config.limits.maxBodySize),
            maxDecompressedSize: Math.min(MAX_FORM_SIZE, this.config.limits.maxEventSize),
          });
    const text = body.toString('utf8');
    if (contentType !== 'application/json') return new URLSearchParams(text);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new IngestError(400, 'The report is not valid JSON');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new IngestError(400, 'The report must be a JSON object');
    }
    const record = parsed as Record<string, unknown>;
    return { get: (key) => (typeof record[key] === 'string' ? record[key] : null) };
  }

  private send(res: ServerResponse, status: number, body: unknown): void {
    sendJson(res, status, body, CORS_HEADERS);
  }

  private fail(res: ServerResponse, error: unknown): void {
    if (error instanceof IngestError) {
      if (error.status === 503) res.setHeader('Retry-After', String(UNAVAILABLE_RETRY_AFTER_SECONDS));
      this.send(res, error.status, { detail: error.detail });
      return;
    }
    this.logger.error(`error page failed: ${(error as Error)?.stack ?? String(error)}`);
    this.send(res, 500, { detail: 'Internal error' });
  }
}
