import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { ERROR_PAGE_PATH_ITEM } from '../embed/error-page.openapi';
import { instanceVersion } from '../root/instance-version';

/** GlitchTip paths end with a slash; the document lists them the way clients call them. */
function withTrailingSlashes(document: OpenAPIObject): OpenAPIObject {
  const paths: OpenAPIObject['paths'] = {};
  for (const key of Object.keys(document.paths).sort()) {
    const path = key.startsWith('/api/') && !key.endsWith('/') ? `${key}/` : key;
    paths[path] = document.paths[key]!;
  }
  return { ...document, paths };
}

type PathItemObject = OpenAPIObject['paths'][string];
type ParameterObject = Exclude<
  NonNullable<NonNullable<PathItemObject['post']>['parameters']>[number],
  { $ref: string }
>;

const INGEST_AUTH_PARAMS: ParameterObject[] = [
  {
    name: 'projectId',
    in: 'path',
    required: true,
    schema: { type: 'integer' },
    description: 'The number at the end of the DSN',
  },
  {
    name: 'sentry_key',
    in: 'query',
    required: false,
    schema: { type: 'string' },
    description: 'The DSN public key',
  },
  { name: 'glitchtip_key', in: 'query', required: false, schema: { type: 'string' } },
  {
    name: 'X-Sentry-Auth',
    in: 'header',
    required: false,
    schema: { type: 'string' },
    description: 'Sentry sentry_key=<key>, sentry_version=7, sentry_client=<sdk>',
  },
];

const INGEST_RESPONSES = {
  '200': {
    description: 'Accepted; processed asynchronously',
    content: {
      'application/json': {
        schema: {
          type: 'object',
          properties: { id: { type: 'string', example: 'fc6d8c0c43fc4630ad850ee518f1b9d0' } },
        },
      },
    },
  },
  '400': { description: 'Malformed body, envelope or JSON: `{"detail": "..."}`' },
  '401': { description: 'No authentication' },
  '403': { description: 'Unknown or disabled key, or a key of another project' },
  '408': { description: 'The body did not arrive within HTTP_REQUEST_TIMEOUT_MS: `{"detail": "..."}`' },
  '413': { description: 'Body, envelope or event over the size limits' },
  '415': { description: 'Unsupported Content-Encoding' },
  '429': { description: 'Backlog full or throttled; see Retry-After and X-Sentry-Rate-Limits' },
};

/** The Sentry-protocol ingest routes are served ahead of Nest, so they are described here by hand. */
function withIngestRoutes(document: OpenAPIObject): OpenAPIObject {
  const route = (summary: string, description: string, contentType: string): PathItemObject => ({
    post: {
      tags: ['ingest'],
      operationId: `ingest_${summary.toLowerCase().replace(/[^a-z]+/g, '_')}`,
      summary,
      description,
      parameters: INGEST_AUTH_PARAMS,
      requestBody: {
        required: true,
        content: { [contentType]: { schema: { type: 'string', format: 'binary' } } },
      },
      responses: INGEST_RESPONSES,
    },
  });
  return {
    ...document,
    paths: {
      ...document.paths,
      '/api/{projectId}/envelope/': route(
        'Envelope',
        'Sentry envelopes from any SDK; gzip, deflate and br bodies; `tunnel` envelopes authenticate by their `dsn` header.',
        'application/x-sentry-envelope',
      ),
      '/api/{projectId}/store/': route(
        'Store',
        'One event as JSON (or base64 of zlib JSON), the legacy endpoint older SDKs use.',
        'application/json',
      ),
      '/api/{projectId}/security/': route(
        'Security report',
        'Browser Content-Security-Policy reports (`report-uri`).',
        'application/csp-report',
      ),
      '/api/embed/error-page/': ERROR_PAGE_PATH_ITEM,
    },
  };
}

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('GlitchTip-TS API')
    .setDescription(
      'GlitchTip-compatible REST API. Ingest endpoints (`/api/{projectId}/store/`, `/envelope/`, `/security/`) speak the Sentry protocol. ' +
        'On every REST route, a path parameter, query parameter or JSON body string (or key) holding NUL or another ' +
        'control character (other than tab, CR, LF) is a 422 `{"detail": [{"type", "loc", "msg"}]}` naming the field; ' +
        'a paginated list whose `Link` header would pass 8 KB (the query is echoed into it) is a 414; a malformed ' +
        '`Host` (or trusted `X-Forwarded-Host`) is a 400. `X-Forwarded-For`/`-Proto`/`-Host` count only from ' +
        '`TRUSTED_PROXIES`. ' +
        'On every route, a request that is not valid HTTP gets 400, headers over 16 KiB get 431, and headers or a body ' +
        'that do not arrive within HTTP_HEADERS_TIMEOUT_MS / HTTP_REQUEST_TIMEOUT_MS get 408, each as `{"detail": "..."}`.',
    )
    .setVersion(instanceVersion())
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'API token (64 hex characters)' })
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    operationIdFactory: (controllerKey, methodKey) => `${controllerKey}_${methodKey}`,
  });
  return withIngestRoutes(withTrailingSlashes(document));
}
