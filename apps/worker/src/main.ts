import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createServer } from 'node:http';
import { ConfigError, loadConfig } from '@app/core';
import { WorkerModule } from './worker.module';

async function bootstrap(): Promise<void> {
  let config;
  try {
    config = loadConfig({ SERVER_ROLE: 'worker', ...process.env });
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(78);
    }
    throw error;
  }
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), {
    logger: [config.logLevel, 'error', 'warn', 'log'],
  });
  app.enableShutdownHooks();
  // A tiny liveness endpoint for container health checks (WORKER_HEALTH_PORT, off when unset).
  const healthPort = Number(process.env.WORKER_HEALTH_PORT);
  if (healthPort > 0) {
    createServer((_req, res) =>
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"status":"ok"}'),
    ).listen(healthPort);
  }
  new Logger('Main').log('GlitchTip-TS worker started');
}

void bootstrap();
