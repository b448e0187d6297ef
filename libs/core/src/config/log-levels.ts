import type { LogLevel } from '@nestjs/common';
import { AppConfig } from './app-config';

const ORDER: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

/** Nest's logger levels for LOG_LEVEL: that level and every more severe one. */
export function logLevels(config: Pick<AppConfig, 'logLevel'>): LogLevel[] {
  return ORDER.slice(0, ORDER.indexOf(config.logLevel) + 1);
}
