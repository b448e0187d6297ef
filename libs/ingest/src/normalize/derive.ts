import { ExceptionValue, NormalizedEvent, StackFrame } from './normalized-event.types';
import { truncate } from './normalize-utils';

export type EventSummaryType = 'error' | 'default' | 'csp';

export interface EventSummary {
  type: EventSummaryType;
  title: string;
  culprit: string;
  metadata: Record<string, unknown>;
}

/** Sentry cuts titles and values with its `truncatechars`: the kept text plus "..." is at most the limit. */
const TITLE_VALUE_CHARS = 100;
const CULPRIT_CHARS = 200;
const METADATA_VALUE_CHARS = 1024;
const METADATA_TYPE_CHARS = 128;
const UNKNOWN_FUNCTIONS = new Set(['<redacted>', '<unknown>']);
const JS_PLATFORMS = new Set(['javascript', 'node']);
const NATIVE_PLATFORMS = new Set(['objc', 'cocoa', 'native']);

/**
 * Type, title, culprit and metadata of an event as Sentry shows them (`sentry/eventtypes/*.py`,
 * `sentry/culprit.py`; see docs/glitchtip-backend.md §4.2). One deliberate addition (§13.1): an event
 * whose exceptions are all synthetic and that has a message (`captureMessage` with `attachStacktrace`)
 * is summarized as the message event it is.
 */
export function deriveEventSummary(ev: NormalizedEvent): EventSummary {
  if (ev.csp && (ev.type === 'csp' || !ev.exception)) return cspSummary(ev);
  const exceptions = ev.exception?.values ?? [];
  const last = exceptions[exceptions.length - 1];
  if (last && !isMessageWithSyntheticStack(ev)) return errorSummary(ev, last);
  return defaultSummary(ev);
}

/** True for a `captureMessage` event that carries a stack in a synthetic exception. */
export function isMessageWithSyntheticStack(ev: NormalizedEvent): boolean {
  const exceptions = ev.exception?.values ?? [];
  return (
    exceptions.length > 0 &&
    exceptions.every((exception) => exception.mechanism?.synthetic === true) &&
    !!messageText(ev)
  );
}

function messageText(ev: NormalizedEvent): string {
  return (ev.logentry?.formatted || ev.logentry?.message || '').trim();
}

function firstLine(text: string): string {
  const newline = text.search(/\r\n|\r|\n/);
  return newline === -1 ? text : text.slice(0, newline);
}

function errorSummary(ev: NormalizedEvent, last: ExceptionValue): EventSummary {
  const value = last.value ?? '';
  const metadata: Record<string, unknown> = { value: truncate(value, METADATA_VALUE_CHARS) };
  // A synthetic exception's type is made up by the SDK (e.g. a signal name): Sentry leaves it out.
  const synthetic = last.mechanism?.synthetic === true;
  if (!synthetic) metadata.type = truncate(last.type ?? 'Error', METADATA_TYPE_CHARS);
  const crashFrame = findCrashFrame(ev);
  if (crashFrame) {
    const filename = crashFrame.filename || crashFrame.abs_path;
    if (filename) metadata.filename = filename;
    const fn = crashFrame.function || crashFrame.raw_function;
    // "?" is how JS SDKs spell an unknown function; Sentry shows none.
    if (fn && fn !== '?') metadata.function = fn;
  }

  let title: string;
  const type = metadata.type as string | undefined;
  if (type === undefined) {
    // Sentry falls back to the function here; the value (e.g. captureException('text')) says more.
    title = truncate(firstLine(value), TITLE_VALUE_CHARS) || (metadata.function as string) || '<unknown>';
  } else if (!value) {
    title = type;
  } else {
    title = `${type}: ${truncate(firstLine(value), TITLE_VALUE_CHARS)}`;
  }
  return { type: 'error', title, culprit: deriveCulprit(ev), metadata };
}

function defaultSummary(ev: NormalizedEvent): EventSummary {
  const message = messageText(ev);
  const title = message ? truncate(firstLine(message), TITLE_VALUE_CHARS) : '<unlabeled event>';
  return { type: 'default', title, culprit: deriveCulprit(ev), metadata: { title } };
}

function cspSummary(ev: NormalizedEvent): EventSummary {
  const csp = ev.csp ?? {};
  const directive = csp.effective_directive || csp.violated_directive?.trim().split(/\s+/)[0] || '';
  const uri = blockedUriHost(csp.blocked_uri ?? '');
  // GlitchTip's wording: "Blocked 'style-elem' from 'example.com'".
  const title = `Blocked '${directive.replace(/-src/g, '')}' from '${uri}'`;
  return {
    type: 'csp',
    title,
    culprit: truncate(directive, CULPRIT_CHARS),
    metadata: { directive, uri, message: title },
  };
}

/** The host of a blocked URI; keywords such as `inline`, `eval` or `data` are kept as they are. */
export function blockedUriHost(blockedUri: string): string {
  const text = blockedUri.trim();
  const match = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(text);
  if (match) return match[1].replace(/^[^@]*@/, '');
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(text);
  if (scheme) return `${scheme[1].toLowerCase()}:`;
  return text.replace(/^'|'$/g, '');
}

/**
 * The frame shown as the crash location: the last in-app frame with a known function, else the last
 * frame with one. Frames come from the last exception, else the top-level stack trace, else the only thread.
 */
export function findCrashFrame(ev: NormalizedEvent): StackFrame | undefined {
  const frames = crashFrames(ev);
  let fallback: StackFrame | undefined;
  for (let i = frames.length - 1; i >= 0; i--) {
    const frame = frames[i];
    if (!frame.function || UNKNOWN_FUNCTIONS.has(frame.function)) continue;
    if (frame.in_app) return frame;
    fallback ??= frame;
  }
  return fallback;
}

function crashFrames(ev: NormalizedEvent): StackFrame[] {
  const exceptions = ev.exception?.values ?? [];
  const fromException = exceptions[exceptions.length - 1]?.stacktrace?.frames;
  if (fromException?.length) return fromException;
  if (ev.stacktrace?.frames.length) return ev.stacktrace.frames;
  const threads = ev.threads?.values ?? [];
  return threads.length === 1 ? (threads[0].stacktrace?.frames ?? []) : [];
}

/** The event's `culprit`, else its `transaction`, else a location computed from the stack or the URL. */
export function deriveCulprit(ev: NormalizedEvent): string {
  const explicit = ev.culprit || ev.transaction;
  if (explicit) return truncate(explicit, CULPRIT_CHARS);
  return truncate(stackCulprit(ev), CULPRIT_CHARS);
}

function stackCulprit(ev: NormalizedEvent): string {
  const exceptions = ev.exception?.values ?? [];
  let frames: StackFrame[] | undefined;
  if (exceptions.length) {
    // Synthetic exceptions point at the SDK call, not at a culprit.
    if (exceptions[exceptions.length - 1].mechanism?.synthetic) return '';
    const withFrames = exceptions.filter((exception) => exception.stacktrace?.frames.length);
    frames = withFrames[withFrames.length - 1]?.stacktrace?.frames;
  } else if (ev.stacktrace?.frames.length) {
    frames = ev.stacktrace.frames;
  }
  const culprit = frames ? framesCulprit(frames, ev.platform) : '';
  return culprit || ev.request?.url || '';
}

function framesCulprit(frames: StackFrame[], platform: string): string {
  let fallback: string | undefined;
  for (let i = frames.length - 1; i >= 0; i--) {
    const frame = frames[i];
    if (frame.in_app) {
      const culprit = frameCulprit(frame, platform);
      if (culprit) return culprit;
    } else if (fallback === undefined) {
      fallback = frameCulprit(frame, platform);
    }
  }
  return fallback ?? '';
}

function frameCulprit(frame: StackFrame, eventPlatform: string): string {
  const platform = frame.platform || eventPlatform;
  const fn = frame.function || '?';
  if (NATIVE_PLATFORMS.has(platform)) return fn;
  const location = frame.module || frame.filename;
  if (!location) return '';
  return JS_PLATFORMS.has(platform) ? `${fn}(${location})` : `${location} in ${fn}`;
}
