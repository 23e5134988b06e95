import { STATUS_CODES } from 'node:http';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter as BullBoardFastifyAdapter } from '@bull-board/fastify';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { APP_CONFIG, AppConfig, AuthenticationError, JwtVerifier, Queues, UNAVAILABLE_RETRY_AFTER_SECONDS, unavailableDetail } from '@motcua/platform';

export const QUEUES_DASHBOARD_PATH = '/api/v1/admin/queues';

/**
 * bull-board (the BullMQ dashboard) for admins at /api/v1/admin/queues. bull-board registers raw
 * fastify routes, which the global Nest AuthGuard does not see, so the plugin's own onRequest hook
 * verifies the bearer token with the app's JwtVerifier and requires the admin role (401 / 403).
 */
export async function mountQueuesDashboard(app: NestFastifyApplication): Promise<void> {
  const queues = app.get(Queues);
  const verifier = app.get(JwtVerifier);
  const serverAdapter = new BullBoardFastifyAdapter();
  serverAdapter.setBasePath(QUEUES_DASHBOARD_PATH);
  // the timers queue as DeadlineTimers makes it (lean jobs: whichever is made first in the process wins)
  const timersQueue = queues.leanQueue(app.get<AppConfig>(APP_CONFIG).timersQueue);
  createBullBoard({ queues: [new BullMQAdapter(timersQueue, { readOnlyMode: false })], serverAdapter: serverAdapter as never });
  const guard = async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    try {
      const principal = await verifier.verifyAuthorization(req.headers.authorization);
      if (!principal.roles.includes('admin')) {
        await reply
          .code(403)
          .type('application/problem+json')
          .send({ type: 'about:blank', title: 'Forbidden', status: 403, detail: 'the queues dashboard is for admins' });
        return;
      }
      // bull-board would wait on Redis for as long as it is away: answer 503 at once instead
      const down = queues.down(timersQueue.name);
      if (down) {
        await reply
          .code(503)
          .header('retry-after', String(UNAVAILABLE_RETRY_AFTER_SECONDS))
          .type('application/problem+json')
          .send({ type: 'about:blank', title: 'Service Unavailable', status: 503, detail: `${unavailableDetail('redis')} (${down})` });
      }
    } catch (err) {
      const detail = err instanceof AuthenticationError ? err.reason : 'authentication failed';
      await reply
        .code(401)
        .header('www-authenticate', 'Bearer')
        .type('application/problem+json')
        .send({ type: 'about:blank', title: 'Unauthorized', status: 401, detail });
    }
  };
  await app.register(async (scope: FastifyInstance) => {
    scope.addHook('onRequest', guard);
    // bull-board answers its own 4xx (e.g. an unknown ?status=) as plain JSON: problem+json like the rest of the API
    scope.addHook('onSend', async (req: FastifyRequest, reply: FastifyReply, payload: unknown) => {
      const status = reply.statusCode;
      if (status < 400 || String(reply.getHeader('content-type') ?? '').startsWith('application/problem+json')) return payload;
      let detail = `the queues dashboard refused the request (${status})`;
      try {
        const body = JSON.parse(String(payload)) as { error?: unknown; message?: unknown };
        const e = body.error as { key?: string; options?: { field?: string } } | string | undefined;
        if (typeof e === 'object' && e?.key) detail = `${e.key}${e.options?.field ? ` (${e.options.field})` : ''}`;
        else if (typeof body.message === 'string') detail = body.message;
        else if (typeof e === 'string') detail = e;
      } catch {
        /* not JSON: keep the generic detail */
      }
      reply.type('application/problem+json; charset=utf-8');
      return JSON.stringify({
        type: 'about:blank',
        title: STATUS_CODES[status] ?? `HTTP ${status}`,
        status,
        detail,
        instance: req.url.split('?')[0],
        correlationId: String(req.id),
      });
    });
    await scope.register(serverAdapter.registerPlugin() as never, { prefix: QUEUES_DASHBOARD_PATH });
  });
}
