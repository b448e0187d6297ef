/** Normalizes the user and the HTTP request (headers, cookies, query string) by Relay's rules. */
import { NORMALIZE_LIMITS } from './normalize-limits';
import { EventRequest, EventUser, NormalizedEvent, Pairs } from './normalized-event.types';
import {
  coerceString,
  databagField,
  isPlainObject,
  PlainObject,
  RepairLog,
  stripNul,
  trimDatabag,
  truncate,
} from './normalize-utils';

/** Platforms whose old SDKs expect the server to fill in the client IP (Relay's legacy rule). */
const LEGACY_INFER_IP_PLATFORMS = new Set(['javascript', 'cocoa', 'objc']);

export function normalizeUser(
  value: unknown,
  event: NormalizedEvent,
  clientIp: string | undefined,
  log: RepairLog,
): EventUser | undefined {
  let raw: PlainObject = {};
  if (isPlainObject(value)) raw = value;
  else if (value !== undefined && value !== null) log.add('invalid_data', 'user', value);

  const user: EventUser = {};
  const data: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(raw)) {
    if (item === undefined || item === null || key === '__proto__') continue;
    switch (key) {
      case 'id':
      case 'email':
      case 'username':
      case 'name':
      case 'segment':
      case 'ip_address': {
        const text = coerceString(item)?.trim();
        if (text === undefined) log.add('invalid_data', `user.${key}`, item);
        else if (text) user[key] = truncate(text, key === 'email' ? 256 : NORMALIZE_LIMITS.frameString);
        break;
      }
      case 'geo':
      case 'data': {
        const bag = databagField(item, `user.${key}`, { maxDepth: 5, maxChars: 4096 }, log);
        if (isPlainObject(bag)) {
          if (key === 'geo') user.geo = bag;
          else Object.assign(data, bag);
        } else log.add('invalid_data', `user.${key}`, item);
        break;
      }
      default:
        data[stripNul(key)] = trimDatabag(item, { maxDepth: 5, maxChars: 2048 }).value;
    }
  }
  if (Object.keys(data).length) user.data = data;

  const ip = resolveUserIp(user.ip_address, event, clientIp);
  if (ip === undefined) delete user.ip_address;
  else if (isIpAddress(ip)) user.ip_address = ip;
  else {
    log.add('invalid_data', 'user.ip_address', ip);
    delete user.ip_address;
  }
  return Object.keys(user).length ? user : undefined;
}

function resolveUserIp(
  ip: string | undefined,
  event: NormalizedEvent,
  clientIp: string | undefined,
): string | undefined {
  if (ip === '{{auto}}') return clientIp;
  if (ip) return ip;
  const remoteAddr = event.request?.env?.REMOTE_ADDR;
  if (typeof remoteAddr === 'string' && isIpAddress(remoteAddr)) return remoteAddr;
  const inferIp = event.sdk?.settings?.infer_ip;
  if (inferIp === 'auto') return clientIp;
  if (inferIp === undefined && LEGACY_INFER_IP_PLATFORMS.has(event.platform)) return clientIp;
  return undefined;
}

const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)$/;

export function isIpAddress(value: string): boolean {
  if (IPV4.test(value)) return true;
  // IPv6 (optionally with a zone or an embedded IPv4 tail): hex groups and at most one "::".
  const address = value.replace(/%[\w.]+$/, '');
  if (!/^[0-9a-fA-F:.]+$/.test(address) || !address.includes(':')) return false;
  if ((address.match(/::/g) ?? []).length > 1) return false;
  const groups = address.split(':');
  const last = groups[groups.length - 1];
  if (last.includes('.') && !IPV4.test(last)) return false;
  return (
    groups.length <= 8 &&
    groups.every((group) => group === '' || /^[0-9a-fA-F]{1,4}$/.test(group) || group === last)
  );
}

export function normalizeRequest(
  value: unknown,
  clientIp: string | undefined,
  log: RepairLog,
): EventRequest | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isPlainObject(value)) {
    log.add('invalid_data', 'request', value);
    return undefined;
  }
  const request: EventRequest = {};
  let urlQuery: string | undefined;
  const url = coerceString(value.url)?.trim();
  if (url) {
    // The query string and fragment live in their own fields (Relay).
    let rest = url;
    const hash = rest.indexOf('#');
    if (hash !== -1) {
      const fragment = rest.slice(hash + 1);
      if (fragment) request.fragment = truncate(fragment, 1024);
      rest = rest.slice(0, hash);
    }
    const question = rest.indexOf('?');
    if (question !== -1) {
      urlQuery = rest.slice(question + 1);
      rest = rest.slice(0, question);
    }
    request.url = truncate(rest, 2048);
  }
  const method = coerceString(value.method)?.trim();
  if (method) request.method = method.toUpperCase().slice(0, 32);
  const fragment = coerceString(value.fragment);
  if (fragment) request.fragment = truncate(fragment, 1024);

  const query = pairsFrom(value.query_string ?? urlQuery, 'request.query_string', 'query', log);
  if (query?.length) request.query_string = query;
  const cookies = pairsFrom(value.cookies, 'request.cookies', 'cookie', log);
  if (cookies?.length) request.cookies = cookies;
  const headers = pairsFrom(value.headers, 'request.headers', 'header', log)
    ?.map(([name, headerValue]): [string, string] => [canonicalHeaderName(name), headerValue])
    .filter(([name]) => name !== 'Cookie');
  if (headers?.length) request.headers = sortPairs(headers);

  const env = databagField(value.env, 'request.env', { maxDepth: 3, maxChars: 4096 }, log);
  if (isPlainObject(env)) {
    if (env.REMOTE_ADDR === '{{auto}}') {
      if (clientIp) env.REMOTE_ADDR = clientIp;
      else delete env.REMOTE_ADDR;
    }
    request.env = env;
  }
  if (value.data !== undefined && value.data !== null && value.data !== '') {
    if (typeof value.data === 'string') {
      let text = stripNul(value.data);
      if (text.length > NORMALIZE_LIMITS.requestDataChars) {
        log.add('value_too_long', 'request.data', text.length);
        text = truncate(text, NORMALIZE_LIMITS.requestDataChars);
      }
      request.data = text;
    } else {
      request.data = databagField(
        value.data,
        'request.data',
        { maxDepth: 5, maxChars: NORMALIZE_LIMITS.requestDataChars },
        log,
      );
    }
  }
  const contentType = coerceString(value.inferred_content_type);
  if (contentType) request.inferred_content_type = truncate(contentType, 128);
  return Object.keys(request).length ? request : undefined;
}

/** Headers, cookies and query strings arrive as an object, a list of pairs, or a raw string. */
function pairsFrom(
  value: unknown,
  name: string,
  kind: 'query' | 'cookie' | 'header',
  log: RepairLog,
): Pairs | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  let pairs: Pairs = [];
  if (typeof value === 'string') {
    pairs = parseRawPairs(stripNul(value), kind);
  } else if (Array.isArray(value)) {
    for (const item of value) {
      if (Array.isArray(item) && item.length === 2) addPair(pairs, item[0], item[1]);
      else log.add('invalid_data', name, item);
    }
  } else if (isPlainObject(value)) {
    for (const [key, item] of Object.entries(value)) addPair(pairs, key, item);
  } else {
    log.add('invalid_data', name, value);
    return undefined;
  }
  if (pairs.length > 200) {
    log.add('items_trimmed', name, pairs.length);
    pairs = pairs.slice(0, 200);
  }
  return kind === 'header' ? pairs : sortPairs(pairs);
}

function addPair(pairs: Pairs, key: unknown, value: unknown): void {
  const name = coerceString(key)?.trim();
  if (!name) return;
  // PHP sends {"Header": ["value"]}.
  const values = Array.isArray(value) ? value : [value];
  const text = values
    .map((item) => coerceString(item))
    .filter((item): item is string => item !== undefined)
    .join(', ');
  if (value !== null && value !== undefined) pairs.push([truncate(name, 256), truncate(text, 2048)]);
}

function parseRawPairs(text: string, kind: 'query' | 'cookie' | 'header'): Pairs {
  const pairs: Pairs = [];
  if (kind === 'header') {
    for (const line of text.split(/\r?\n/)) {
      const colon = line.indexOf(':');
      if (colon > 0) addPair(pairs, line.slice(0, colon), line.slice(colon + 1).trim());
    }
    return pairs;
  }
  const separator = kind === 'cookie' ? /;\s*/ : '&';
  const body = kind === 'query' ? text.replace(/^\?/, '') : text;
  for (const part of body.split(separator)) {
    if (!part) continue;
    const equals = part.indexOf('=');
    const key = equals === -1 ? part : part.slice(0, equals);
    const value = equals === -1 ? '' : part.slice(equals + 1);
    addPair(
      pairs,
      kind === 'query' ? decodeQueryPart(key) : key.trim(),
      kind === 'query' ? decodeQueryPart(value) : value,
    );
  }
  return pairs;
}

function decodeQueryPart(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

function canonicalHeaderName(name: string): string {
  return name
    .split('-')
    .map((part) => (part ? part[0].toUpperCase() + part.slice(1).toLowerCase() : part))
    .join('-');
}

function sortPairs(pairs: Pairs): Pairs {
  return pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}
