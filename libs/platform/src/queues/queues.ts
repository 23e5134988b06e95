import { BeforeApplicationShutdown, Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { Job, JobsOptions, KeepJobs, Processor, Queue, QueueEvents, Worker, WorkerOptions } from 'bullmq';
import IORedis, { Redis } from 'ioredis';
import { AppConfig } from '../config/app-config';
import { DependencyUnavailableError } from '../http/unavailable';
import { APP_CONFIG, STORE_ID } from '../tokens';

/**
 * The one place that owns BullMQ options (Novu's pattern): connections, default job options,
 * retention, and the shutdown order — workers are closed (finishing their current job) before
 * the queues, and the Redis connections last.
 *
 * Redis holds only derived state (timers, delivery retries): losing it loses nothing that a sweep
 * cannot rebuild from the event store.
 */
export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  removeOnComplete: true,
  removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
  attempts: 5,
  backoff: { type: 'exponential', delay: 1_000 },
};

/** `removeOn*` job options as a worker's KeepJobs (the worker applies them to jobs that carry none). */
function keepJobs(v: JobsOptions['removeOnComplete']): KeepJobs | undefined {
  if (v === undefined || v === false) return undefined;
  if (v === true) return { count: 0 };
  return typeof v === 'number' ? { count: v } : v;
}

/**
 * The wrapper's retry policy for a job that carries none (a lean queue's job: `Job` defaults its
 * `attempts` to 0): BullMQ reads `attempts` and `backoff` from the job object the worker holds when
 * the processor throws, so setting them there retries the job as if they were in its hash.
 */
export function applyDefaultRetry(job: Job): void {
  if (job.opts.attempts) return;
  job.opts.attempts = DEFAULT_JOB_OPTIONS.attempts;
  job.opts.backoff ??= DEFAULT_JOB_OPTIONS.backoff;
}

/** Options of the wrapper itself (Nest token QUEUES_OPTIONS, or the constructor in tests). */
export interface QueuesOptions {
  /**
   * BullMQ key prefix (default: the configured QUEUE_PREFIX, else `motcua-<store id>` when the event store's
   * identity is known, else BullMQ's `bull`). Tests and benchmarks use a unique one so that they never
   * see (or wipe) each other's queues.
   */
  prefix?: string;
}
export const QUEUES_OPTIONS = Symbol('QUEUES_OPTIONS');

/** How long a request handler waits on Redis (when it is connected) before answering 503. */
export const REQUEST_REDIS_TIMEOUT_MS = 5_000;

export interface WorkerSettings {
  concurrency?: number;
  /** How long a job may run before BullMQ considers it stalled and gives it to another worker. */
  lockDurationMs?: number;
}

/**
 * The BullMQ key prefix: the one configured (QUEUE_PREFIX), else one named after the event store
 * (`motcua-<store id>`), so that two deployments sharing one Redis with the default never share a
 * queue (and never take each other's timers); `bull` only when neither is known.
 */
export function defaultQueuePrefix(configured: string | undefined, storeId: string | undefined): string {
  return configured?.trim() || (storeId ? `motcua-${storeId}` : 'bull');
}

@Injectable()
export class Queues implements BeforeApplicationShutdown {
  private readonly logger = new Logger('Queues');
  private readonly queues = new Map<string, Queue>();
  private readonly workers: Worker[] = [];
  private readonly connections: Redis[] = [];
  /** Connections that have been ready once (so a state other than `ready` now means Redis went away). */
  private readonly everReady = new WeakSet<Redis>();
  private readonly queueConnections = new Map<string, Redis>();
  private closed = false;
  /** What happened at shutdown, in order (tests assert workers close before queues). */
  readonly shutdownLog: string[] = [];

  /** The BullMQ key prefix of every queue and worker made here. */
  readonly prefix: string;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() @Inject(QUEUES_OPTIONS) options?: QueuesOptions,
    @Optional() @Inject(STORE_ID) storeId?: string,
  ) {
    this.prefix = defaultQueuePrefix(options?.prefix || config.queuePrefix, storeId);
  }

  /** A new Redis connection for BullMQ (blocking commands need their own). */
  connection(): Redis {
    const c = new IORedis(this.config.redisUrl, {
      maxRetriesPerRequest: null,
      enableReadyCheck: true,
      retryStrategy: (times) => Math.min(times * 200, 5_000),
    });
    c.on('error', (err) => this.logger.warn(`redis: ${err.message}`));
    c.on('ready', () => this.everReady.add(c));
    this.connections.push(c);
    return c;
  }

  /**
   * Why `connection` (or the connection of the queue of that name) cannot serve a request now — it
   * was connected and is not any more (ioredis is reconnecting), or it is still opening while another
   * connection to the same Redis lost it — else undefined.
   */
  down(connection: Redis | string): string | undefined {
    const c = typeof connection === 'string' ? this.queueConnections.get(connection) : connection;
    if (c?.status === 'ready') return undefined;
    if (c && this.everReady.has(c)) return `the Redis connection is ${c.status}`;
    // a connection still opening: Redis is down if another one (same REDIS_URL) lost it
    const lost = this.connections.find((o) => o !== c && this.everReady.has(o) && typeof o.status === 'string' && o.status !== 'ready');
    return lost ? `the Redis connection is ${lost.status}` : undefined;
  }

  /**
   * For request handlers: runs `fn` against Redis (`connection`, or the connection of queue
   * `connection` by name), failing at once with a DependencyUnavailableError (503) while Redis is
   * away and after `timeoutMs` otherwise. BullMQ connections keep commands until Redis is back,
   * which would hold the request for the whole outage.
   */
  async forRequest<R>(connection: Redis | string, fn: () => Promise<R>, timeoutMs = REQUEST_REDIS_TIMEOUT_MS): Promise<R> {
    const why = this.down(connection);
    if (why) throw new DependencyUnavailableError('redis', why);
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        fn(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new DependencyUnavailableError('redis', `Redis did not answer within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The queue `name` (one per name); `jobOptions` override the default job options of this queue (first call wins). */
  queue<T = unknown>(name: string, jobOptions: JobsOptions = {}): Queue<T> {
    return this.makeQueue<T>(name, { ...DEFAULT_JOB_OPTIONS, ...jobOptions });
  }

  /**
   * The queue `name` whose jobs carry no retry or retention options (one per name, first call wins:
   * `queue(name)` afterwards returns this one): the wrapper's workers apply `DEFAULT_JOB_OPTIONS` to
   * them (`applyDefaultRetry`, and the workers' `removeOnComplete` / `removeOnFail`). For queues of
   * many small delayed jobs (the deadline timers' alarms): each option left out of a job's `opts`
   * is bytes left out of every job hash in Redis.
   */
  leanQueue<T = unknown>(name: string): Queue<T> {
    return this.makeQueue<T>(name, {});
  }

  private makeQueue<T>(name: string, defaultJobOptions: JobsOptions): Queue<T> {
    let q = this.queues.get(name);
    if (!q) {
      const connection = this.connection();
      this.queueConnections.set(name, connection);
      q = new Queue(name, { connection, prefix: this.prefix, defaultJobOptions });
      q.on('error', (err) => this.logger.warn(`queue ${name}: ${err.message}`));
      this.queues.set(name, q);
    }
    return q as unknown as Queue<T>;
  }

  /**
   * A worker of queue `name`. Jobs that carry no retry or retention options (a `leanQueue`'s) get the
   * wrapper's: `DEFAULT_JOB_OPTIONS`' attempts and back-off (`applyDefaultRetry`) and its removeOn*
   * as the worker's (BullMQ uses a worker's removeOnComplete / removeOnFail for jobs without them).
   */
  worker<T = unknown>(name: string, processor: Processor<T>, settings: WorkerSettings = {}): Worker<T> {
    const options: WorkerOptions = {
      connection: this.connection(),
      prefix: this.prefix,
      concurrency: settings.concurrency ?? 8,
      lockDuration: settings.lockDurationMs ?? 30_000,
      maxStalledCount: 3,
      autorun: true,
      removeOnComplete: keepJobs(DEFAULT_JOB_OPTIONS.removeOnComplete),
      removeOnFail: keepJobs(DEFAULT_JOB_OPTIONS.removeOnFail),
    };
    const w = new Worker<T>(
      name,
      (job, token) => {
        applyDefaultRetry(job as Job);
        return processor(job, token);
      },
      options,
    );
    w.on('error', (err) => this.logger.warn(`worker ${name}: ${err.message}`));
    w.on('failed', (job, err) => this.logger.warn(`job ${name}/${job?.id} failed: ${err.message}`));
    this.workers.push(w as unknown as Worker);
    return w;
  }

  queueEvents(name: string): QueueEvents {
    const e = new QueueEvents(name, { connection: this.connection(), prefix: this.prefix });
    this.connections.push(e as unknown as Redis);
    return e;
  }

  /**
   * A repeatable job (BullMQ job scheduler): `name` with `data` every `everyMs`, first run at once.
   * Idempotent (an upsert by `id`), so callers may re-assert it at any time, e.g. after Redis was
   * wiped. Job options are the wrapper's defaults.
   */
  async scheduler<T>(queueName: string, id: string, everyMs: number, name: string, data: T): Promise<void> {
    await (this.queue<T>(queueName) as Queue).upsertJobScheduler(id, { every: everyMs }, { name, data, opts: DEFAULT_JOB_OPTIONS } as never);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.close();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.close().then(() => this.shutdownLog.push(`worker:${w.name}`))));
    await Promise.all([...this.queues.values()].map((q) => q.close().then(() => this.shutdownLog.push(`queue:${q.name}`))));
    await Promise.all(
      this.connections.map((c) => (typeof c.quit === 'function' ? c.quit().catch(() => c.disconnect()) : (c as unknown as QueueEvents).close())),
    );
    this.shutdownLog.push('connections');
    this.logger.log(`closed ${this.workers.length} workers, then ${this.queues.size} queues`);
  }
}
