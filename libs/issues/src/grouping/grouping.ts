import { createHash } from 'node:crypto';
import { GroupingEvent, GroupingException, GroupingFrame, GroupingResult } from './grouping.types';

/** Bump when the components change: events hashed by another version land in new issues. */
export const GROUPING_VERSION = 'grouping:v1';

interface DefaultGrouping {
  strategy: string;
  components: string[];
}

/**
 * The issue hash of an event (docs/sentry-protocol.md §9, simplified): an SDK `fingerprint` when given
 * (`{{ default }}` and other variables expanded), else the exception types plus the in-app stack frames
 * (module or file basename + function; line numbers never count), else the message with its variable
 * parts (numbers, ids, dates, IPs, URLs...) replaced by placeholders, else the CSP directive and host.
 */
export function computeGroupingHash(ev: GroupingEvent): GroupingResult {
  const fallback = defaultGrouping(ev);
  const fingerprint = (ev.fingerprint ?? []).filter((entry): entry is string => typeof entry === 'string');
  if (!fingerprint.length) return hashOf(fallback.strategy, fallback.components);

  const components: string[] = [];
  let usesDefault = false;
  for (const entry of fingerprint) {
    const variable = fingerprintVariable(entry);
    if (variable === 'default') {
      usesDefault = true;
      components.push(...fallback.components);
    } else if (variable !== undefined) {
      components.push(`fingerprint:${resolveFingerprintVariable(variable, entry, ev)}`);
    } else {
      components.push(`fingerprint:${entry}`);
    }
  }
  return hashOf(usesDefault ? `fingerprint+${fallback.strategy}` : 'fingerprint', components);
}

function hashOf(strategy: string, components: string[]): GroupingResult {
  const hash = createHash('md5')
    .update(`${GROUPING_VERSION}\n${JSON.stringify(components)}`)
    .digest('hex');
  return { hash, strategy };
}

// ---------------------------------------------------------------------------------------------------
// Default grouping

function defaultGrouping(ev: GroupingEvent): DefaultGrouping {
  const directive = ev.csp?.effective_directive || ev.csp?.violated_directive?.trim().split(/\s+/)[0];
  if (directive)
    return { strategy: 'csp', components: ['csp', directive, blockedHost(ev.csp?.blocked_uri ?? '')] };

  const exceptions = (ev.exception?.values ?? []).filter((value): value is GroupingException => !!value);
  const onlySynthetic =
    exceptions.length > 0 && exceptions.every((value) => value.mechanism?.synthetic === true);
  if (exceptions.length && !onlySynthetic) return exceptionGrouping(exceptions, ev.platform);

  // captureMessage (with or without its synthetic stack): the message is what identifies the problem.
  const message =
    groupingMessage(ev) ?? (onlySynthetic ? exceptions[exceptions.length - 1].value : undefined);
  const normalizedMessage = message ? normalizeMessageForGrouping(message) : '';
  if (normalizedMessage) return { strategy: 'message', components: ['message', normalizedMessage] };

  if (exceptions.length) return exceptionGrouping(exceptions, ev.platform);
  const frames = standaloneFrames(ev);
  if (frames.length) {
    const components = frameComponents(
      frames,
      frames.some((frame) => frame?.in_app === true),
      ev.platform,
    );
    if (components.some((component) => !component.endsWith('|'))) {
      return { strategy: 'stacktrace', components: ['stacktrace', ...components] };
    }
  }
  return { strategy: 'empty', components: ['empty'] };
}

function exceptionGrouping(
  exceptions: GroupingException[],
  platform: string | null | undefined,
): DefaultGrouping {
  // In-app frames only when the event has any (Sentry's "app" variant), else every frame ("system").
  const inAppOnly = exceptions.some((value) =>
    (value.stacktrace?.frames ?? []).some((frame) => frame?.in_app === true),
  );
  const perException = exceptions.map((value) => ({
    value,
    type: value.mechanism?.synthetic ? undefined : value.type?.trim() || undefined,
    frames: frameComponents(value.stacktrace?.frames ?? [], inAppOnly, platform),
  }));
  const allFrames = perException.flatMap((entry) => entry.frames);
  // Frames that only name a file (minified JS without function names) cannot tell errors apart: add the value.
  const framesIdentify = allFrames.some((component) => !component.endsWith('|'));

  const components = ['exception'];
  for (const entry of perException) {
    if (entry.type) components.push(`type:${entry.type}`);
    components.push(...entry.frames.map((component) => `frame:${component}`));
    if (!framesIdentify && entry.value.value)
      components.push(`value:${normalizeMessageForGrouping(entry.value.value)}`);
  }
  return { strategy: allFrames.length && framesIdentify ? 'exception' : 'exception-value', components };
}

function standaloneFrames(ev: GroupingEvent): GroupingFrame[] {
  const frames = ev.stacktrace?.frames;
  if (frames?.length) return frames;
  const threads = ev.threads?.values ?? [];
  return threads.length === 1 ? (threads[0]?.stacktrace?.frames ?? []) : [];
}

/** `location|function` per contributing frame, consecutive repeats (recursion) collapsed. */
function frameComponents(
  frames: Array<GroupingFrame | null | undefined>,
  inAppOnly: boolean,
  platform: string | null | undefined,
): string[] {
  const components: string[] = [];
  for (const frame of frames) {
    if (!frame || (inAppOnly && frame.in_app !== true)) continue;
    const framePlatform = frame.platform || platform || '';
    const location = frame.module
      ? normalizeModule(frame.module)
      : normalizeFilename(frame.filename || frame.abs_path || '');
    const fn = normalizeFunction(frame.function || frame.raw_function || '', framePlatform);
    if (!location && !fn) continue;
    const component = `${location}|${fn}`;
    if (components[components.length - 1] !== component) components.push(component);
  }
  return components;
}

const JS_PLATFORMS = new Set(['javascript', 'node']);
const IGNORED_FUNCTIONS = new Set([
  '?',
  '<anonymous>',
  'anonymous',
  '<lambda>',
  '{closure}',
  '<unknown>',
  '<redacted>',
]);

function normalizeFunction(raw: string, platform: string): string {
  let fn = raw.trim();
  if (!fn || IGNORED_FUNCTIONS.has(fn)) return '';
  if (JS_PLATFORMS.has(platform)) {
    // "async Foo.bar", "new Foo", Firefox's "outer/<", "Object.<anonymous>" → the last name part.
    fn = fn
      .replace(/^(?:async|new)\s+/, '')
      .replace(/(?:\/<)+$/, '')
      .replace(/\/<\//g, '.')
      .replace(/\s*\[as [^\]]*\]$/, '');
    const dot = fn.lastIndexOf('.');
    if (dot !== -1) fn = fn.slice(dot + 1);
    return IGNORED_FUNCTIONS.has(fn) || /^<.*>$/.test(fn) ? '' : fn;
  }
  return (
    fn
      // Ruby: "block (2 levels) in call" → "block in call"; erb template methods carry generated ids.
      .replace(/^block \(\d+ levels\) in /, 'block in ')
      .replace(/(_erb)_+\d+_\d+$/, '$1')
      // Java/Kotlin lambdas and .NET compiler-generated names are numbered per build.
      .replace(/lambda\$(\w+?)\$\d+$/, 'lambda$$$1')
      .replace(/\|\d+_\d+/g, '')
      .replace(/(b__)\d+_\d+/g, '$1')
  );
}

const IGNORED_FILENAMES = new Set([
  '<anonymous>',
  '[native code]',
  'native',
  '<unknown>',
  'unknown',
  '<eval>',
]);

/** Basename, lowercased, with build hashes and versions replaced (`app.3f2a1b.js` → `app.<hash>.js`). */
export function normalizeFilename(raw: string): string {
  let name = raw.trim();
  if (!name || IGNORED_FILENAMES.has(name)) return '';
  name = name.replace(/[?#].*$/, '');
  // A URL's origin never counts; the basename of its path does.
  name = name.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '');
  const parts = name.split(/[\\/]/).filter(Boolean);
  const base = (parts[parts.length - 1] ?? '').toLowerCase();
  return base ? normalizeGeneratedParts(base) : '';
}

function normalizeModule(raw: string): string {
  return normalizeGeneratedParts(
    raw
      .trim()
      // Java/Clojure generated classes (Sentry normalizes them to <auto>).
      .replace(/\$\$Lambda\$[^.\s]*/g, '$$$$Lambda$$<auto>')
      .replace(/\$\$(EnhancerBy|FastClassBy)(Spring)?CGLIB\$\$[0-9a-f]+/gi, '$$$$$1$2CGLIB$$$$<auto>')
      .replace(/_\$\$_jvst[0-9a-f]+_[0-9a-f]+/gi, '_$$$$_jvst<auto>')
      .replace(/\$HibernateProxy\$\w+/g, '$$HibernateProxy$$<auto>')
      // .NET async state machines and closures: "Foo+<<Invoke>g__Await|6_0>d", "<>c__DisplayClass12_0".
      .replace(/\|\d+_\d+>/g, '>')
      .replace(/(DisplayClass)\d+_\d+/g, '$1'),
  );
}

const HASH_SEGMENT =
  /^(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{5,}$|^(?=[a-z0-9]*\d)(?=[a-z0-9]*[a-z])[a-z0-9]{8,}$/i;

function normalizeGeneratedParts(name: string): string {
  return name
    .replace(/(^|[-_.@])v?\d+(?:\.\d+){1,3}(?=[-_.]|$)/g, '$1<version>')
    .split(/([-_.])/)
    .map((segment, index, segments) =>
      HASH_SEGMENT.test(segment)
        ? '<hash>'
        : /^\d+$/.test(segment) && index < segments.length - 1
          ? '<int>'
          : segment,
    )
    .join('');
}

function blockedHost(blockedUri: string): string {
  const text = blockedUri.trim();
  const match = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(text);
  if (match) return match[1].replace(/^[^@]*@/, '').toLowerCase();
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(text);
  return scheme ? `${scheme[1].toLowerCase()}:` : text.replace(/^'|'$/g, '');
}

// ---------------------------------------------------------------------------------------------------
// Messages

function hasParams(params: unknown): boolean {
  if (Array.isArray(params)) return params.length > 0;
  return typeof params === 'object' && params !== null && Object.keys(params).length > 0;
}

/** The template when the message has params (its variable parts are then known), else the text. */
function groupingMessage(ev: GroupingEvent): string | undefined {
  const logentry = ev.logentry;
  if (logentry) {
    const text = (hasParams(logentry.params) && logentry.message) || logentry.formatted || logentry.message;
    if (text && text.trim()) return text;
  }
  const message = ev.message;
  if (typeof message === 'string' && message.trim()) return message;
  if (typeof message === 'object' && message !== null) {
    const legacy = message as { message?: unknown; formatted?: unknown };
    const text = typeof legacy.formatted === 'string' ? legacy.formatted : legacy.message;
    if (typeof text === 'string' && text.trim()) return text;
  }
  return undefined;
}

const MESSAGE_LINE_CHARS = 1024;

/** Variable parts of messages, most specific first (a URL contains numbers, a date contains a time...). */
const MESSAGE_PATTERNS: Array<[RegExp, string]> = [
  [/\b[a-z][a-z0-9+.-]*:\/\/[^\s'"<>()]+/gi, '<url>'],
  [/[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g, '<email>'],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<uuid>'],
  [
    /\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?(?![\w:])/g,
    '<date>',
  ],
  [/\b\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?\b/g, '<time>'],
  [/\b(?:\d{1,3}\.){3}\d{1,3}(?::\d{1,5})?\b/g, '<ip>'],
  [/(?<![\w:])(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}(?![\w:])/gi, '<ip>'],
  [
    /(?<![\w:])(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4})*)?::(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4})*)?(?![\w:])/gi,
    '<ip>',
  ],
  [/\b0x[0-9a-f]+\b/gi, '<hex>'],
  [/\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{8,}\b/gi, '<hex>'],
  [
    /(?<![\w.])\d+(?:\.\d+)?\s?(?:ms|µs|us|ns|secs?|seconds?|mins?|minutes?|hours?|hrs?|days?|s|m|h)\b/gi,
    '<duration>',
  ],
  [/(?<![\w.])-?\d+\.\d+(?![\w.])/g, '<float>'],
  [/(?<![A-Za-z0-9])-?\d+(?![A-Za-z0-9])/g, '<int>'],
];

/**
 * The message as grouping sees it: its first two non-empty lines, whitespace collapsed, and numbers,
 * hex values, UUIDs, IPs, e-mail addresses, dates, times, durations and URLs replaced by placeholders
 * (`<int>`, `<uuid>`...). "User 123 not found" and "User 456 not found" give the same text.
 */
export function normalizeMessageForGrouping(message: string): string {
  const lines: string[] = [];
  for (const line of message.split(/\r\n|\r|\n/)) {
    const text = line.replace(/\s+/g, ' ').trim();
    if (!text) continue;
    lines.push(text.slice(0, MESSAGE_LINE_CHARS));
    if (lines.length === 2) break;
  }
  let text = lines.join('\n');
  for (const [pattern, placeholder] of MESSAGE_PATTERNS) text = text.replace(pattern, placeholder);
  return text;
}

// ---------------------------------------------------------------------------------------------------
// Fingerprint variables

function fingerprintVariable(entry: string): string | undefined {
  const match = /^\{\{\s*([\w.:-]+)\s*\}\}$/.exec(entry.trim());
  return match ? match[1].toLowerCase() : undefined;
}

function resolveFingerprintVariable(variable: string, entry: string, ev: GroupingEvent): string {
  const exceptions = ev.exception?.values ?? [];
  const mainException =
    [...exceptions].reverse().find((value) => value?.type) ?? exceptions[exceptions.length - 1];
  switch (variable) {
    case 'transaction':
      return ev.transaction || '<no-transaction>';
    case 'type':
    case 'error.type':
      return mainException?.type || '<no-type>';
    case 'value':
    case 'error.value':
      return mainException?.value || '<no-value>';
    case 'message':
      return groupingMessage(ev) ?? '<no-message>';
    case 'level':
      return ev.level || '<no-level>';
    case 'logger':
      return ev.logger || '<no-logger>';
    case 'function':
    case 'stack.function':
      return crashFrame(ev)?.function || '<no-function>';
    case 'module':
    case 'stack.module':
      return crashFrame(ev)?.module || '<no-module>';
  }
  if (variable.startsWith('tags.')) {
    const name = variable.slice('tags.'.length);
    return tagValue(ev, name) ?? `<no-value-for-tag-${name}>`;
  }
  // Unknown variables stay literal.
  return entry;
}

function crashFrame(ev: GroupingEvent): GroupingFrame | undefined {
  const exceptions = ev.exception?.values ?? [];
  const frames = exceptions[exceptions.length - 1]?.stacktrace?.frames ?? standaloneFrames(ev);
  const present = frames.filter((frame): frame is GroupingFrame => !!frame);
  return [...present].reverse().find((frame) => frame.in_app) ?? present[present.length - 1];
}

function tagValue(ev: GroupingEvent, name: string): string | undefined {
  const tags = ev.tags;
  if (!tags) return undefined;
  const entries: ReadonlyArray<readonly [string, string]> = Array.isArray(tags)
    ? (tags as ReadonlyArray<readonly [string, string]>)
    : Object.entries(tags as Record<string, string>);
  const wanted = name.toLowerCase();
  return entries.find(([key]) => key.toLowerCase() === wanted)?.[1];
}
