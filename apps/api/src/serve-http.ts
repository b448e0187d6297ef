import { DynamicModule, INestApplication, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { AppConfig, ConfigError, EmbeddedPostgres, logLevels, PidLockedError } from '@app/core';
import { configureHttpApp } from './configure-http-app';
import { migrateDatabase } from './migrate';

/** Ends the process; the entry point passes `process.exit`, which is the only code that may end one. */
export type ExitProcess = (code: number) => never;

/** The configuration, or `exit(78)` (EX_CONFIG) after listing every bad setting. */
export function configOrExit(load: () => AppConfig, exit: ExitProcess): AppConfig {
  try {
    return load();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      exit(78);
    }
    throw error;
  }
}

/** Opens the embedded PostgreSQL in the data directory, or exits when another process holds it. */
async function openEmbeddedDatabase(
  config: AppConfig,
  logger: Logger,
  exit: ExitProcess,
): Promise<EmbeddedPostgres> {
  try {
    const embedded = await EmbeddedPostgres.start(config.dataDir, {
      onError: (error) => logger.error(`embedded PostgreSQL: ${error.stack ?? error.message}`),
    });
    logger.log(
      `Embedded PostgreSQL open in ${resolve(config.dataDir)}` +
        (embedded.threaded ? ' (on its own thread)' : ''),
    );
    return embedded;
  } catch (error) {
    if (error instanceof PidLockedError) {
      console.error(
        `Another GlitchTip-TS process (pid ${error.pid}) is using ${resolve(config.dataDir)}. ` +
          'Stop it first, or set GLITCHTIP_DATA_DIR to another directory.',
      );
      exit(1);
    }
    throw error;
  }
}

/**
 * Stops in order on SIGTERM / Ctrl-C: HTTP closes (requests in progress finish), the worker (when in this process)
 * processes every event already accepted, connections close, then the embedded database shuts down cleanly.
 *
 * Nest's own signal handler (configureHttpApp enables it) runs the same shutdown and then re-raises the signal;
 * this handler stays registered, so the re-raised signal lands here and is ignored until the database is closed.
 */
function stopOnSignals(
  app: INestApplication,
  embedded: EmbeddedPostgres | null,
  logger: Logger,
  exit: ExitProcess,
): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal}: stopping; events already accepted are processed first`);
    app
      .close()
      .then(() => embedded?.stop())
      .then(
        () => exit(0),
        (error: unknown) => {
          logger.error(`shutdown failed: ${(error as Error)?.stack ?? String(error)}`);
          exit(1);
        },
      );
  };
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGQUIT'] as const) process.on(signal, stop);
}

function printWelcome(config: AppConfig, port: number): void {
  const mode =
    config.role === 'api'
      ? 'api'
      : `all-in-one (api + worker): ${config.databaseUrl ? 'PostgreSQL' : `embedded PostgreSQL in ${resolve(config.dataDir)}`}, ${config.redisUrl ? 'Bull on Redis' : 'in-process queue'}`;
  const lines = [
    '',
    `GlitchTip-TS is running: ${mode}`,
    `  Listening on http://${config.host}:${port}  (public URL ${config.domain})`,
    '  Get a DSN and an API token (idempotent: run it again to see them again):',
    `    npm run manage -- bootstrap --email you@example.com --password 'choose-a-password' --org "My Org" --project "My Project"`,
    '  Stop with Ctrl-C: events already accepted are processed before it exits.',
    '',
  ];
  console.log(lines.join('\n'));
}

/**
 * Serves HTTP with `rootModule` (the api alone, or the api and the worker in one process): migrates when asked to
 * (always for the embedded database, which is this process's own), listens, and stops cleanly on signals.
 */
export async function serveHttp(
  config: AppConfig,
  rootModule: DynamicModule,
  exit: ExitProcess,
): Promise<void> {
  const logger = new Logger('Main');
  const embedded = config.databaseUrl ? null : await openEmbeddedDatabase(config, logger, exit);
  let app: INestApplication | null = null;
  try {
    const databaseUrl = config.databaseUrl ?? embedded!.url;
    if (config.migrateOnStart || embedded) {
      const { applied } = await migrateDatabase(databaseUrl);
      if (applied.length) logger.log(`Applied migrations: ${applied.join(', ')}`);
    }
    app = await NestFactory.create(rootModule, { logger: logLevels(config), abortOnError: false });
    await configureHttpApp(app);
    await app.listen(config.port, config.host);
  } catch (error) {
    // Shut down what did start (the embedded database above all) before reporting the failure.
    await app?.close().catch(() => undefined);
    await embedded?.stop().catch(() => undefined);
    throw error;
  }
  stopOnSignals(app, embedded, logger, exit);
  printWelcome(config, (app.getHttpServer().address() as AddressInfo).port);
}
