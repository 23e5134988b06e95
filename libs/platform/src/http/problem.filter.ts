/**
 * Global exception filter: every error leaves as `application/problem+json` (RFC 9457) with
 * `instance` (the request path) and `correlationId` (the request id). Register with
 * `app.useGlobalFilters(new ProblemFilter())` before `app.init()`/`listen()`.
 */
import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PROBLEM_CONTENT_TYPE } from './problem';
import { toProblem } from './to-problem';

@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const contentType = request.headers?.['content-type'];
    const { problem, headers, unexpected } = toProblem(exception, { contentType });
    const path = (request.url ?? '').split('?')[0];
    const correlationId = request.id === undefined ? undefined : String(request.id);
    const body = { ...problem, instance: path, ...(correlationId ? { correlationId } : {}) };
    if (problem.status >= 500) {
      const err = exception instanceof Error ? exception : new Error(String(exception));
      const what = unexpected ? `${err.name}: ${err.message}` : problem.detail;
      this.logger.error(`${problem.status} on ${request.method} ${path} (request ${correlationId ?? '-'}): ${what}`, err.stack);
    }
    if (reply.sent || reply.raw?.headersSent) return; // e.g. a stream that failed mid-way: nothing more can be sent
    reply.status(problem.status).headers({ ...headers, 'content-type': PROBLEM_CONTENT_TYPE }).send(JSON.stringify(body));
  }
}
