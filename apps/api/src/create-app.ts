import { randomUUID } from 'node:crypto';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import {
  AppConfig,
  createValidationPipe,
  installRateLimit,
  instrumentHttp,
  JwtVerifier,
  Metrics,
  problemClientError,
  ProblemFilter,
  problemFrameworkErrors,
} from '@motcua/platform';
import { AppModule } from './app.module';

export const API_PREFIX = 'api/v1';

/** Builds the Nest application (used by main.ts and the end-to-end tests). */
export async function createApp(config: AppConfig): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: config.bodyLimitBytes,
    trustProxy: true,
    // The request id is the correlation id: taken from X-Correlation-Id when given, else new.
    requestIdHeader: 'x-correlation-id',
    genReqId: () => randomUUID(),
    // router errors (bad percent-encoding, over-long path parameter) as problem+json too
    frameworkErrors: problemFrameworkErrors,
    clientErrorHandler: problemClientError,
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  // Operations: request metrics, and a per-token (else per-IP) rate limit; health and metrics are exempt.
  const fastify = app.getHttpAdapter().getInstance();
  // Every answer names its correlation id (the request logger sets it too, when it is mounted).
  fastify.addHook('onRequest', (req, reply, done) => {
    reply.header('X-Correlation-Id', req.id);
    done();
  });
  instrumentHttp(fastify, app.get(Metrics), `/${API_PREFIX}`);
  await installRateLimit(fastify, app.get(JwtVerifier), {
    perMinute: config.rateLimitPerMinute,
    exempt: (path) => /^\/api\/v1\/(health|metrics)(\/|$)/.test(path),
    // the citizen's status look-up: per client address, whatever the token (PUBLIC_LOOKUP_PER_MINUTE)
    isPublic: (path) => path.startsWith('/api/v1/public/'),
    publicPerMinute: config.publicLookupPerMinute,
  });
  app.setGlobalPrefix(API_PREFIX);
  app.useGlobalFilters(new ProblemFilter());
  app.useGlobalPipes(createValidationPipe());
  await (await import('./admin/queues-dashboard')).mountQueuesDashboard(app); // bull-board for admins (own auth hook)
  await (await import('./console/serve-console')).mountConsole(app); // the web console at /console/ (static files)
  // NDJSON imports arrive as text; they may be larger than ordinary JSON bodies.
  app
    .getHttpAdapter()
    .getInstance()
    .addContentTypeParser(['application/x-ndjson', 'application/ndjson'], { parseAs: 'string', bodyLimit: config.importBodyLimitBytes }, (_req, body, done) =>
      done(null, body),
    );
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('motcua')
      .setDescription(
        'One-stop counter dossiers (Bộ phận Một cửa): commands, queries, reports, alerts.\n\n' +
          'Errors are application/problem+json (RFC 9457). 503 with Retry-After: the database or Redis is unavailable for a moment (a restart): ' +
          'nothing was wrong with the request itself; retry it after the given seconds (with the same Idempotency-Key, if it had one).\n\n' +
          'Idempotency-Key (any POST): a repeat returns the first answer and changes nothing; a repeat sent while the first request with that key ' +
          'is still being processed gets 409 with Retry-After: 1 — retry then to get the stored answer; the same key with another request is 422.',
      )
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup(`${API_PREFIX}/docs`, app, document, { jsonDocumentUrl: `${API_PREFIX}/docs/openapi.json` });
  return app;
}
