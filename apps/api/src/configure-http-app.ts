import { INestApplication, Logger } from '@nestjs/common';
import { SwaggerModule } from '@nestjs/swagger';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { APP_CONFIG, AppConfig, IngestQueue } from '@app/core';
import { OutcomeRecorder } from '@app/ingest';
import { ProjectKeyCache } from '@app/projects';
import { bindTrustedProxies } from './common/client-address';
import { ControlCharactersGuard } from './common/control-characters.guard';
import { HttpExceptionFilter } from './common/http-exception.filter';
import { ErrorPageHandler } from './embed/error-page-handler';
import { GracefulHttpShutdown } from './http/graceful-shutdown';
import { applyHttpLimits } from './http/http-limits';
import { applySecurityHeaders } from './http/security-headers';
import { IngestHandler } from './ingest/ingest-handler';
import { answerLastResort } from './ingest/send-json';
import { buildOpenApiDocument } from './openapi/build-openapi';

/**
 * Everything main.ts does to the app besides listening, shared with the tests: body parsing, errors,
 * OpenAPI, the ingest routes and the crash-report dialog mounted on the raw HTTP server ahead of Express, security
 * headers on every answer, connection limits and timeouts, and a shutdown that lets requests in flight finish.
 */
export async function configureHttpApp(app: INestApplication): Promise<void> {
  const config = app.get<AppConfig>(APP_CONFIG);
  app.useGlobalFilters(new HttpExceptionFilter());
  app.useGlobalGuards(new ControlCharactersGuard());
  app.enableShutdownHooks();
  // Express would add it to every answer it writes; it only tells attackers what runs here.
  (app.getHttpAdapter().getInstance() as { disable(setting: string): void }).disable('x-powered-by');

  const document = buildOpenApiDocument(app);
  app.getHttpAdapter().get('/api/openapi.json', (_req: unknown, res: ServerResponse) => {
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify(document));
  });
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });

  await app.init();

  const outcomes = app.get(OutcomeRecorder);
  const ingest = new IngestHandler(config, app.get(ProjectKeyCache), app.get(IngestQueue), outcomes);
  const errorPage = new ErrorPageHandler(config, app.get(ProjectKeyCache), app.get(IngestQueue));
  const server = app.getHttpServer() as Server;
  const [expressListener] = server.listeners('request') as Array<
    (req: IncomingMessage, res: ServerResponse) => void
  >;
  server.removeAllListeners('request');
  applyHttpLimits(server, config.http);
  const shutdown = new GracefulHttpShutdown(server, config.http.shutdownTimeoutMs);
  // Nest closes the server here on app.close(), after the destroy hooks and before queues and databases close.
  const adapter = app.getHttpAdapter();
  const closeAdapter = adapter.close.bind(adapter);
  adapter.close = async () => {
    await shutdown.close();
    await closeAdapter();
    // What the last requests counted, while the database is still open (Nest closes it after the adapter).
    await outcomes.flush();
  };
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    try {
      // Helpers that only get the request (pagination links, HSTS) learn from it whose forwarded headers to believe.
      bindTrustedProxies(req, config.trustedProxies);
      // The one place every answer gets its security headers, whichever handler writes it.
      applySecurityHeaders(req, res);
      shutdown.track(res);
      if (!ingest.tryHandle(req, res) && !errorPage.tryHandle(req, res)) expressListener!(req, res);
    } catch (error) {
      answerLastResort(res, error);
    }
  });
  Logger.log('Ingest and crash-report dialog routes mounted ahead of Express', 'Http');
}
