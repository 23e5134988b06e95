import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Metrics } from './metrics';

/** `POST /dossiers` → receive, `POST /dossiers/:id/<action>` → the action, `POST /imports` → import; else undefined. */
export function commandOfRoute(method: string, route: string | undefined): string | undefined {
  if (method !== 'POST' || !route) return undefined;
  if (/\/dossiers\/?$/.test(route)) return 'receive';
  const m = /\/dossiers\/:[^/]+\/([a-z-]+)\/?$/.exec(route);
  if (m) return m[1];
  if (/\/imports\/?$/.test(route)) return 'import';
  return undefined;
}

/** HTTP status (and the problem's `code`, when there is one) → the `outcome` label. */
export function outcomeOf(status: number, code?: string): string {
  if (status < 400) return 'ok';
  switch (status) {
    case 400:
      return 'invalid';
    case 401:
      return 'unauthenticated';
    case 403:
      return 'forbidden';
    case 404:
      return 'not-found';
    case 409:
      return code === 'duplicate' ? 'duplicate' : 'conflict';
    case 413:
      return 'too-large';
    case 415:
      return 'invalid';
    case 422:
      return 'domain-error';
    case 429:
      return 'rate-limited';
    case 503:
      return 'unavailable';
    default:
      return status >= 500 ? 'error' : `http-${status}`;
  }
}

const PROBLEM_CODE = Symbol('motcua.problemCode');
type Tagged = FastifyRequest & { [PROBLEM_CODE]?: string; [k: symbol]: unknown };

/**
 * Fastify hooks: the request-duration histogram (route template, never the raw URL, so ids do
 * not explode the label set) and the command counters. Add before the routes are ready.
 */
export function instrumentHttp(fastify: FastifyInstance, metrics: Metrics, prefix = '/api/v1'): void {
  // callback hooks, not async ones: no promise per hook and request
  fastify.addHook('onSend', (req: FastifyRequest, reply: FastifyReply, payload: unknown, done: (err: null, payload: unknown) => void) => {
    // Problem bodies are small strings rendered by ProblemFilter: remember their `code` for the outcome.
    if (reply.statusCode >= 400 && typeof payload === 'string' && payload.length < 65_536) {
      const m = /"code":"([a-z0-9-]{1,64})"/.exec(payload);
      if (m) (req as Tagged)[PROBLEM_CODE] = m[1];
      else if (reply.statusCode === 409 && payload.includes('changed by another request')) (req as Tagged)[PROBLEM_CODE] = 'version-conflict';
    }
    done(null, payload);
  });
  fastify.addHook('onResponse', (req: FastifyRequest, reply: FastifyReply, done: () => void) => {
    try {
      observe(req, reply);
    } catch (err) {
      req.log.error({ err }, 'could not record the request metrics'); // as fastify logs an onResponse hook's error
    }
    done();
  });
  function observe(req: FastifyRequest, reply: FastifyReply): void {
    const route = req.routeOptions?.url;
    const status = reply.statusCode;
    metrics.httpDuration.observe({ method: req.method, route: route ?? 'unmatched', status: String(status) }, reply.elapsedTime / 1000);
    if (!route?.startsWith(prefix)) return;
    const command = commandOfRoute(req.method, route);
    if (!command) return;
    const code = (req as Tagged)[PROBLEM_CODE];
    metrics.commands.inc({ command, outcome: outcomeOf(status, code) });
    if (status === 409 && code === 'version-conflict') metrics.versionConflicts.inc();
  }
}
