import { Controller, Get, Inject } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { EventStore } from '@motcua/event-store';
import { Public } from '../auth/decorators';
import { AppConfig } from '../config/app-config';
import { notifyStatusOf, projectionStatusOf, timersStatusOf } from '../metrics/metrics.module';
import { Queues } from '../queues/queues';
import { APP_CONFIG, EVENT_STORE } from '../tokens';

/**
 * `p`, or a rejection after `ms`. The verdict waits one more turn of the event loop after the timer
 * fires (`setImmediate` runs after the poll phase has read pending I/O): when the loop was blocked —
 * on the embedded store PGlite's WASM runs on it, and under load it can hold it for seconds — our
 * timer and the answer are both overdue, and an answer already waiting in the socket must win
 * rather than a busy process reporting a healthy Redis as down.
 */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(
      () =>
        setImmediate(() => {
          if (settled) return;
          settled = true;
          reject(new Error(`${what} did not answer within ${ms} ms`));
        }),
      ms,
    );
    timer.unref();
    p.then(
      (value) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(value);
      },
      (err) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}

/** A delayed timer counts as overdue when its time passed more than this long ago (a worker promotes due ones at once). */
export const TIMER_OVERDUE_GRACE_MS = 1_000;

/** Waiting jobs and delayed jobs whose time has passed, of one BullMQ queue (BullMQ 5 key layout). */
export async function timerBacklog(
  redis: { llen(key: string): Promise<number>; zcount(key: string, min: string | number, max: string | number): Promise<number> },
  prefix: string,
  queue: string,
  now = Date.now(),
): Promise<{ waiting: number; overdue: number }> {
  // Delayed scores are `fireAt * 0x1000 + counter`.
  const [waiting, overdue] = await Promise.all([
    redis.llen(`${prefix}:${queue}:wait`),
    redis.zcount(`${prefix}:${queue}:delayed`, '-inf', (now - TIMER_OVERDUE_GRACE_MS + 1) * 0x1000 - 1),
  ]);
  return { waiting, overdue };
}

/**
 * Liveness (`/health/live`: the process answers) and readiness (`/health`): the event store and
 * Redis answer, the projections are not too far behind (when the worker runs in this process) and
 * the deadline-timer backlog is small. Every indicator reports its figures, up or down.
 */
@Public()
@Controller('health')
export class HealthController {
  private redis?: ReturnType<Queues['connection']>;

  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly queues: Queues,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ModuleRef) private readonly moduleRef: ModuleRef,
  ) {}

  @Get('live')
  live() {
    return { status: 'ok' };
  }

  private connection() {
    this.redis ??= this.queues.connection();
    return this.redis;
  }

  /**
   * The health connection, unless Redis is known to be down: once it has been connected, any state
   * but `ready` (ioredis is reconnecting) is reported at once instead of queueing a command that
   * would wait for the reconnection. A fresh connection may still be connecting: it gets the probe's time.
   */
  private redisOrDown() {
    const c = this.connection();
    const why = this.queues.down(c);
    if (why) throw new Error(why);
    return c;
  }

  @Get()
  @HealthCheck()
  check() {
    return this.health.check([
      async () => {
        const i = this.indicators.check('eventStore');
        try {
          await withTimeout(this.store.ping(), this.config.healthProbeTimeoutMs, 'event store');
          return i.up({ kind: this.store.kind });
        } catch (err) {
          return i.down({ kind: this.store.kind, message: (err as Error).message });
        }
      },
      async () => {
        const i = this.indicators.check('redis');
        try {
          await withTimeout(this.redisOrDown().ping(), this.config.healthProbeTimeoutMs, 'redis');
          return i.up();
        } catch (err) {
          return i.down({ message: (err as Error).message });
        }
      },
      () => this.projections(),
      () => this.timers(),
      () => this.notifications(),
    ]);
  }

  /**
   * The notification outbox (where the sender runs in this process): down when a due message has
   * waited longer than HEALTH_MAX_OUTBOX_AGE_SECONDS (a stuck sender, a channel failing for long).
   */
  private async notifications() {
    const i = this.indicators.check('notifications');
    const maxAgeSeconds = this.config.notify.healthMaxOutboxAgeSeconds;
    const source = notifyStatusOf(this.moduleRef);
    if (!source) return i.up({ inProcess: false, maxAgeSeconds });
    try {
      const s = await withTimeout(source.status(), this.config.healthProbeTimeoutMs, 'notification outbox');
      const data = { inProcess: true, maxAgeSeconds, pending: s.pending, oldestDueSeconds: Math.round(s.oldestDueSeconds), failed: s.failed };
      return s.oldestDueSeconds > maxAgeSeconds
        ? i.down({ ...data, message: `outbox stuck: a message has waited ${Math.round(s.oldestDueSeconds)} s` })
        : i.up(data);
    } catch (err) {
      return i.down({ inProcess: true, maxAgeSeconds, message: (err as Error).message });
    }
  }

  private async projections() {
    const i = this.indicators.check('projections');
    const limits = { maxEventsBehind: this.config.healthMaxLagEvents, maxSecondsBehind: this.config.healthMaxLagSeconds };
    const source = projectionStatusOf(this.moduleRef);
    if (!source) return i.up({ inProcess: false, ...limits });
    try {
      const { projections } = await withTimeout(source.status(), this.config.healthProbeTimeoutMs, 'projection status');
      const figures: Record<string, { eventsBehind: number; secondsBehind: number }> = {};
      const behind: string[] = [];
      for (const p of projections) {
        const secondsBehind = Math.round(p.secondsBehind * 10) / 10;
        figures[p.name] = { eventsBehind: p.eventsBehind, secondsBehind };
        if (p.eventsBehind > limits.maxEventsBehind || p.secondsBehind > limits.maxSecondsBehind) behind.push(p.name);
      }
      const data = { inProcess: true, ...limits, projections: figures };
      return behind.length ? i.down({ ...data, message: `too far behind: ${behind.join(', ')}` }) : i.up(data);
    } catch (err) {
      return i.down({ inProcess: true, ...limits, message: (err as Error).message });
    }
  }

  /**
   * The deadline timers: the queue's backlog (from Redis, wherever the worker runs) and, when the
   * timers run in this process, their scheduling subscription's lag against the same limits as the
   * projections (a subscription that does not advance leaves every new dossier without timers).
   */
  private async timers() {
    const i = this.indicators.check('timers');
    const max = this.config.healthMaxTimerBacklog;
    const problems: string[] = [];
    let data: Record<string, unknown> = { queue: this.config.timersQueue, maxBacklog: max };
    try {
      const { waiting, overdue } = await withTimeout(
        timerBacklog(this.redisOrDown(), this.queues.prefix, this.config.timersQueue),
        this.config.healthProbeTimeoutMs,
        'redis',
      );
      data = { ...data, waiting, overdue, backlog: waiting + overdue };
      if (waiting + overdue > max) problems.push(`timer backlog ${waiting + overdue} is above ${max}`);
    } catch (err) {
      problems.push((err as Error).message);
    }
    const source = timersStatusOf(this.moduleRef);
    if (!source) {
      data.subscription = { inProcess: false };
    } else {
      const limits = { maxEventsBehind: this.config.healthMaxLagEvents, maxSecondsBehind: this.config.healthMaxLagSeconds };
      try {
        const s = await withTimeout(source.status(), this.config.healthProbeTimeoutMs, 'timers status');
        const secondsBehind = Math.round(s.secondsBehind * 10) / 10;
        data.subscription = {
          inProcess: true,
          ...limits,
          eventsBehind: s.eventsBehind,
          secondsBehind,
          running: s.running,
          poisoned: s.poisoned,
          ...(s.lastError !== undefined && { lastError: s.lastError }),
        };
        if (s.eventsBehind > limits.maxEventsBehind || s.secondsBehind > limits.maxSecondsBehind) {
          problems.push(`timers subscription too far behind (${s.eventsBehind} events, ${secondsBehind} s)`);
        }
      } catch (err) {
        data.subscription = { inProcess: true, ...limits };
        problems.push((err as Error).message);
      }
    }
    return problems.length ? i.down({ ...data, message: problems.join('; ') }) : i.up(data);
  }
}
