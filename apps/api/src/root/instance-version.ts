import { readFileSync } from 'node:fs';
import { join } from 'node:path';

let cached: string | undefined;

/** The version in package.json (found from the sources and from dist/), reported by /api/settings/. */
export function instanceVersion(): string {
  if (cached) return cached;
  for (const candidate of [
    join(__dirname, '../../../../package.json'),
    join(__dirname, '../../../../../package.json'),
  ]) {
    try {
      return (cached = (JSON.parse(readFileSync(candidate, 'utf8')) as { version: string }).version);
    } catch {
      /* try the next layout (source vs dist) */
    }
  }
  return (cached = '0.0.0');
}
