import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AppConfig } from './app-config';

function readSecret(file: string): string | null {
  try {
    const secret = readFileSync(file, 'utf8').trim();
    return secret.length >= 32 ? secret : null;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/**
 * All-in-one without SECRET_KEY (a development or single-machine install): a random secret created once in the
 * data directory (`secret-key`, mode 0600) replaces the built-in development default, so that tokens and signed
 * links of one installation are not those of every other. The server and `manage` read the same file. Other roles
 * (several processes that must agree) keep requiring SECRET_KEY in production.
 */
export function withDataDirSecret(config: AppConfig, env: NodeJS.ProcessEnv = process.env): AppConfig {
  if (config.role !== 'all_in_one' || env.SECRET_KEY) return config;
  const dir = resolve(config.dataDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, 'secret-key');
  let secret = readSecret(file);
  if (!secret) {
    try {
      writeFileSync(file, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error; // created by a concurrent process
    }
    secret = readSecret(file);
    if (!secret) throw new Error(`${file} does not hold a usable secret; delete it to create a new one`);
  }
  return { ...config, secretKey: secret };
}
