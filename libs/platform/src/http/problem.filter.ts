/**
 * Global exception filter: every error leaves as `application/problem+json` (RFC 9457) with
 * `instance` (the request path) and `correlationId` (the request id). Register with
 * `app.useGlobalFilters(new ProblemFilter())` before `app.init()`/`listen()`.
 */
import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { buildProblem, PROBLEM_CONTENT_TYPE, statusTitle } from './problem';
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
    const { problem, headers, unexpected, logDetail } = toProblem(exception, { contentType });
    const path = (request.url ?? '').split('?')[0];
    const correlationId = request.id === undefined ? undefined : String(request.id);
    const body = { ...problem, instance: path, ...(correlationId ? { correlationId } : {}) };
    if (problem.status === 503 && logDetail) {
      // a dependency is down: one line per request, no stack (an outage would otherwise flood the log)
      this.logger.warn(`503 on ${request.method} ${path} (request ${correlationId ?? '-'}): ${logDetail}`);
    } else if (problem.status >= 500) {
      const err = exception instanceof Error ? exception : new Error(String(exception));
      const what = unexpected ? `${err.name}: ${err.message}` : problem.detail;
      this.logger.error(`${problem.status} on ${request.method} ${path} (request ${correlationId ?? '-'}): ${what}`, err.stack);
    }
    if (reply.sent || reply.raw?.headersSent) return; // e.g. a stream that failed mid-way: nothing more can be sent
    reply
      .status(problem.status)
      .headers({ ...headers, 'content-type': PROBLEM_CONTENT_TYPE })
      .send(JSON.stringify(body));
  }
}

/**
 * fastify's `frameworkErrors` option: errors its router raises before any route (and so before
 * Nest and the ProblemFilter) runs — a URL that is not valid percent-encoding (400), a path
 * parameter over the router's length limit (414) — rendered as problem+json like every other error.
 */
export function problemFrameworkErrors(error: Error & { code?: string; statusCode?: number }, request: FastifyRequest, reply: FastifyReply): void {
  const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400;
  const detail =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? 'A path parameter is too long.'
      : error.code === 'FST_ERR_BAD_URL'
        ? 'The URL is not valid: a path parameter is not valid percent-encoded UTF-8.'
        : 'The request could not be routed.';
  const body = { ...buildProblem({ status, detail }), instance: (request.url ?? '').split('?')[0], correlationId: String(request.id) };
  void reply.status(status).header('content-type', PROBLEM_CONTENT_TYPE).send(JSON.stringify(body));
}

/**
 * fastify's `clientErrorHandler` option: errors of the HTTP parser before there is a request (headers
 * over Node's size limit: 431, a request that timed out: 408, a malformed request: 400), written to
 * the socket as problem+json instead of fastify's plain JSON.
 */
export function problemClientError(err: Error & { code?: string }, socket: import('node:net').Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, detail] =
    err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'The request took too long to arrive.']
      : err.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'The request headers are too large (a token or a cookie too long?).']
        : [400, 'The request is not valid HTTP.'];
  const body = JSON.stringify(buildProblem({ status, detail }));
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${statusTitle(status)}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}
