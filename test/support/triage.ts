import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { generateApiToken, hashApiToken, Scope, scopesToBits } from '@app/organizations';
import { BootstrapResult } from '../../apps/api/src/manage';
import { http, HttpResult } from './http';
import { TestStack } from './test-app';

/** Helpers for the triage e2e tests: raw `/store/` events, an authenticated API client, Link cursors. */

export interface IssueJson {
  id: string;
  shortId: string;
  title: string;
  culprit: string;
  count: string;
  userCount: number;
  numComments: number;
  level: string;
  status: string;
  statusDetails: Record<string, unknown>;
  type: string;
  metadata: Record<string, unknown>;
  project: { id: string; slug: string; name: string };
  firstSeen: string;
  lastSeen: string;
  lastRelease: string | null;
  matchingEventId: string | null;
  userReportCount?: number;
}

export interface EventJson {
  id: string;
  eventID: string;
  groupID: string;
  projectID: string;
  title: string;
  message: string;
  dateCreated: string;
  dateReceived: string;
  tags: Array<{ key: string; value: string }>;
  entries: Array<{ type: string; data: Record<string, any> }>;
  contexts: Record<string, any>;
  user: Record<string, any> | null;
  nextEventID?: string | null;
  previousEventID?: string | null;
  userReport?: Record<string, any> | null;
  [key: string]: unknown;
}

/** UserReportSchema, as the user-reports list answers it. */
export interface UserReportJson {
  id: string;
  eventID: string;
  name: string;
  email: string;
  comments: string;
  dateCreated: string;
}

export function dsnParts(dsn: string): { publicKey: string; projectId: string } {
  const url = new URL(dsn);
  return { publicKey: url.username, projectId: url.pathname.replace(/^\//, '') };
}

export function newEventId(): string {
  return randomBytes(16).toString('hex');
}

/** Posts one event to `/api/{project}/store/` as an old SDK would; returns its event id (32 hex). */
export async function storeEvent(
  stack: TestStack,
  dsn: string,
  event: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<string> {
  const { publicKey, projectId } = dsnParts(dsn);
  const eventId = typeof event.event_id === 'string' ? event.event_id.replace(/-/g, '') : newEventId();
  const res = await http(stack.baseUrl, `/api/${projectId}/store/?sentry_key=${publicKey}&sentry_version=7`, {
    method: 'POST',
    json: { ...event, event_id: eventId },
    headers,
  });
  if (res.status !== 200) throw new Error(`store answered ${res.status}: ${res.text}`);
  return eventId;
}

/** A small error event: `type: value` thrown from `fn` in `file`, with optional extras. */
export function errorEvent(
  type: string,
  value: string,
  extra: Record<string, unknown> = {},
  frame: { fn?: string; file?: string } = {},
): Record<string, unknown> {
  return {
    platform: 'javascript',
    level: 'error',
    exception: {
      values: [
        {
          type,
          value,
          stacktrace: {
            frames: [
              {
                function: frame.fn ?? 'handler',
                filename: frame.file ?? 'app.js',
                abs_path: `/srv/${frame.file ?? 'app.js'}`,
                lineno: 10,
                colno: 5,
                in_app: true,
                context_line: 'throw new Error()',
                pre_context: ['function handler() {'],
                post_context: ['}'],
              },
            ],
          },
        },
      ],
    },
    ...extra,
  };
}

export interface Api {
  get<T = any>(path: string): Promise<HttpResult<T>>;
  put<T = any>(path: string, json: unknown): Promise<HttpResult<T>>;
  post<T = any>(path: string, json: unknown): Promise<HttpResult<T>>;
  del<T = any>(path: string): Promise<HttpResult<T>>;
}

export function apiClient(stack: TestStack, token: string): Api {
  return {
    get: (path) => http(stack.baseUrl, path, { token }),
    put: (path, json) => http(stack.baseUrl, path, { method: 'PUT', token, json }),
    post: (path, json) => http(stack.baseUrl, path, { method: 'POST', token, json }),
    del: (path) => http(stack.baseUrl, path, { method: 'DELETE', token }),
  };
}

/** The `cursor` of a Link rel when that page exists, else null. */
export function linkCursor(result: HttpResult, rel: 'next' | 'previous'): string | null {
  const link = result.headers.get('link') ?? '';
  const match = new RegExp(`rel="${rel}"; results="(true|false)"; cursor="([^"]+)"`).exec(link);
  return match && match[1] === 'true' ? match[2]! : null;
}

/** Runs SQL against the stack's database (for setup the API has no route for, such as user reports). */
export async function sql<T = any>(stack: TestStack, text: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: stack.db.url });
  await client.connect();
  try {
    return (await client.query(text, params)).rows as T[];
  } finally {
    await client.end();
  }
}

/** A token of the seeded user with only these scopes. */
export async function tokenWithScopes(stack: TestStack, email: string, scopes: Scope[]): Promise<string> {
  const token = generateApiToken();
  await sql(
    stack,
    `INSERT INTO api_tokens (user_id, token_hash, label, scopes)
     SELECT id, $2, $3, $4 FROM users WHERE lower(email) = lower($1)`,
    [email, hashApiToken(token), `test-${randomUUID()}`, scopesToBits(scopes)],
  );
  return token;
}

export type Seed = BootstrapResult;
