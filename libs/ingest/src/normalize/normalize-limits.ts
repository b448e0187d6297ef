/** Size limits of the normalized event (Relay's where it has one, else chosen to keep events bounded). */
export const NORMALIZE_LIMITS = {
  message: 8192,
  exceptionValue: 8192,
  culprit: 200,
  transaction: 200,
  tagKey: 200,
  tagValue: 200,
  logger: 64,
  environment: 64,
  release: 200,
  dist: 64,
  /** Any other single string (frame fields use `frameString`). */
  string: 16 * 1024,
  frameString: 1024,
  contextLines: 20,
  breadcrumbs: 100,
  /** Longer stack traces keep their first and last `framesKeptAtEachEnd` frames. */
  maxFrames: 500,
  framesKeptAtEachEnd: 250,
  exceptionValues: 50,
  threads: 100,
  fingerprintEntries: 50,
  fingerprintEntryChars: 1024,
  modules: 2000,
  databagDepth: 10,
  extraItemChars: 16 * 1024,
  extraTotalChars: 256 * 1024,
  contextChars: 8 * 1024,
  frameVarsChars: 4 * 1024,
  breadcrumbDataChars: 4 * 1024,
  requestDataChars: 8 * 1024,
  debugMetaChars: 256 * 1024,
  /** Relay: timestamps more than this far ahead of the receive time are replaced. */
  maxFutureSeconds: 60,
  maxPastSeconds: 30 * 24 * 3600,
  /** Relay corrects the clock drift when `sent_at` differs from the receive time by this much. */
  clockDriftSeconds: 55 * 60,
} as const;
