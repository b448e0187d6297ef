import 'reflect-metadata';
import { DynamicModule, INestApplication, Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import {
  AppConfig,
  ConfigError,
  EmbeddedPostgres,
  loadConfig,
  logLevels,
  PidLockedError,
  surviveStrayErrors,
  withDataDirSecret,
} from '@app/core';
import { startWorker } from '../../worker/src/main';
import { WorkerModule } from '../../worker/src/worker.module';
import { ApiModule } from './api.module';
import { configureHttpApp } from './configure-http-app';
import { migrateDatabase } from './migrate';

function configOrExit(): AppConfig {
  try {
    return withDataDirSecret(loadConfig());
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(78);
    }
    throw error;
  }
}

@Module({})
class AllInOneModule {}

/** SERVER_ROLE=api: the HTTP api alone. all_in_one: the api and the worker (consumers, schedules) in one process. */
function rootModule(config: AppConfig): DynamicModule {
  if (config.role === 'api') return ApiModule.forRoot(config);
  return {
    module: AllInOneModule,
    imports: [ApiModule.forRoot(config), WorkerModule.forRoot(config, true)],
  };
}

/**
 * Stops in order on SIGTERM / Ctrl-C: HTTP closes (requests in progress finish), the worker processes every event
 * already accepted, connections close, then the embedded database shuts down cleanly.
 *
 * Nest's own signal handler (configureHttpApp enables it) runs the same shutdown and then re-raises the signal;
 * this handler stays registered, so the re-raised signal lands here and is ignored until the database is closed.
 */
function stopOnSignals(app: INestApplication, embedded: EmbeddedPostgres | null, logger: Logger): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal}: stopping; events already accepted are processed first`);
    app
      .close()
      .then(() => embedded?.stop())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error(`shutdown failed: ${(error as Error)?.stack ?? String(error)}`);
          process.exit(1);
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

async function bootstrap(): Promise<void> {
  surviveStrayErrors();
  const config = configOrExit();
  if (config.role === 'worker') {
    await startWorker(config);
    return;
  }
  const logger = new Logger('Main');
  let embedded: EmbeddedPostgres | null = null;
  if (!config.databaseUrl) {
    try {
      embedded = await EmbeddedPostgres.start(config.dataDir, {
        onError: (error) => logger.error(`embedded PostgreSQL: ${error.stack ?? error.message}`),
      });
    } catch (error) {
      if (error instanceof PidLockedError) {
        console.error(
          `Another GlitchTip-TS process (pid ${error.pid}) is using ${resolve(config.dataDir)}. ` +
            'Stop it first, or set GLITCHTIP_DATA_DIR to another directory.',
        );
        process.exit(1);
      }
      throw error;
    }
    logger.log(`Embedded PostgreSQL open in ${resolve(config.dataDir)}`);
  }
  let app: INestApplication | null = null;
  try {
    const databaseUrl = config.databaseUrl ?? embedded!.url;
    // The embedded database is this process's own: always bring it up to date.
    if (config.migrateOnStart || embedded) {
      const { applied } = await migrateDatabase(databaseUrl);
      if (applied.length) logger.log(`Applied migrations: ${applied.join(', ')}`);
    }
    app = await NestFactory.create(rootModule(config), { logger: logLevels(config), abortOnError: false });
    await configureHttpApp(app);
    await app.listen(config.port, config.host);
  } catch (error) {
    // Shut down what did start (the embedded database above all) before reporting the failure.
    await app?.close().catch(() => undefined);
    await embedded?.stop().catch(() => undefined);
    throw error;
  }
  stopOnSignals(app, embedded, logger);
  printWelcome(config, (app.getHttpServer().address() as AddressInfo).port);
}

bootstrap().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
