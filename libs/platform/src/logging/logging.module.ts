import { randomUUID } from 'node:crypto';
import { DynamicModule, Module } from '@nestjs/common';
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
];

/** JSON logs (pino) with a correlation id per request (taken from `X-Correlation-Id` or new). */
@Module({})
export class LoggingModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.logLevel,
            redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
            // Fastify already gave the request its id (X-Correlation-Id or a new UUID).
            genReqId: (req, res) => {
              const id = String(req.id ?? randomUUID());
              res.setHeader('X-Correlation-Id', id);
              return id;
            },
            customProps: (req) => ({ correlationId: req.id }),
            serializers: {
              req: (req) => ({ id: req.id, method: req.method, url: req.url }),
              res: (res) => ({ statusCode: res.statusCode }),
            },
          },
        }),
      ],
      exports: [LoggerModule],
    };
  }
}
