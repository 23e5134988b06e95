import { randomUUID } from 'node:crypto';
import { FastifyRequest } from 'fastify';
import { Actor, CommandContext, Role } from '@motcua/application';
import { BadRequestProblem, ForbiddenProblem, Principal } from '@motcua/platform';

/**
 * The actor of a request. Subjects `system:<component>` name the service's own components (timers,
 * anchors), which the application trusts beyond unit scopes: a token cannot claim one.
 */
export function actorOf(p: Principal): Actor {
  if (p.sub.startsWith('system:')) throw new ForbiddenProblem(`the subject "${p.sub}" is reserved for the service's own components`);
  return { id: p.sub, name: p.name, roles: p.roles as Role[], units: p.units };
}

/** Parses `If-Match: "3"` (or W/"3", or 3). */
function ifMatchVersion(header: string | string[] | undefined): number | undefined {
  if (header === undefined) return undefined;
  const raw = Array.isArray(header) ? header[0] : header;
  const m = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(raw);
  if (!m) throw new BadRequestProblem(`If-Match must be a dossier version such as "3", got ${raw}`);
  return Number(m[1]);
}

/** Who and why, from the request and the token: the cause recorded in the metadata of the events a command writes. */
export type RequestCause = Pick<CommandContext, 'actor' | 'correlationId' | 'causationId' | 'now'>;

export function requestCause(req: FastifyRequest, principal: Principal): RequestCause {
  return { actor: actorOf(principal), correlationId: String(req.id), causationId: randomUUID(), now: new Date() };
}

/** Builds the application's command context from the request, the token and the body. */
export function commandContext(req: FastifyRequest, principal: Principal, body: { occurredAt?: string; expectedVersion?: number } = {}): CommandContext {
  const fromHeader = ifMatchVersion(req.headers['if-match']);
  if (fromHeader !== undefined && body.expectedVersion !== undefined && fromHeader !== body.expectedVersion) {
    throw new BadRequestProblem(`If-Match (${fromHeader}) and expectedVersion (${body.expectedVersion}) disagree`);
  }
  const key = req.headers['idempotency-key'];
  return {
    ...requestCause(req, principal),
    occurredAt: body.occurredAt ? new Date(body.occurredAt) : undefined,
    expectedVersion: fromHeader ?? body.expectedVersion,
    idempotencyKey: typeof key === 'string' ? key : undefined,
  };
}
