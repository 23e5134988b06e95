/**
 * Maps anything thrown while handling a request to a problem body (pure; `ProblemFilter` renders it).
 */
import { HttpException } from '@nestjs/common';
import { ApplicationError } from '@motcua/application';
import { DomainError } from '@motcua/domain';
import { EventStoreUnavailableError, WrongExpectedRevisionError } from '@motcua/event-store';
import { buildProblem, ProblemDetails, ProblemException, problemType, RESERVED_MEMBERS, statusTitle } from './problem';
import { classifyUnavailable, UNAVAILABLE_RETRY_AFTER_SECONDS, unavailableDetail } from './unavailable';

export interface MappedProblem {
  problem: ProblemDetails;
  headers: Record<string, string>;
  /** True for errors we did not anticipate (500): log them with their stack. */
  unexpected: boolean;
  /** For the log only: what actually failed (e.g. the driver's message behind a 503). */
  logDetail?: string;
}

/** What the mapping may mention about the request. */
export interface RequestFacts {
  contentType?: string;
}

export const GENERIC_500_DETAIL = 'An unexpected error occurred on the server. Quote the correlation id when reporting it.';

/** Fastify's own errors by code (they may also reach us as HttpExceptions carrying their message). */
const FASTIFY_ERRORS: Record<string, { status: number; message: string; detail: (f: RequestFacts) => string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: {
    status: 400,
    message: "Body is not valid JSON but content-type is set to 'application/json'",
    detail: () => 'The request body is not valid JSON.',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    status: 400,
    message: "Body cannot be empty when content-type is set to 'application/json'",
    detail: () => 'The request body is empty but Content-Type is application/json: send a JSON body or leave the header out.',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    status: 400,
    message: 'Request body size did not match Content-Length',
    detail: () => 'The request body size does not match its Content-Length header.',
  },
  FST_ERR_CTP_BODY_TOO_LARGE: {
    status: 413,
    message: 'Request body is too large',
    detail: () => 'The request body is larger than the server accepts.',
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    message: 'Unsupported Media Type',
    detail: (f) => `Content-Type ${f.contentType ? `"${f.contentType}" ` : ''}is not accepted here: send application/json.`,
  },
};

/** Domain error code → title, e.g. `dossier-closed` → `Dossier closed`. */
export function titleFromCode(code: string): string {
  const words = code.replace(/-/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function problem(status: number, detail: string, extra?: Record<string, unknown>, headers: Record<string, string> = {}): MappedProblem {
  return { problem: buildProblem({ status, detail, extra }), headers, unexpected: false };
}

/** Details named like a standard member (e.g. a dossier's `status`) become `dossierStatus`. */
function renameReserved(details: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(details)) {
    out[RESERVED_MEMBERS.has(key) ? `dossier${key.charAt(0).toUpperCase()}${key.slice(1)}` : key] = value;
  }
  return out;
}

function fromDomainError(err: DomainError): MappedProblem {
  const status = err.code === 'dossier-not-found' ? 404 : 422;
  const body = buildProblem({
    status,
    detail: err.message,
    type: problemType(err.code),
    title: titleFromCode(err.code),
    extra: { ...renameReserved(err.details), code: err.code },
  });
  return { problem: body, headers: {}, unexpected: false };
}

function fromHttpException(err: HttpException, facts: RequestFacts): MappedProblem {
  const status = err.getStatus();
  const response = err.getResponse();
  let detail = err.message;
  const extra: Record<string, unknown> = {};
  if (typeof response === 'string') detail = response;
  else if (response && typeof response === 'object') {
    const { message, error, statusCode: _ignored, ...rest } = response as Record<string, unknown>;
    if (typeof message === 'string') detail = message;
    else if (Array.isArray(message)) detail = message.map(String).join('; ');
    if (error !== undefined && typeof error !== 'string') extra.error = error;
    Object.assign(extra, rest);
  }
  const fastify = Object.values(FASTIFY_ERRORS).find((e) => e.status === status && e.message === detail);
  if (fastify) detail = fastify.detail(facts);
  const noRoute = status === 404 ? /^Cannot (\S+) ([^?]*)/.exec(detail) : null;
  if (noRoute) detail = `no route ${noRoute[1]} ${noRoute[2]}`;
  return problem(status, detail, extra);
}

/** Error → problem. Unknown errors become a generic 500 (no message, no stack). */
export function toProblem(exception: unknown, facts: RequestFacts = {}): MappedProblem {
  if (exception instanceof ProblemException) {
    return { problem: exception.problem, headers: { ...exception.headers }, unexpected: false };
  }
  if (exception instanceof DomainError) return fromDomainError(exception);
  if (exception instanceof ApplicationError) {
    const body = buildProblem({
      status: exception.status,
      detail: exception.message,
      type: problemType(exception.code),
      title: titleFromCode(exception.code),
      extra: { ...exception.extra, code: exception.code },
    });
    return { problem: body, headers: {}, unexpected: false };
  }
  if (exception instanceof WrongExpectedRevisionError) {
    return problem(409, 'The resource was changed by another request at the same time: reload it and try again.');
  }
  if (exception instanceof HttpException) return fromHttpException(exception, facts);
  // The database, PGlite or Redis is down, restarting or overloaded: not the client's fault, nor a bug.
  const down =
    exception instanceof EventStoreUnavailableError ? { dependency: 'event-store' as const, message: exception.message } : classifyUnavailable(exception);
  if (down) {
    return {
      ...problem(503, unavailableDetail(down.dependency), undefined, { 'Retry-After': String(UNAVAILABLE_RETRY_AFTER_SECONDS) }),
      logDetail: `${down.dependency} unavailable: ${down.message}`,
    };
  }
  const err = exception as { code?: unknown; statusCode?: unknown; status?: unknown; message?: unknown } | null;
  const known = typeof err?.code === 'string' ? FASTIFY_ERRORS[err.code] : undefined;
  if (known) return problem(known.status, known.detail(facts));
  if (exception instanceof SyntaxError && (err?.statusCode === 400 || err?.status === 400)) {
    return problem(400, 'The request body is not valid JSON.');
  }
  const status = typeof err?.statusCode === 'number' ? err.statusCode : undefined;
  if (status !== undefined && status >= 400 && status < 500) {
    return problem(status, typeof err?.message === 'string' && err.message ? err.message : statusTitle(status));
  }
  return { problem: buildProblem({ status: 500, detail: GENERIC_500_DETAIL }), headers: {}, unexpected: true };
}
