import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppConfig, ConfigError, loadConfig } from '@app/core';
import { ApiModule } from './api.module';
import { configureHttpApp } from './configure-http-app';
import { migrateDatabase } from './migrate';

function configOrExit(): AppConfig {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(78);
    }
    throw error;
  }
}

async function bootstrap(): Promise<void> {
  const config = configOrExit();
  const logger = new Logger('Main');
  if (config.role === 'worker') {
    console.error('SERVER_ROLE=worker runs the worker: use `npm run start:worker`.');
    process.exit(78);
  }
  if (!config.databaseUrl) {
    console.error('DATABASE_URL is not set. Set DATABASE_URL and REDIS_URL (see .env.example).');
    process.exit(78);
  }
  if (config.migrateOnStart) {
    const { applied } = await migrateDatabase(config.databaseUrl);
    if (applied.length) logger.log(`Applied migrations: ${applied.join(', ')}`);
  }
  const app = await NestFactory.create(ApiModule.forRoot(config), {
    logger: [config.logLevel, 'error', 'warn', 'log'],
  });
  await configureHttpApp(app);
  await app.listen(config.port, config.host);
  logger.log(
    `GlitchTip-TS api listening on http://${config.host}:${config.port} (public URL ${config.domain})`,
  );
}

void bootstrap();
