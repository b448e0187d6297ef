import { EventContext, EventRequest } from './normalized-event.types';

/**
 * A small User-Agent parser for the browser/os/device contexts Sentry derives from the request's
 * `User-Agent` header. It covers the common browsers and systems; versions keep up to three numeric
 * components like ua-parser does (`Chrome/105.0.0.0` → `105.0.0`, `Firefox/105.0` → `105.0`).
 */

export interface UserAgentInfo {
  browser?: { name: string; version?: string };
  os?: { name: string; version?: string };
  device?: { family: string; model?: string; brand?: string };
}

interface BrowserRule {
  pattern: RegExp;
  name: string | ((ua: string) => string);
}

// Order matters: many browsers also claim to be Chrome and Safari.
const BROWSER_RULES: BrowserRule[] = [
  { pattern: /\bEdg(?:e|A|iOS)?\/(\d+(?:\.\d+)*)/, name: 'Edge' },
  { pattern: /\bOPR\/(\d+(?:\.\d+)*)/, name: 'Opera' },
  { pattern: /\bOpera\/[\d.]+.*Version\/(\d+(?:\.\d+)*)/, name: 'Opera' },
  { pattern: /\bSamsungBrowser\/(\d+(?:\.\d+)*)/, name: 'Samsung Internet' },
  { pattern: /\bYaBrowser\/(\d+(?:\.\d+)*)/, name: 'Yandex Browser' },
  { pattern: /\bVivaldi\/(\d+(?:\.\d+)*)/, name: 'Vivaldi' },
  { pattern: /\bFxiOS\/(\d+(?:\.\d+)*)/, name: 'Firefox iOS' },
  {
    pattern: /\bFirefox\/(\d+(?:\.\d+)*)/,
    name: (ua) => (/Mobile|Tablet|Android/.test(ua) ? 'Firefox Mobile' : 'Firefox'),
  },
  { pattern: /\bCriOS\/(\d+(?:\.\d+)*)/, name: 'Chrome Mobile iOS' },
  {
    pattern: /\bChrome\/(\d+(?:\.\d+)*)/,
    name: (ua) =>
      /; wv\)/.test(ua)
        ? 'Chrome Mobile WebView'
        : /Android/.test(ua) && /Mobile/.test(ua)
          ? 'Chrome Mobile'
          : 'Chrome',
  },
  { pattern: /\bChromium\/(\d+(?:\.\d+)*)/, name: 'Chromium' },
  {
    pattern: /\bVersion\/(\d+(?:\.\d+)*).*\bSafari\//,
    name: (ua) => (/iPhone|iPad|iPod|Mobile\//.test(ua) ? 'Mobile Safari' : 'Safari'),
  },
  { pattern: /\b(?:MSIE |Trident\/.*rv:)(\d+(?:\.\d+)*)/, name: 'IE' },
  { pattern: /^curl\/(\d+(?:\.\d+)*)/, name: 'curl' },
  { pattern: /^Wget\/(\d+(?:\.\d+)*)/, name: 'Wget' },
  { pattern: /^python-requests\/(\d+(?:\.\d+)*)/, name: 'Python Requests' },
  { pattern: /^okhttp\/(\d+(?:\.\d+)*)/, name: 'okhttp' },
];

const WINDOWS_NT_VERSIONS: Record<string, string> = {
  '10.0': '10',
  '6.3': '8.1',
  '6.2': '8',
  '6.1': '7',
  '6.0': 'Vista',
  '5.2': 'XP',
  '5.1': 'XP',
};

/** Keeps at most three dotted numeric components (`120.0.2210.91` → `120.0.2210`). */
function shortVersion(raw: string | undefined, separator = '.'): string | undefined {
  if (!raw) return undefined;
  const parts = raw.split(separator).filter((part) => /^\d+$/.test(part));
  return parts.length ? parts.slice(0, 3).join('.') : undefined;
}

function parseBrowser(ua: string): UserAgentInfo['browser'] {
  for (const rule of BROWSER_RULES) {
    const match = rule.pattern.exec(ua);
    if (match) {
      const name = typeof rule.name === 'string' ? rule.name : rule.name(ua);
      return { name, version: shortVersion(match[1]) };
    }
  }
  return undefined;
}

function parseOs(ua: string): UserAgentInfo['os'] {
  let match: RegExpExecArray | null;
  if ((match = /Windows NT (\d+\.\d+)/.exec(ua))) {
    return { name: 'Windows', version: WINDOWS_NT_VERSIONS[match[1]] ?? match[1] };
  }
  if ((match = /Windows Phone(?: OS)? ([\d.]+)/.exec(ua)))
    return { name: 'Windows Phone', version: match[1] };
  if ((match = /(?:iPhone|iPad|iPod).*? OS (\d+(?:_\d+)*)/.exec(ua))) {
    return { name: 'iOS', version: shortVersion(match[1], '_') };
  }
  if ((match = /Android[ /]?(\d+(?:\.\d+)*)?/.exec(ua)))
    return { name: 'Android', version: shortVersion(match[1]) };
  if ((match = /CrOS \S+ (\d+(?:\.\d+)*)/.exec(ua)))
    return { name: 'Chrome OS', version: shortVersion(match[1]) };
  if ((match = /Mac OS X (\d+(?:[_.]\d+)*)/.exec(ua))) {
    return { name: 'Mac OS X', version: shortVersion(match[1].replace(/_/g, '.')) };
  }
  if (/Macintosh/.test(ua)) return { name: 'Mac OS X' };
  for (const distro of ['Ubuntu', 'Fedora', 'Debian', 'CentOS', 'Mint', 'SUSE', 'Arch']) {
    if (new RegExp(`\\b${distro}\\b`).test(ua)) return { name: distro };
  }
  if (/FreeBSD/.test(ua)) return { name: 'FreeBSD' };
  if (/Linux/.test(ua)) return { name: 'Linux' };
  return undefined;
}

function parseDevice(ua: string): UserAgentInfo['device'] {
  let match: RegExpExecArray | null;
  if ((match = /\b(iPhone|iPad|iPod)\b/.exec(ua)))
    return { family: match[1], model: match[1], brand: 'Apple' };
  // "Linux; Android 13; Pixel 7 Build/TQ3A)" or "Linux; Android 13; Pixel 7)"
  if (
    (match = /Android[^;)]*;\s*(?:[a-z]{2}[-_][a-zA-Z]{2};\s*)?([^;)]+?)(?:\s+Build\/[^;)]*)?\)/.exec(ua))
  ) {
    const model = match[1].trim();
    // "K" is the frozen model of Chrome's reduced User-Agent: it says nothing.
    if (model && model !== 'K' && !/^(?:wv|Mobile|Linux|U)$/.test(model)) return { family: model, model };
  }
  if (/Macintosh/.test(ua)) return { family: 'Mac', model: 'Mac', brand: 'Apple' };
  return undefined;
}

export function parseUserAgent(userAgent: string): UserAgentInfo {
  const ua = userAgent.slice(0, 512);
  const info: UserAgentInfo = {};
  const browser = parseBrowser(ua);
  if (browser) info.browser = browser;
  const os = parseOs(ua);
  if (os) info.os = os;
  const device = parseDevice(ua);
  if (device) info.device = device;
  return info;
}

/**
 * The contexts with browser/os/device filled in from the request's User-Agent where the event lacks
 * them (Relay/GlitchTip). A server SDK's own OS is already in `os`, so the browser's OS then goes to
 * `client_os`. Idempotent: running it on its own output adds nothing.
 */
export function withUserAgentContexts(
  contexts: Record<string, EventContext> | undefined,
  request: EventRequest | undefined,
): Record<string, EventContext> | undefined {
  const userAgent = request?.headers?.find(([name]) => name.toLowerCase() === 'user-agent')?.[1];
  if (!userAgent) return contexts;
  const info = parseUserAgent(userAgent);
  const result: Record<string, EventContext> = { ...(contexts ?? {}) };
  if (info.browser && !result.browser) result.browser = { type: 'browser', ...definedOnly(info.browser) };
  if (info.os) {
    const os: EventContext = { type: 'os', ...definedOnly(info.os) };
    const known = [result.os, result.client_os].some(
      (context) => context && context.name === os.name && context.version === os.version,
    );
    if (!known) {
      if (!result.os) result.os = os;
      else if (!result.client_os) result.client_os = os;
    }
  }
  if (info.device && !result.device) result.device = { type: 'device', ...definedOnly(info.device) };
  return Object.keys(result).length ? result : undefined;
}

function definedOnly<T extends object>(value: T): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined));
}
