import { INestApplication, Logger } from '@nestjs/common';
import { SwaggerModule } from '@nestjs/swagger';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { APP_CONFIG, AppConfig, IngestQueue, SharedStore } from '@app/core';
import { ProjectKeyCache } from '@app/projects';
import { bindTrustedProxies } from './common/client-address';
import { ControlCharactersGuard } from './common/control-characters.guard';
import { HttpExceptionFilter } from './common/http-exception.filter';
import { ErrorPageHandler } from './embed/error-page-handler';
import { IngestHandler } from './ingest/ingest-handler';
import { ItemCounter } from './ingest/item-counter';
import { answerLastResort } from './ingest/send-json';
import { buildOpenApiDocument } from './openapi/build-openapi';

/**
 * Everything main.ts does to the app besides listening, shared with the tests: body parsing, errors,
 * OpenAPI, and the ingest routes and the crash-report dialog mounted on the raw HTTP server ahead of Express.
 */
export async function configureHttpApp(app: INestApplication): Promise<void> {
  const config = app.get<AppConfig>(APP_CONFIG);
  app.useGlobalFilters(new HttpExceptionFilter());
  app.useGlobalGuards(new ControlCharactersGuard());
  // Helpers that only get the request (pagination links) learn from it whose forwarded headers to believe.
  app.use((req: IncomingMessage, _res: ServerResponse, next: () => void) => {
    bindTrustedProxies(req, config.trustedProxies);
    next();
  });
  app.enableShutdownHooks();

  const document = buildOpenApiDocument(app);
  app.getHttpAdapter().get('/api/openapi.json', (_req: unknown, res: ServerResponse) => {
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify(document));
  });
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });

  await app.init();

  const counter = new ItemCounter(app.get(SharedStore), config.redisPrefix);
  const ingest = new IngestHandler(config, app.get(ProjectKeyCache), app.get(IngestQueue), counter);
  const errorPage = new ErrorPageHandler(config, app.get(ProjectKeyCache), app.get(IngestQueue));
  const server = app.getHttpServer() as Server;
  const [expressListener] = server.listeners('request') as Array<
    (req: IncomingMessage, res: ServerResponse) => void
  >;
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    try {
      if (!ingest.tryHandle(req, res) && !errorPage.tryHandle(req, res)) expressListener!(req, res);
    } catch (error) {
      answerLastResort(res, error);
    }
  });
  server.on('close', () => void counter.close());
  Logger.log('Ingest and crash-report dialog routes mounted ahead of Express', 'Http');
}
