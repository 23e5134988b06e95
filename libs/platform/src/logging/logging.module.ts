import { randomUUID } from 'node:crypto';
import { DynamicModule, Module, RequestMethod } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig } from '../config/app-config';

/**
 * Paths that may carry citizens' identity numbers, phone numbers or credentials: never logged.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  '*.idNumber',
  '*.phone',
  '*.applicant',
  '*.*.idNumber',
  '*.*.phone',
  '*.*.applicant',
  '*.*.*.idNumber',
  '*.*.*.phone',
];

/**
 * Query parameters whose values are never logged (credentials, identity and phone numbers, the
 * citizen's look-up PIN, and `q`: a search may be a name or a number).
 */
const SECRET_QUERY = /([?&](?:access_token|token|id_?number|idnumber|cccd|cmnd|phone|tel|mobile|applicant[^=&#]*|pin|lookup_?pin|q)=)[^&#]*/gi;

/**
 * Runs of 9 to 12 digits, possibly split by spaces, dots or `%20` (CMND/CCCD numbers, Vietnamese
 * phone numbers, with an optional `+`), not part of a longer word, UUID or number.
 */
const NUMBER_LIKE = /(?<![\p{L}\p{N}_-])\+?\d(?:(?:%20|[ .])?\d){8,11}(?![\p{L}\p{N}_-])/gu;

/** Masks identity- and phone-number-like digit runs in free text (log messages, error messages, URLs). */
export function scrubNumbers(text: string): string {
  return text.replace(NUMBER_LIKE, '[redacted]');
}

/**
 * Hides a token passed in the query (`?access_token=`, accepted by GET /alerts/stream for
 * EventSource), the values of identity/phone query parameters, and number-like runs in the path.
 */
export function redactUrl(url: string | undefined): string | undefined {
  return url === undefined ? undefined : scrubNumbers(url.replace(SECRET_QUERY, '$1[redacted]'));
}

/** pino `err` serializer: type, message and stack, with number-like runs masked (messages may quote input). */
export function serializeError(err: unknown): unknown {
  if (!(err instanceof Error)) return typeof err === 'string' ? scrubNumbers(err) : err;
  const e = err as Error & { code?: unknown; statusCode?: unknown };
  return {
    type: e.name,
    message: scrubNumbers(e.message ?? ''),
    ...(e.stack ? { stack: scrubNumbers(e.stack) } : {}),
    ...(e.code !== undefined ? { code: e.code } : {}),
    ...(e.statusCode !== undefined ? { statusCode: e.statusCode } : {}),
  };
}

/** JSON logs (pino) with a correlation id per request (taken from `X-Correlation-Id` or new). */
@Module({})
export class LoggingModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRoot({
          // nestjs-pino's default route is the legacy '*', which Nest 11 (path-to-regexp v8) warns
          // about at every start (LegacyRouteConverter): name the wildcard instead.
          // With LOG_LEVEL=silent the request logger would write nothing but still cost every request
          // a child logger (bindings, redaction) run through @fastify/middie: it is not mounted at all
          // then (the correlation id header is set by createApp's hook either way).
          forRoutes: config.logLevel === 'silent' ? [] : [{ path: '{*path}', method: RequestMethod.ALL }],
          pinoHttp: {
            level: config.logLevel,
            redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
            // Every message string (Nest's logger passes its text as the message) is scrubbed too.
            hooks: {
              logMethod(args, method) {
                for (let i = 0; i < args.length; i++) if (typeof args[i] === 'string') args[i] = scrubNumbers(args[i] as string);
                return method.apply(this, args as Parameters<typeof method>);
              },
            },
            // Fastify already gave the request its id (X-Correlation-Id or a new UUID).
            genReqId: (req, res) => {
              const id = String(req.id ?? randomUUID());
              res.setHeader('X-Correlation-Id', id);
              return id;
            },
            customProps: (req) => ({ correlationId: req.id }),
            serializers: {
              req: (req) => ({ id: req.id, method: req.method, url: redactUrl(req.url) }),
              res: (res) => ({ statusCode: res.statusCode }),
              err: serializeError,
            },
          },
        }),
      ],
      exports: [LoggerModule],
    };
  }
}
