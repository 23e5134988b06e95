import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { INestApplicationContext, Logger } from '@nestjs/common';
import { ConfigError } from './config/app-config';
import { AuthConfigError } from './auth/jwt-verifier';
import { DependencyError } from './startup/dependencies';

/** Prints a configuration error or an unreachable dependency as a clear message (no stack) and exits 1; rethrows anything else. */
export function exitOnConfigError(err: unknown): never {
  if (err instanceof ConfigError || err instanceof AuthConfigError || err instanceof DependencyError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
  throw err;
}

/** In-flight HTTP requests of a server, counted from now on (call when the server starts listening). */
export function trackRequests(server: Server): Set<ServerResponse> {
  const active = new Set<ServerResponse>();
  server.on('request', (_req: IncomingMessage, res: ServerResponse) => {
    active.add(res);
    res.on('close', () => active.delete(res));
  });
  return active;
}

/**
 * Stops accepting connections, closes idle keep-alive ones, answers further requests on open
 * connections with `Connection: close`, and waits (at most `maxMs`) until every request in flight
 * has been answered. Event streams (SSE) are not waited for: the app closes them on shutdown.
 */
export async function drainHttp(server: Server, active: Set<ServerResponse>, maxMs: number): Promise<number> {
  server.on('request', (_req: IncomingMessage, res: ServerResponse) => res.setHeader('Connection', 'close'));
  for (const res of active) if (!res.headersSent) res.setHeader('Connection', 'close');
  server.close(() => undefined); // no new connections; the app's own close finishes it
  server.closeIdleConnections?.();
  const busy = () => [...active].filter((res) => !(res.headersSent && /text\/event-stream/.test(String(res.getHeader('content-type') ?? ''))));
  const until = Date.now() + maxMs;
  while (busy().length > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 25));
  server.closeIdleConnections?.();
  return busy().length;
}

/**
 * SIGTERM/SIGINT → (HTTP apps) stop accepting and let requests in flight finish (at most half the
 * timeout), then app.close() (Nest runs the shutdown hooks: workers, then queues, then the
 * store), then exit 0. A shutdown that takes longer than `timeoutSeconds` exits 1.
 */
export function closeOnSignals(
  app: INestApplicationContext,
  timeoutSeconds: number,
  http?: { server: Server; active: Set<ServerResponse> },
  /** Runs after the app closed (e.g. stops the local redis-server the app used). */
  afterClose?: () => Promise<void>,
): void {
  const logger = new Logger('Shutdown');
  let closing = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    logger.log(`${signal} received: closing`);
    const timer = setTimeout(() => {
      logger.error(`shutdown took longer than ${timeoutSeconds} s: exiting`);
      process.exit(1);
    }, timeoutSeconds * 1000);
    timer.unref();
    const server = http?.server;
    const drained = server && http.active ? drainHttp(server, http.active, (timeoutSeconds * 1000) / 2) : Promise.resolve(0);
    drained
      .then((left) => {
        if (server) logger.log(left ? `HTTP drained with ${left} request(s) still running` : 'HTTP drained: no request in flight');
        return app.close();
      })
      .then(() => afterClose?.())
      .then(() => {
        logger.log('closed cleanly');
        process.exit(0);
      })
      .catch((err) => {
        logger.error(`shutdown failed: ${(err as Error).message}`);
        process.exit(1);
      });
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
