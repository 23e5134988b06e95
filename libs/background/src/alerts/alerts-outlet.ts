import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { AppConfig, APP_CONFIG, Queues, SQL_DRIVER } from '@motcua/platform';
import { AlertView, alertUnits, getUnitWebhooks } from '@motcua/projections';
import { SqlDriver } from '@motcua/sql';
import { alertsChannelName, namespaceOnce, signWebhookBody, WEBHOOK_SIGNATURE_HEADER, WebhookJob, webhookJobOptions, webhookQueueName } from './webhook-jobs';

const DELIVERY_TIMEOUT_MS = 10_000;

/**
 * What happens to an alert once the `alerts` projection has durably inserted it: published on the
 * Redis channel every API instance listens to (live SSE), and queued for the webhook of its unit
 * when one is configured. The worker calls `deliver` from the notification outbox's sender (a
 * `staff` row written with the alert, in the same transaction): a failure is retried and a crash
 * between the commit and the publish loses nothing. `committed` is the old best-effort path
 * (after-commit hook), kept for callers that run the alerts projection without the outbox.
 */
@Injectable()
export class AlertsOutlet {
  private readonly logger = new Logger('AlertsOutlet');
  private publisher: Redis | undefined;
  readonly namespace: () => Promise<string>;

  constructor(
    @Inject(SQL_DRIVER) private readonly sql: SqlDriver,
    @Inject(Queues) private readonly queues: Queues,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.namespace = namespaceOnce(sql);
  }

  async committed(alerts: AlertView[]): Promise<void> {
    try {
      await this.deliver(alerts);
    } catch (err) {
      this.logger.error(`alerts not published: ${(err as Error).message}`);
    }
  }

  /** Publishes the alerts and queues their webhooks (job id per alert and unit: queueing twice is harmless); throws on failure. */
  async deliver(alerts: AlertView[]): Promise<void> {
    if (alerts.length === 0) return;
    const ns = await this.namespace();
    this.publisher ??= this.queues.connection();
    const channel = alertsChannelName(ns);
    for (const a of alerts) await this.publisher.publish(channel, JSON.stringify(a));
    // a transfer's alert goes to the lead unit's webhook and to the agency's
    const hooks = new Set((await getUnitWebhooks(this.sql, [...new Set(alerts.flatMap(alertUnits))])).map((w) => w.unitCode));
    const jobs = alerts.flatMap((a) =>
      alertUnits(a)
        .filter((u) => hooks.has(u))
        .map((u) => ({ name: 'deliver', data: { unitCode: u, alert: a } satisfies WebhookJob, opts: { jobId: `${a.id}.${u}` } })),
    );
    if (jobs.length > 0) await this.queues.queue<WebhookJob>(webhookQueueName(ns), webhookJobOptions(this.config)).addBulk(jobs);
  }
}

/** Delivers queued webhooks: POST the alert JSON, signed; a non-2xx answer or a network error is retried (BullMQ backoff). */
@Injectable()
export class WebhookDelivery implements OnApplicationBootstrap {
  private readonly logger = new Logger('WebhookDelivery');

  constructor(
    @Inject(SQL_DRIVER) private readonly sql: SqlDriver,
    @Inject(Queues) private readonly queues: Queues,
    @Inject(AlertsOutlet) private readonly outlet: AlertsOutlet,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const ns = await this.outlet.namespace();
    this.queues.worker<WebhookJob>(webhookQueueName(ns), (job) => this.deliver(job), { concurrency: 4 });
  }

  async deliver(job: Job<WebhookJob>): Promise<{ status: number } | { skipped: string }> {
    const [hook] = await getUnitWebhooks(this.sql, [job.data.unitCode]);
    if (!hook) return { skipped: `unit ${job.data.unitCode} has no webhook any more` };
    const body = JSON.stringify(job.data.alert);
    let res: Response;
    try {
      res = await fetch(hook.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'motcua-webhooks/1',
          [WEBHOOK_SIGNATURE_HEADER]: signWebhookBody(body, hook.secret),
          'X-Motcua-Event': 'alert',
          'X-Motcua-Delivery': String(job.id),
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
      });
    } catch (err) {
      throw new Error(`POST ${hook.url} failed: ${(err as Error).message}`, { cause: err });
    }
    await res.arrayBuffer().catch(() => undefined);
    if (res.status < 200 || res.status >= 300) throw new Error(`POST ${hook.url} answered HTTP ${res.status}`);
    this.logger.log(`webhook ${job.id} delivered to unit ${job.data.unitCode} (HTTP ${res.status})`);
    return { status: res.status };
  }
}
