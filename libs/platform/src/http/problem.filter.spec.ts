import { ArgumentsHost, BadRequestException, HttpException, Logger, NotFoundException } from '@nestjs/common';
import { DossierClosed, DossierNotFound } from '@motcua/domain';
import { ConflictProblem, PROBLEM_CONTENT_TYPE, TooManyRequestsProblem, UnauthorizedProblem } from './problem';
import { ProblemFilter } from './problem.filter';
import { GENERIC_500_DETAIL } from './to-problem';

/** Runs the filter against a fake fastify request/reply and returns what was sent. */
function render(exception: unknown, request: Record<string, unknown> = {}) {
  const sent: { status?: number; headers: Record<string, string>; body?: Record<string, unknown> } = { headers: {} };
  const reply = {
    sent: false,
    raw: { headersSent: false },
    status(code: number) {
      sent.status = code;
      return reply;
    },
    headers(h: Record<string, string>) {
      Object.assign(sent.headers, h);
      return reply;
    },
    send(payload: string) {
      sent.body = JSON.parse(payload);
      return reply;
    },
  };
  const req = { id: 'req-1', method: 'POST', url: '/api/v1/dossiers?x=1', headers: {}, ...request };
  const host = {
    getType: () => 'http',
    switchToHttp: () => ({ getRequest: () => req, getResponse: () => reply }),
  } as unknown as ArgumentsHost;
  new ProblemFilter().catch(exception, host);
  return sent;
}

function fastifyError(code: string, statusCode: number, message: string) {
  return Object.assign(new Error(message), { code, statusCode, name: 'FastifyError' });
}

describe('ProblemFilter', () => {
  it('renders a ProblemException as is, with instance, correlationId, headers and extension members', () => {
    const sent = render(new ConflictProblem('version 3 expected, dossier is at 4', { extra: { currentVersion: 4 } }));
    expect(sent.status).toBe(409);
    expect(sent.headers['content-type']).toBe(PROBLEM_CONTENT_TYPE);
    expect(sent.body).toEqual({
      type: 'https://motcua.vn/problems/conflict',
      title: 'Conflict',
      status: 409,
      detail: 'version 3 expected, dossier is at 4',
      currentVersion: 4,
      instance: '/api/v1/dossiers',
      correlationId: 'req-1',
    });
    expect(render(new UnauthorizedProblem('missing bearer token')).headers['WWW-Authenticate']).toBe('Bearer realm="motcua"');
    expect(render(new TooManyRequestsProblem('slow down', { retryAfterSeconds: 2.5 })).headers['Retry-After']).toBe('3');
  });

  it('maps domain errors to 422 (404 for dossier-not-found) with a type per code', () => {
    const closed = render(new DossierClosed('H29.1', 'resolved', 'assign'));
    expect(closed.status).toBe(422);
    expect(closed.body).toMatchObject({
      type: 'https://motcua.vn/problems/dossier-closed',
      title: 'Dossier closed',
      code: 'dossier-closed',
      dossierCode: 'H29.1',
      dossierStatus: 'resolved',
      status: 422,
    });
    expect(closed.body?.detail).toMatch(/already resolved/);
    const missing = render(new DossierNotFound('abc'));
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ type: 'https://motcua.vn/problems/dossier-not-found', dossierId: 'abc' });
  });

  it('keeps the status of Nest HttpExceptions; unknown routes read "no route"', () => {
    const notFound = render(new NotFoundException('Cannot GET /x?y=1'));
    expect(notFound.status).toBe(404);
    expect(notFound.body).toMatchObject({ title: 'Not Found', detail: 'no route GET /x' });
    expect(render(new BadRequestException(['a must be a string', 'b is required'])).body?.detail).toBe('a must be a string; b is required');
    expect(render(new HttpException('teapot', 418)).status).toBe(418);
  });

  it('maps fastify body errors (raw, or as Nest wraps them)', () => {
    const json = render(fastifyError('FST_ERR_CTP_INVALID_JSON_BODY', 400, "Body is not valid JSON but content-type is set to 'application/json'"));
    expect(json.status).toBe(400);
    expect(json.body?.detail).toBe('The request body is not valid JSON.');
    const wrapped = render(new HttpException("Body is not valid JSON but content-type is set to 'application/json'", 400));
    expect(wrapped.body?.detail).toBe('The request body is not valid JSON.');
    expect(render(fastifyError('FST_ERR_CTP_EMPTY_JSON_BODY', 400, 'x')).body?.detail).toMatch(/body is empty/);
    expect(render(fastifyError('FST_ERR_CTP_BODY_TOO_LARGE', 413, 'Request body is too large')).status).toBe(413);
    const media = render(fastifyError('FST_ERR_CTP_INVALID_MEDIA_TYPE', 415, 'Unsupported Media Type'), {
      headers: { 'content-type': 'text/csv' },
    });
    expect(media.status).toBe(415);
    expect(media.body?.detail).toMatch(/"text\/csv" is not accepted/);
    expect(render(Object.assign(new SyntaxError('Unexpected token'), { status: 400 })).status).toBe(400);
    expect(render(Object.assign(new Error('Too many'), { statusCode: 429 })).status).toBe(429);
  });

  it('hides unexpected errors behind a generic 500 and logs them with the request id', () => {
    const log = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const sent = render(new TypeError('cannot read properties of undefined (reading "x") at /srv/app.js:1'));
    expect(sent.status).toBe(500);
    expect(sent.body).toMatchObject({ status: 500, title: 'Internal Server Error', detail: GENERIC_500_DETAIL, correlationId: 'req-1' });
    expect(JSON.stringify(sent.body)).not.toMatch(/app\.js|TypeError/);
    expect(log).toHaveBeenCalledWith(expect.stringContaining('(request req-1)'), expect.any(String));
    expect(render(Object.assign(new Error('db down'), { statusCode: 503 })).status).toBe(500);
    log.mockRestore();
  });
});
