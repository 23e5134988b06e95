import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultQueuePrefix } from '../queues/queues';
import { AppConfig, loadConfig } from './app-config';
import { parseNearDeadlinePolicies } from './near-deadline-policy';

const ROOT = path.resolve(__dirname, '../../../..');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const APP_CONFIG_SOURCE = fs.readFileSync(path.join(__dirname, 'app-config.ts'), 'utf8');

/** The README's configuration table: variable → documented default (backticks removed). */
function documentedDefaults(): Map<string, string> {
  const section = README.slice(README.indexOf('## Configuration'));
  const table = section.slice(0, section.indexOf('\n## '));
  const out = new Map<string, string>();
  for (const line of table.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    if (cells.length < 4 || !cells[1].startsWith('`')) continue;
    const names = [...cells[1].matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((m) => m[1]);
    const unquote = (s: string) => s.replace(/`/g, '').trim();
    // `A` / `B` | `1` / `2`: one default each; `A` / `B` | — : the same for both
    const split = names.length === 1 ? [cells[2]] : cells[2].split(/ \/ |, /);
    names.forEach((n, i) =>
      out.set(
        n,
        unquote(split.length === names.length ? split[i] : split.length === 1 ? split[0] : `(${split.length} defaults for ${names.length} variables)`),
      ),
    );
  }
  return out;
}

const mib = (bytes: number) => `${bytes / 1_048_576} MiB`;
const none = (v: unknown) => (v === undefined ? '—' : String(v));

/** What the code does when the variable is not set, written as the README writes it. */
const CODE_DEFAULTS: Record<string, (c: AppConfig) => string> = {
  EVENT_STORE_URL: (c) => c.eventStoreUrl,
  READ_MODEL_URL: (c) => none(c.readModelUrl),
  REDIS_URL: (c) => c.redisUrl,
  LOCAL_REDIS: (c) => c.localRedis,
  HOST: (c) => c.host,
  PORT: (c) => String(c.port),
  JWT_SECRET: (c) => none(c.jwtSecret),
  JWT_PUBLIC_KEY: (c) => none(c.jwtPublicKey),
  JWKS_URL: (c) => none(c.jwksUrl),
  JWT_ISSUER: (c) => none(c.jwtIssuer),
  JWT_AUDIENCE: (c) => none(c.jwtAudience),
  JWT_MAX_LIFETIME_SECONDS: (c) => String(c.jwtMaxLifetimeSeconds),
  LOG_LEVEL: (c) => c.logLevel,
  BODY_LIMIT_BYTES: (c) => mib(c.bodyLimitBytes),
  IMPORT_BODY_LIMIT_BYTES: (c) => mib(c.importBodyLimitBytes),
  WEBHOOK_ATTEMPTS: (c) => String(c.webhookAttempts),
  WEBHOOK_BACKOFF_MS: (c) => String(c.webhookBackoffMs),
  SHUTDOWN_TIMEOUT_SECONDS: (c) => String(c.shutdownTimeoutSeconds),
  TIMERS_SWEEP_EVERY_MS: (c) => String(c.timersSweepEveryMs),
  TIMERS_QUEUE: (c) => c.timersQueue,
  TIMERS_CONCURRENCY: (c) => String(c.timersConcurrency),
  HEALTH_MAX_LAG_EVENTS: (c) => String(c.healthMaxLagEvents),
  HEALTH_MAX_LAG_SECONDS: (c) => String(c.healthMaxLagSeconds),
  HEALTH_MAX_TIMER_BACKLOG: (c) => String(c.healthMaxTimerBacklog),
  METRICS_TOKEN: (c) => none(c.metricsToken),
  METRICS_EVENT_LOOP_RESOLUTION_MS: (c) => String(c.metricsEventLoopResolutionMs),
  DB_CONNECT_TIMEOUT_MS: (c) => String(c.dbConnectTimeoutMs),
  DB_STATEMENT_TIMEOUT_MS: (c) => String(c.dbStatementTimeoutMs),
  PGLITE_SAFETY_POLL_MS: (c) => String(c.pgliteSafetyPollMs),
  PGLITE_WAKE_DELAY_MS: (c) => String(c.pgliteWakeDelayMs),
  HEALTH_PROBE_TIMEOUT_MS: (c) => String(c.healthProbeTimeoutMs),
  RATE_LIMIT_PER_MINUTE: (c) => String(c.rateLimitPerMinute),
  EARLIEST_BUSINESS_DATE: (c) => c.earliestBusinessDate,
  RULES_2025_FROM: (c) => c.ruleSetSwitches.rules2025From,
  TT03_2025_FORMS_FROM: (c) => c.ruleSetSwitches.tt03FormsFrom,
  PUBLIC_BASE_URL: (c) => none(c.publicBaseUrl),
  SMTP_URL: (c) => none(c.notify.smtpUrl),
  NOTIFY_FROM: (c) => none(c.notify.from),
  SMTP_REQUIRE_TLS: (c) => String(c.notify.smtpRequireTls),
  SMTP_TLS_REJECT_UNAUTHORIZED: (c) => String(c.notify.smtpTlsRejectUnauthorized),
  SMS_GATEWAY_URL: (c) => none(c.notify.smsGatewayUrl),
  SMS_GATEWAY_AUTH: (c) => none(c.notify.smsGatewayAuth),
  SMS_GATEWAY_BODY: (c) => c.notify.smsGatewayBody,
  NOTIFY_ATTEMPTS: (c) => String(c.notify.attempts),
  NOTIFY_BACKOFF_MS: (c) => String(c.notify.backoffMs),
  NOTIFY_POLL_MS: (c) => String(c.notify.pollMs),
  HEALTH_MAX_OUTBOX_AGE_SECONDS: (c) => String(c.notify.healthMaxOutboxAgeSeconds),
};

describe("the README's configuration table", () => {
  const documented = documentedDefaults();
  const defaults = loadConfig({});

  it('lists every variable the validated configuration reads', () => {
    const read = new Set([...APP_CONFIG_SOURCE.matchAll(/env\.([A-Z][A-Z0-9_]*)/g)].map((m) => m[1]));
    expect(read.size).toBeGreaterThan(20);
    expect([...read].filter((v) => !documented.has(v))).toEqual([]);
  });

  it('gives the default the code uses, for every variable', () => {
    const mismatches = Object.entries(CODE_DEFAULTS)
      .map(([name, fromCode]) => ({ name, readme: documented.get(name), code: fromCode(defaults) }))
      .filter((r) => r.readme !== r.code);
    expect(mismatches).toEqual([]);
  });

  it('describes the defaults that depend on the store: RUN_WORKER, QUEUE_PREFIX, ALERT_NEAR_DEADLINE_POLICY', () => {
    expect(documented.get('RUN_WORKER')).toBe('true with PGlite, false otherwise');
    expect(loadConfig({ EVENT_STORE_URL: 'pglite://./data' }).runWorker).toBe(true);
    expect(loadConfig({ EVENT_STORE_URL: 'postgres://u@h/db' }, 'api').runWorker).toBe(false);
    expect(loadConfig({ EVENT_STORE_URL: 'postgres://u@h/db' }).runWorker).toBe(false);
    expect(documented.get('QUEUE_PREFIX')).toBe('motcua-<store id>');
    expect(defaults.queuePrefix).toBeUndefined();
    expect(defaultQueuePrefix(defaults.queuePrefix, 'abc123')).toBe('motcua-abc123');
    expect(parseNearDeadlinePolicies(documented.get('ALERT_NEAR_DEADLINE_POLICY'))).toEqual(parseNearDeadlinePolicies(defaults.nearDeadlinePolicy));
  });
});
