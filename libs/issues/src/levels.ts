import { EventLevel } from './entities/issue.entity';

/** GlitchTip's level names, as SDKs send them and the API shows them, by stored number. */
export const LEVEL_BY_NAME: Readonly<Record<string, EventLevel>> = {
  sample: EventLevel.Sample,
  debug: EventLevel.Debug,
  info: EventLevel.Info,
  warning: EventLevel.Warning,
  error: EventLevel.Error,
  fatal: EventLevel.Fatal,
};

const NAME_BY_LEVEL = Object.fromEntries(Object.entries(LEVEL_BY_NAME).map(([name, level]) => [level, name]));

/** The name of a stored level; `error` for a number outside the scale. */
export function levelName(level: number): string {
  return NAME_BY_LEVEL[level] ?? 'error';
}
