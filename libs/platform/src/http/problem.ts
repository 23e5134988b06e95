/**
 * RFC 9457 problem details: the one error shape of the HTTP API.
 * Throw a `ProblemException` (or one of the per-status classes) anywhere; `ProblemFilter` renders it.
 */
import { STATUS_CODES } from 'node:http';
import { HttpException } from '@nestjs/common';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';
/** Base of every `type` URI we emit: `<base><slug>` (stable; clients may switch on it). */
export const PROBLEM_TYPE_BASE = 'https://motcua.vn/problems/';

export interface FieldError {
  /** Dotted path of the input field, e.g. `applicant.name` or `items[2].code`. */
  field: string;
  message: string;
}

/** The JSON body. Extension members (e.g. `currentVersion`) sit beside the standard ones. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  correlationId?: string;
  errors?: FieldError[];
  [member: string]: unknown;
}

export interface ProblemOptions {
  /** Absolute URI; default `https://motcua.vn/problems/<status slug>`. */
  type?: string;
  /** Short summary; default the HTTP status phrase. */
  title?: string;
  errors?: FieldError[];
  /** Extension members, e.g. `{ currentVersion: 4 }`. Standard member names are ignored. */
  extra?: Record<string, unknown>;
  /** Response headers, e.g. `WWW-Authenticate`, `Retry-After`. */
  headers?: Record<string, string>;
}

export interface ProblemInit extends ProblemOptions {
  status: number;
  detail: string;
}

/** Member names of the standard body: `extra` cannot override them. */
export const RESERVED_MEMBERS: ReadonlySet<string> = new Set(['type', 'title', 'status', 'detail', 'instance', 'correlationId', 'errors']);

/** `Not Found` → `not-found`. */
export function slugify(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/** The status phrase, e.g. 404 → `Not Found`. */
export function statusTitle(status: number): string {
  return STATUS_CODES[status] ?? `HTTP ${status}`;
}

/** `https://motcua.vn/problems/<slug>`. */
export function problemType(slug: string): string {
  return `${PROBLEM_TYPE_BASE}${slug}`;
}

/** Builds a problem body (standard members win over `extra`). */
export function buildProblem(init: ProblemInit): ProblemDetails {
  const title = init.title ?? statusTitle(init.status);
  const body: ProblemDetails = {
    type: init.type ?? problemType(slugify(statusTitle(init.status))),
    title,
    status: init.status,
    detail: init.detail,
  };
  if (init.errors?.length) body.errors = init.errors;
  for (const [key, value] of Object.entries(init.extra ?? {})) {
    if (!RESERVED_MEMBERS.has(key) && value !== undefined) body[key] = value;
  }
  return body;
}

/** An HTTP error rendered as problem+json. Extends Nest's HttpException so Nest knows its status. */
export class ProblemException extends HttpException {
  readonly problem: ProblemDetails;
  readonly headers: Readonly<Record<string, string>>;

  constructor(init: ProblemInit) {
    const problem = buildProblem(init);
    super(problem, init.status);
    this.problem = problem;
    this.headers = { ...init.headers };
    this.message = init.detail;
    this.name = new.target.name;
  }
}

/** 400: malformed input or wrong types; `errors` names the fields. */
export class BadRequestProblem extends ProblemException {
  constructor(detail: string, options: ProblemOptions = {}) {
    super({ ...options, status: 400, detail });
  }
}

/** 401: no valid credentials. Always carries `WWW-Authenticate: Bearer` (RFC 6750). */
export class UnauthorizedProblem extends ProblemException {
  /** `invalidToken`: a token was sent but refused (adds `error="invalid_token"`). */
  constructor(detail: string, options: ProblemOptions & { invalidToken?: boolean } = {}) {
    const { invalidToken, ...rest } = options;
    const challenge = invalidToken ? `Bearer realm="motcua", error="invalid_token", error_description="${quotable(detail)}"` : 'Bearer realm="motcua"';
    super({ ...rest, status: 401, detail, headers: { 'WWW-Authenticate': challenge, ...rest.headers } });
  }
}

/** 403: authenticated but not allowed (role or unit). */
export class ForbiddenProblem extends ProblemException {
  constructor(detail: string, options: ProblemOptions = {}) {
    super({ ...options, status: 403, detail });
  }
}

/** 404: unknown resource or route. */
export class NotFoundProblem extends ProblemException {
  constructor(detail: string, options: ProblemOptions = {}) {
    super({ ...options, status: 404, detail });
  }
}

/** 409: version conflict; put the current version in `extra.currentVersion`. */
export class ConflictProblem extends ProblemException {
  constructor(detail: string, options: ProblemOptions = {}) {
    super({ ...options, status: 409, detail });
  }
}

/** 422: well-formed input that breaks a rule. */
export class UnprocessableProblem extends ProblemException {
  constructor(detail: string, options: ProblemOptions = {}) {
    super({ ...options, status: 422, detail });
  }
}

/** 413: body over the limit. */
export class PayloadTooLargeProblem extends ProblemException {
  constructor(detail: string, options: ProblemOptions = {}) {
    super({ ...options, status: 413, detail });
  }
}

/** 415: Content-Type not accepted. */
export class UnsupportedMediaTypeProblem extends ProblemException {
  constructor(detail: string, options: ProblemOptions = {}) {
    super({ ...options, status: 415, detail });
  }
}

/** 429: slow down; `retryAfterSeconds` sets `Retry-After`. */
export class TooManyRequestsProblem extends ProblemException {
  constructor(detail: string, options: ProblemOptions & { retryAfterSeconds?: number } = {}) {
    const { retryAfterSeconds, ...rest } = options;
    const headers = retryAfterSeconds === undefined ? rest.headers : { 'Retry-After': String(Math.ceil(retryAfterSeconds)), ...rest.headers };
    super({ ...rest, status: 429, detail, headers });
  }
}

/** Makes text safe inside a quoted-string of an HTTP auth challenge (ASCII, no quotes/backslashes). */
function quotable(text: string): string {
  return text
    .replace(/["\\]/g, "'")
    .replace(/[^\x20-\x7e]/g, '?')
    .slice(0, 200);
}
