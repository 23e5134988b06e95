import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** What the projection runner reports (ProjectionRunner.status()), as far as health and metrics need it. */
export interface ProjectionLag {
  name: string;
  eventsBehind: number;
  secondsBehind: number;
}
export interface ProjectionStatusSource {
  status(): Promise<{ projections: ProjectionLag[] }>;
}

/** What the deadline timers report (DeadlineTimers.status()), as far as health and metrics need it. */
export interface TimersLag {
  eventsBehind: number;
  secondsBehind: number;
  poisoned: number;
  running: boolean;
  lastError?: string;
}
export interface TimersStatusSource {
  status(): Promise<TimersLag>;
}

/** What the notification sender reports (health): rows waiting, the age of the oldest due one, dead letters. */
export interface NotifyBacklog {
  pending: number;
  oldestDueSeconds: number;
  failed: number;
}
export interface NotifyStatusSource {
  status(): Promise<NotifyBacklog>;
}

/** Seconds buckets of request durations (5 ms … 10 s). */
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Seconds buckets of timer lateness (alert raised minus the timer's fire time): 10 ms … 1 h. */
const LATENESS_BUCKETS = [0.01, 0.05, 0.1, 0.5, 1, 2, 5, 15, 30, 60, 300, 900, 3600];

/** Seconds buckets of alert acknowledgement delays (raised → acknowledged): 1 min … 1 week. */
const ACKNOWLEDGEMENT_BUCKETS = [60, 300, 900, 3600, 4 * 3600, 8 * 3600, 86_400, 3 * 86_400, 7 * 86_400];

/** The default sampling interval of the event-loop delay histogram (METRICS_EVENT_LOOP_RESOLUTION_MS). */
export const DEFAULT_EVENT_LOOP_RESOLUTION_MS = 100;

/**
 * The one Prometheus registry of a process (owned by `MetricsModule`; a registry per instance, so
 * several apps in one test process never collide) and every metric the service exports.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly commands: Counter<'command' | 'outcome'>;
  readonly versionConflicts: Counter;
  readonly importBatches: Counter<'mode'>;
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  readonly projectionLagEvents: Gauge<'projection'>;
  readonly projectionLagSeconds: Gauge<'projection'>;
  readonly alertsRaised: Counter<'kind'>;
  readonly alertsAcknowledged: Counter<'kind'>;
  readonly alertAcknowledgementSeconds: Histogram<'kind'>;
  readonly timerLateness: Histogram<'kind'>;
  readonly timerPoison: Counter<'source'>;
  readonly timerJobsDropped: Counter<'reason'>;
  readonly timerForeignJobs: Counter;
  readonly timersLagEvents: Gauge;
  readonly timersLagSeconds: Gauge;
  readonly timersPoisoned: Gauge;
  readonly notifications: Counter<'channel' | 'outcome'>;
  /** Resolved at scrape time (the projection runner lives in the worker module, when it runs here). */
  projectionSource: () => ProjectionStatusSource | undefined = () => undefined;
  /** Likewise the deadline timers' scheduling subscription. */
  timersSource: () => TimersStatusSource | undefined = () => undefined;

  /**
   * `eventLoopResolutionMs`: the sampling interval of the event-loop delay histogram of the default
   * metrics (METRICS_EVENT_LOOP_RESOLUTION_MS, default 100; prom-client's own 10 ms timer alone costs an
   * idle service a fraction of a per cent of a core).
   */
  constructor(options: { defaultMetrics?: boolean; eventLoopResolutionMs?: number } = {}) {
    const registers = [this.registry];
    if (options.defaultMetrics !== false)
      collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: options.eventLoopResolutionMs ?? DEFAULT_EVENT_LOOP_RESOLUTION_MS });
    this.commands = new Counter({
      name: 'motcua_commands_total',
      help: 'Dossier commands (HTTP and imports) by command and outcome (ok, invalid, unauthenticated, forbidden, not-found, conflict, domain-error, too-large, rate-limited, unavailable, error)',
      labelNames: ['command', 'outcome'],
      registers,
    });
    this.importBatches = new Counter({
      name: 'motcua_import_batches_total',
      help: "Batches of import lines: committed in one transaction (batch), or applied line by line (line-by-line: the store has no multi-stream append, or another writer touched the batch's streams meanwhile)",
      labelNames: ['mode'],
      registers,
    });
    this.versionConflicts = new Counter({
      name: 'motcua_version_conflicts_total',
      help: 'Commands refused with 409 because the dossier changed meanwhile (optimistic concurrency)',
      registers,
    });
    this.httpDuration = new Histogram({
      name: 'motcua_http_request_duration_seconds',
      help: 'HTTP request duration by method, route template and status',
      labelNames: ['method', 'route', 'status'],
      buckets: HTTP_BUCKETS,
      registers,
    });
    this.projectionLagEvents = new Gauge({
      name: 'motcua_projection_lag_events',
      help: 'Events a projection has not applied yet',
      labelNames: ['projection'],
      registers,
    });
    this.projectionLagSeconds = new Gauge({
      name: 'motcua_projection_lag_seconds',
      help: 'Age of the oldest event a projection has not applied yet (0 when caught up)',
      labelNames: ['projection'],
      registers,
    });
    this.alertsRaised = new Counter({
      name: 'motcua_alerts_raised_total',
      help: 'Deadline alerts raised by the timers, by kind',
      labelNames: ['kind'],
      registers,
    });
    this.alertsAcknowledged = new Counter({
      name: 'motcua_alerts_acknowledged_total',
      help: 'Deadline alerts acknowledged through the API of this process, by kind',
      labelNames: ['kind'],
      registers,
    });
    this.alertAcknowledgementSeconds = new Histogram({
      name: 'motcua_alert_acknowledgement_seconds',
      help: 'Time from an alert being raised to its acknowledgement, by kind',
      labelNames: ['kind'],
      buckets: ACKNOWLEDGEMENT_BUCKETS,
      registers,
    });
    this.timerLateness = new Histogram({
      name: 'motcua_timer_lateness_seconds',
      help: "Alert raised time minus the timer's fire time",
      labelNames: ['kind'],
      buckets: LATENESS_BUCKETS,
      registers,
    });
    this.timerPoison = new Counter({
      name: 'motcua_timers_poison_events_total',
      help: 'Dossiers whose timers could not be computed (an event the calendar cannot handle, a corrupt stream): recorded in timer_poison and skipped, by where they were met (subscription, sweep)',
      labelNames: ['source'],
      registers,
    });
    this.timerJobsDropped = new Counter({
      name: 'motcua_timers_jobs_dropped_total',
      help: 'Timer jobs dropped without an alert, by reason (unknown-dossier: the dossier is not in this event store)',
      labelNames: ['reason'],
      registers,
    });
    this.timerForeignJobs = new Counter({
      name: 'motcua_timers_foreign_jobs_total',
      help: "Timer jobs of another event store met on this deployment's queue and put back for their owner",
      registers,
    });
    this.timersLagEvents = new Gauge({ name: 'motcua_timers_lag_events', help: 'Due-setting events the timers have not scheduled yet', registers });
    this.timersLagSeconds = new Gauge({
      name: 'motcua_timers_lag_seconds',
      help: 'Age of the oldest due-setting event the timers have not scheduled yet (0 when caught up)',
      registers,
    });
    this.timersPoisoned = new Gauge({
      name: 'motcua_timers_poisoned_dossiers',
      help: 'Dossiers recorded in timer_poison (their timers cannot be computed)',
      registers,
    });
    this.notifications = new Counter({
      name: 'motcua_notifications_total',
      help: 'Notification outbox attempts by channel (email, sms, staff) and outcome: sent, retry (failed, tried again later), dead-letter (failed its last attempt), failed (every failed attempt)',
      labelNames: ['channel', 'outcome'],
      registers,
    });
  }

  /** A timer raised an alert (appended an event) `latenessSeconds` after its time. */
  alertRaised(kind: string, latenessSeconds: number): void {
    this.alertsRaised.inc({ kind });
    this.timerLateness.observe({ kind }, Math.max(0, latenessSeconds));
  }

  /** Refreshes the projection-lag gauges (when the runner is in this process), then renders the text exposition. */
  async render(): Promise<string> {
    const source = this.projectionSource();
    if (source) {
      try {
        const { projections } = await source.status();
        for (const p of projections) {
          this.projectionLagEvents.set({ projection: p.name }, p.eventsBehind);
          this.projectionLagSeconds.set({ projection: p.name }, p.secondsBehind);
        }
      } catch {
        /* the store is down: keep the last figures; /health says why */
      }
    }
    const timers = this.timersSource();
    if (timers) {
      try {
        const t = await timers.status();
        this.timersLagEvents.set(t.eventsBehind);
        this.timersLagSeconds.set(t.secondsBehind);
        this.timersPoisoned.set(t.poisoned);
      } catch {
        /* likewise */
      }
    }
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
