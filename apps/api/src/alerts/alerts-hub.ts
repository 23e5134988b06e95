import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import type { Redis } from 'ioredis';
import { coversUnit, ReferenceService } from '@motcua/application';
import { Queues, SQL_DRIVER } from '@motcua/platform';
import { alertsChannelName, namespaceOnce } from '@motcua/background';
import { AlertView, alertUnits } from '@motcua/projections';
import { SqlDriver } from '@motcua/sql';

/** How long start-up waits for the alerts subscription before it goes on without it. */
const SUBSCRIBE_WAIT_MS = 5_000;

/** One connected `GET /alerts/stream` client. */
export interface SseClient {
  /** Alerts of these units (and their descendants) are sent. */
  units: readonly string[];
  res: ServerResponse;
  /** Ids already written (replay and live may overlap for a moment). */
  sent: Set<string>;
  /** While the Last-Event-ID replay runs, live alerts wait here. */
  pending?: AlertView[];
  heartbeat?: NodeJS.Timeout;
}

/** `id:`, `event: alert`, JSON data (one line). */
export function sseAlert(a: AlertView): string {
  return `id: ${a.id}\nevent: alert\ndata: ${JSON.stringify(a)}\n\n`;
}

/**
 * Fans the new alerts out to this instance's SSE clients. Every API instance subscribes to the
 * database's Redis channel (see `alertsChannelName`), on which the worker publishes each new alert
 * once, after the `alerts` projection committed it; each instance sends it to those of its clients
 * whose units cover the alert's unit. Clients are closed before the HTTP server stops.
 */
@Injectable()
export class AlertsHub implements OnApplicationBootstrap, OnModuleDestroy, BeforeApplicationShutdown {
  private readonly logger = new Logger('AlertsHub');
  private readonly clients = new Set<SseClient>();
  private subscriber: Redis | undefined;
  private closing = false;
  /** Comment line sent to every client this often (keeps proxies from closing an idle stream). */
  heartbeatMs = 15_000;
  readonly namespace: () => Promise<string>;

  constructor(
    @Inject(SQL_DRIVER) sql: SqlDriver,
    @Inject(Queues) private readonly queues: Queues,
    @Inject(ReferenceService) private readonly reference: ReferenceService,
  ) {
    this.namespace = namespaceOnce(sql);
  }

  get size(): number {
    return this.clients.size;
  }

  /**
   * Why new live streams cannot be served (the Redis subscription is not connected), else undefined.
   * Streams already open stay open: ioredis resubscribes when Redis is back and alerts flow again.
   */
  down(): string | undefined {
    const sub = this.subscriber;
    if (!sub) return this.closing ? 'the service is shutting down' : 'the alert subscription is not open yet';
    return sub.status === 'ready' ? undefined : `the Redis connection is ${sub.status}`;
  }

  async onApplicationBootstrap(): Promise<void> {
    const channel = alertsChannelName(await this.namespace());
    const sub = this.queues.connection();
    this.subscriber = sub;
    sub.on('message', (ch: string, message: string) => {
      if (ch !== channel) return;
      try {
        this.fanOut(JSON.parse(message) as AlertView);
      } catch (err) {
        this.logger.warn(`bad alert message: ${(err as Error).message}`);
      }
    });
    // Redis down at start-up must not keep the api from serving (streams answer 503 meanwhile):
    // wait a little for the subscription, then go on; ioredis subscribes once Redis is there
    const subscribed = sub.subscribe(channel).catch((err) => this.logger.warn(`alerts subscription: ${(err as Error).message}`));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([subscribed, new Promise((resolve) => (timer = setTimeout(resolve, SUBSCRIBE_WAIT_MS)))]);
    clearTimeout(timer);
  }

  /** Registers a client whose response headers are written; returns a function that removes it. */
  add(client: SseClient): () => void {
    if (this.closing) {
      client.res.end();
      return () => undefined;
    }
    this.clients.add(client);
    client.heartbeat = setInterval(() => this.write(client, `: heartbeat ${new Date().toISOString()}\n\n`), this.heartbeatMs);
    client.heartbeat.unref?.();
    return () => this.remove(client);
  }

  /** Ends the replay phase: queued live alerts go out (skipping those the replay sent). */
  flushPending(client: SseClient): void {
    const queued = client.pending ?? [];
    client.pending = undefined;
    for (const a of queued) this.send(client, a);
  }

  send(client: SseClient, a: AlertView): void {
    if (client.pending) {
      client.pending.push(a);
      return;
    }
    if (client.sent.has(a.id)) return;
    client.sent.add(a.id);
    if (client.sent.size > 10_000) client.sent.clear();
    this.write(client, sseAlert(a));
  }

  private fanOut(a: AlertView): void {
    const data = this.reference.data;
    for (const c of this.clients) {
      // a transfer's alert goes to the lead unit's users and to the agency's
      if (alertUnits(a).some((u) => coversUnit(data, { units: c.units }, u))) this.send(c, a);
    }
  }

  private write(client: SseClient, chunk: string): void {
    if (client.res.writableEnded || client.res.destroyed) return this.remove(client);
    client.res.write(chunk);
  }

  private remove(client: SseClient): void {
    clearInterval(client.heartbeat);
    this.clients.delete(client);
  }

  /** Shutdown: end every stream first, so that the HTTP server can close. */
  async onModuleDestroy(): Promise<void> {
    this.closing = true;
    for (const c of [...this.clients]) {
      this.remove(c);
      if (!c.res.writableEnded) c.res.end();
    }
    const sub = this.subscriber;
    this.subscriber = undefined;
    await sub?.unsubscribe().catch(() => undefined);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.onModuleDestroy();
  }
}
