import { createHmac } from 'node:crypto';
import type { JobsOptions } from 'bullmq';
import type { AppConfig } from '@motcua/platform';
import { alertNamespace, AlertView } from '@motcua/projections';
import type { SqlDriver } from '@motcua/sql';

/**
 * What the api (dead-letter admin, live stream) and the worker (outlet, delivery) share about
 * alert delivery: the Redis channel and queue names, the webhook job and its options.
 */

/** A webhook delivery job: the alert, for the webhook of `unitCode` (its URL and secret are read at delivery). */
export interface WebhookJob {
  unitCode: string;
  alert: AlertView;
}

/** Redis pub/sub channel of new alerts, shared by the instances on one database. */
export function alertsChannelName(namespace: string): string {
  return `motcua:alerts:${namespace}`;
}

/** BullMQ queue of webhook deliveries (no `:` in BullMQ names). */
export function webhookQueueName(namespace: string): string {
  return `alert-webhooks-${namespace}`;
}

export const WEBHOOK_SIGNATURE_HEADER = 'X-Motcua-Signature';

/** `sha256=<hex HMAC-SHA256 of the body with the unit's secret>`. */
export function signWebhookBody(body: string, secret: string): string {
  return 'sha256=' + createHmac('sha256', secret).update(body, 'utf8').digest('hex');
}

/** Retries with exponential backoff; after the last attempt the job stays failed (the dead letter) for 30 days. */
export function webhookJobOptions(config: Pick<AppConfig, 'webhookAttempts' | 'webhookBackoffMs'>): JobsOptions {
  return {
    attempts: config.webhookAttempts,
    backoff: { type: 'exponential', delay: config.webhookBackoffMs },
    removeOnComplete: { age: 24 * 3600, count: 1000 },
    removeOnFail: { age: 30 * 24 * 3600, count: 10_000 },
  };
}

/** The database's alert namespace (channel and queue names), read once. */
export function namespaceOnce(sql: SqlDriver): () => Promise<string> {
  let ns: Promise<string> | undefined;
  return () => {
    ns ??= alertNamespace(sql).catch((err) => {
      ns = undefined;
      throw err;
    });
    return ns;
  };
}
