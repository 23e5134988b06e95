import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { EventStore } from '@motcua/event-store';
import { EVENT_STORE, loadConfig, mintToken } from '@motcua/platform';
import { createApp } from '../../apps/api/src/create-app';

export const TEST_JWT_SECRET = 'test-secret-that-is-long-enough-for-hs256-0123456789';

export interface Harness {
  app: NestFastifyApplication;
  store: EventStore;
  token(claims: { sub: string; roles: string[]; units: string[]; name?: string }): Promise<string>;
  request(
    method: string,
    url: string,
    options?: { token?: string; body?: unknown; headers?: Record<string, string>; raw?: string },
  ): Promise<{ status: number; body: any; headers: Record<string, unknown> }>;
  close(): Promise<void>;
}

/** The real app in process (fastify inject), on the given event store URL, with Redis for queues. */
export async function startHarness(eventStoreUrl: string, extraEnv: Record<string, string> = {}): Promise<Harness> {
  const config = loadConfig(
    { EVENT_STORE_URL: eventStoreUrl, JWT_SECRET: TEST_JWT_SECRET, LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: '0', ...extraEnv },
    'api',
  );
  const app = await createApp({ ...config, runWorker: false });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  const store = app.get<EventStore>(EVENT_STORE);
  return {
    app,
    store,
    token: (claims) => mintToken({ ...claims, roles: claims.roles as never }, TEST_JWT_SECRET),
    async request(method, url, options = {}) {
      const headers: Record<string, string> = { ...(options.headers ?? {}) };
      if (options.token) headers.authorization = `Bearer ${options.token}`;
      let payload: string | undefined;
      if (options.raw !== undefined) payload = options.raw;
      else if (options.body !== undefined) {
        payload = JSON.stringify(options.body);
        headers['content-type'] ??= 'application/json';
      }
      const res = await app.inject({ method: method as never, url: `/api/v1${url}`, headers, payload });
      let body: unknown = res.body;
      try {
        body = res.body ? JSON.parse(res.body) : undefined;
      } catch {
        /* not JSON */
      }
      return { status: res.statusCode, body, headers: res.headers as Record<string, unknown> };
    },
    async close() {
      await app.close();
    },
  };
}
