import { createPublicKey } from 'node:crypto';
import { DEFAULT_EVENT_STORE_URL, parseEventStoreUrl, EventStoreTarget, redact } from '@motcua/event-store/config';
import { parseNearDeadlinePolicies } from './near-deadline-policy';
import {
  DEFAULT_RULES_2025_FROM,
  DEFAULT_TT03_2025_FORMS_FROM,
  isSupportedLocalDate,
  RuleSetSwitches,
  ruleSetSwitchProblems,
  SUPPORTED_RANGE_TEXT,
} from '@motcua/domain';

/** Validated configuration of both apps. Every variable is documented in the README. */
export interface AppConfig {
  eventStoreUrl: string;
  eventStore: EventStoreTarget;
  /** SQL database for read models/checkpoints when the event store is EventStoreDB. */
  readModelUrl: string | undefined;
  redisUrl: string;
  /** REDIS_URL was given (else the default address is tried, then a local redis-server may be started). */
  redisUrlSet: boolean;
  /** LOCAL_REDIS: start a redis-server child under the data directory when REDIS_URL is unset and the default does not answer (`auto`), always, or never. */
  localRedis: 'auto' | 'always' | 'never';
  host: string;
  port: number;
  /** Run projections and timers in this process (default: yes for the embedded PGlite store). */
  runWorker: boolean;
  /** Serve HTTP (the worker app sets it false). */
  runApi: boolean;
  jwtSecret: string | undefined;
  jwtPublicKey: string | undefined;
  jwksUrl: string | undefined;
  /** Required `iss` / `aud` of tokens (JWT_ISSUER / JWT_AUDIENCE). */
  jwtIssuer: string | undefined;
  jwtAudience: string | undefined;
  /** Longest token lifetime accepted (JWT_MAX_LIFETIME_SECONDS, default 24 h). */
  jwtMaxLifetimeSeconds: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Seconds allowed for a graceful shutdown before the process exits anyway. */
  shutdownTimeoutSeconds: number;
  bodyLimitBytes: number;
  importBodyLimitBytes: number;
  /** Alert webhooks: delivery attempts before a job is dead-lettered, and the first retry delay (doubling). */
  webhookAttempts: number;
  webhookBackoffMs: number;
  /** Readiness: a projection more than this many events behind makes `/health` answer 503 (HEALTH_MAX_LAG_EVENTS). */
  healthMaxLagEvents: number;
  /** Readiness: a projection whose oldest unprocessed event is older than this (HEALTH_MAX_LAG_SECONDS). */
  healthMaxLagSeconds: number;
  /** Readiness: deadline timers waiting or overdue above this count (HEALTH_MAX_TIMER_BACKLOG). */
  healthMaxTimerBacklog: number;
  /** Redis key prefix of every BullMQ queue (QUEUE_PREFIX); unset: `motcua-<store id>` (see `defaultQueuePrefix`). */
  queuePrefix: string | undefined;
  /** BullMQ queue of the deadline timers (TIMERS_QUEUE). */
  timersQueue: string;
  /** How often the timers' sweep runs (TIMERS_SWEEP_EVERY_MS, ≥ 1000). */
  timersSweepEveryMs: number;
  /** Timer worker concurrency (TIMERS_CONCURRENCY). */
  timersConcurrency: number;
  /** ALERT_NEAR_DEADLINE_POLICY as given (validated; `parseNearDeadlinePolicies` reads it). */
  nearDeadlinePolicy: string | undefined;
  /** Bearer token that `/metrics` requires (METRICS_TOKEN); without one, `/metrics` answers only loopback clients. */
  metricsToken: string | undefined;
  /**
   * METRICS_EVENT_LOOP_RESOLUTION_MS: the sampling interval of the event-loop delay histogram behind
   * `nodejs_eventloop_lag_*` (prom-client's default 10 ms wakes an idle process 100 times a second).
   */
  metricsEventLoopResolutionMs: number;
  /** Requests per minute per token (JWT `sub`) or, without a token, per client IP (RATE_LIMIT_PER_MINUTE; 0 = off). */
  rateLimitPerMinute: number;
  /** PostgreSQL: wait at most this long for a connection (DB_CONNECT_TIMEOUT_MS). */
  dbConnectTimeoutMs: number;
  /** PostgreSQL: the server's statement_timeout, and (plus 5 s) the client's own limit per query (DB_STATEMENT_TIMEOUT_MS; 0 = none). */
  dbStatementTimeoutMs: number;
  /**
   * PGlite: how often the live subscriptions read the log when no append signalled (PGLITE_SAFETY_POLL_MS):
   * a safety net only, every append of the one process that opens the directory wakes them.
   */
  pgliteSafetyPollMs: number;
  /**
   * PGlite: how long the live subscriptions wait after an append before reading the log
   * (PGLITE_WAKE_DELAY_MS), so that the appends of that window are read and projected as one batch.
   */
  pgliteWakeDelayMs: number;
  /** Readiness: each probe (event store, Redis, projections, timers) may take this long (HEALTH_PROBE_TIMEOUT_MS). */
  healthProbeTimeoutMs: number;
  /** Business times (occurredAt) before this local date are refused with a 422 (EARLIEST_BUSINESS_DATE). */
  earliestBusinessDate: string;
  /** Rule-set switch dates (RULES_2025_FROM, TT03_2025_FORMS_FROM; libs/domain/src/rules): local dates. */
  ruleSetSwitches: RuleSetSwitches;
  /**
   * Public address of the service (PUBLIC_BASE_URL, e.g. https://motcua.example.gov.vn): the receipt's
   * QR code points to `<it>/api/v1/public/dossiers/<code>?pin=<pin>`. Unset: the address the receipt was
   * requested on (its Host and X-Forwarded-Proto).
   */
  publicBaseUrl: string | undefined;
  /** Public status look-ups per minute per client address (PUBLIC_LOOKUP_PER_MINUTE; 0 = no limit). */
  publicLookupPerMinute: number;
  /** Citizen notices (issue #19). Each channel is off until configured. */
  notify: NotifyConfig;
}

export interface NotifyConfig {
  /** SMTP_URL (smtp://user:pass@host:587 — STARTTLS when offered — or smtps://host:465); unset: no e-mail. */
  smtpUrl: string | undefined;
  /** NOTIFY_FROM: the sender address of e-mails (required with SMTP_URL). */
  from: string | undefined;
  /** SMTP_REQUIRE_TLS: refuse to send over smtp:// without STARTTLS. */
  smtpRequireTls: boolean;
  /** SMTP_TLS_REJECT_UNAUTHORIZED: verify the SMTP server's certificate (default true). */
  smtpTlsRejectUnauthorized: boolean;
  /** SMS_GATEWAY_URL: the HTTP(S) endpoint a JSON POST is sent to; unset: no SMS. */
  smsGatewayUrl: string | undefined;
  /** SMS_GATEWAY_AUTH: one header sent with every SMS request, `Name: value` (e.g. `Authorization: Bearer …`). */
  smsGatewayAuth: { name: string; value: string } | undefined;
  /** SMS_GATEWAY_BODY: the JSON body, with `{{to}}`, `{{text}}` and `{{id}}` placeholders inside strings. */
  smsGatewayBody: string;
  /** NOTIFY_ATTEMPTS / NOTIFY_BACKOFF_MS: attempts per message before the dead letter, first retry delay (doubling). */
  attempts: number;
  backoffMs: number;
  /**
   * NOTIFY_POLL_MS: the sender's safety poll: the longest it sleeps when no row is due sooner and
   * nothing woke it (the projections, a resend, PostgreSQL's NOTIFY on the outbox wake it at once).
   */
  pollMs: number;
  /** HEALTH_MAX_OUTBOX_AGE_SECONDS: readiness is down when a due message has waited longer. */
  healthMaxOutboxAgeSeconds: number;
}

/**
 * The public API address citizens' links start with: `<PUBLIC_BASE_URL>/api/v1`, or, unset, the
 * service's own `http://<HOST>:<PORT>/api/v1` (a worker has no request to take the address from).
 */
export function publicApiBaseUrl(c: Pick<AppConfig, 'publicBaseUrl' | 'host' | 'port'>): string {
  return `${c.publicBaseUrl ?? `http://${c.host}:${c.port || 3000}`}/api/v1`;
}

export const DEFAULT_SMS_GATEWAY_BODY = '{"to":"{{to}}","message":"{{text}}","requestId":"{{id}}"}';

/** The SMS body template filled with sample values must be a JSON object. */
export function smsBodyProblem(template: string): string | undefined {
  try {
    const filled = template.replace(/\{\{(to|text|id)\}\}/g, 'x');
    if (/\{\{/.test(filled)) return 'only {{to}}, {{text}} and {{id}} may be used';
    const v: unknown = JSON.parse(filled);
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return 'must be a JSON object';
    if (!template.includes('{{to}}') || !template.includes('{{text}}')) return 'must contain {{to}} and {{text}}';
    return undefined;
  } catch (err) {
    return `is not JSON: ${(err as Error).message}`;
  }
}

function httpUrl(name: string, raw: string | undefined, problems: string[], protocols = ['http:', 'https:']): string | undefined {
  const v = raw?.trim() || undefined;
  if (v === undefined) return undefined;
  try {
    if (protocols.includes(new URL(v).protocol)) return v;
  } catch {
    /* not a URL */
  }
  problems.push(`${name} "${redact(v)}" must be a ${protocols.map((p) => p + '//').join(' or ')} URL`);
  return undefined;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

function bool(name: string, raw: string | undefined, fallback: boolean, problems: string[]): boolean {
  if (raw === undefined || raw === '') return fallback;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  problems.push(`${name}="${raw}" must be true or false`);
  return fallback;
}

function int(name: string, raw: string | undefined, fallback: number, min: number, max: number, problems: string[]): number {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    problems.push(`${name}="${raw}" must be a whole number from ${min} to ${max}`);
    return fallback;
  }
  return n;
}

function isExistingDate(d: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(d)) return false;
  const t = new Date(`${d}T00:00:00Z`);
  return !Number.isNaN(t.getTime()) && t.toISOString().slice(0, 10) === d;
}

/** Reads and validates the environment; throws one ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, role: 'all' | 'api' | 'worker' = 'all'): AppConfig {
  const problems: string[] = [];
  const eventStoreUrl = env.EVENT_STORE_URL?.trim() || DEFAULT_EVENT_STORE_URL;
  let eventStore: EventStoreTarget = { kind: 'pglite', dataDir: undefined };
  try {
    eventStore = parseEventStoreUrl(eventStoreUrl);
  } catch (err) {
    problems.push(`EVENT_STORE_URL: ${(err as Error).message}`);
  }
  const readModelUrl = env.READ_MODEL_URL?.trim() || undefined;
  if (eventStore.kind === 'esdb' && !readModelUrl) {
    problems.push('READ_MODEL_URL must name a PostgreSQL database (postgres://…) when EVENT_STORE_URL is EventStoreDB');
  }
  if (readModelUrl && !/^postgres(ql)?:\/\//.test(readModelUrl)) {
    problems.push(`READ_MODEL_URL "${redact(readModelUrl)}" must be a postgres:// URL`);
  }
  const redisUrl = env.REDIS_URL?.trim() || 'redis://127.0.0.1:6379';
  if (!/^rediss?:\/\//.test(redisUrl)) problems.push(`REDIS_URL "${redact(redisUrl)}" must start with redis:// or rediss://`);
  const localRedis = (env.LOCAL_REDIS?.trim().toLowerCase() || 'auto') as AppConfig['localRedis'];
  if (!['auto', 'always', 'never'].includes(localRedis)) problems.push(`LOCAL_REDIS="${env.LOCAL_REDIS}" must be auto, always or never`);
  const port = int('PORT', env.PORT, 3000, 0, 65535, problems);
  const embedded = eventStore.kind === 'pglite' || eventStore.kind === 'memory';
  const runWorker =
    role === 'worker'
      ? true
      : role === 'api' && !embedded
        ? bool('RUN_WORKER', env.RUN_WORKER, false, problems)
        : bool('RUN_WORKER', env.RUN_WORKER, embedded, problems);
  if (embedded && !runWorker && role !== 'worker') {
    problems.push('RUN_WORKER=false is not possible with the embedded store: PGlite is opened by one process, which must also run the worker');
  }
  if (embedded && role === 'worker') {
    problems.push(
      'The worker app cannot run alone on the embedded store (one process per PGlite directory): start the api app, which runs the worker too, or use PostgreSQL',
    );
  }
  const jwtSecret = env.JWT_SECRET || undefined;
  if (jwtSecret !== undefined && jwtSecret.length < 32) problems.push('JWT_SECRET must be at least 32 characters (HS256 key)');
  const jwtPublicKey = env.JWT_PUBLIC_KEY || undefined;
  if (jwtPublicKey !== undefined) {
    const pem = jwtPublicKey.includes('\\n') ? jwtPublicKey.replace(/\\n/g, '\n') : jwtPublicKey;
    if (!/-----BEGIN ((RSA )?PUBLIC KEY|CERTIFICATE)-----[\s\S]+-----END ((RSA )?PUBLIC KEY|CERTIFICATE)-----/.test(pem)) {
      problems.push('JWT_PUBLIC_KEY must be a PEM public key ("-----BEGIN PUBLIC KEY-----" … "-----END PUBLIC KEY-----"; "\\n" escapes are accepted)');
    } else {
      try {
        const key = createPublicKey(pem);
        const ec256 = key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1';
        if (key.asymmetricKeyType !== 'rsa' && !ec256) problems.push('JWT_PUBLIC_KEY must be an RSA key (RS256) or a P-256 EC key (ES256)');
      } catch (err) {
        problems.push(`JWT_PUBLIC_KEY is not a readable PEM public key: ${(err as Error).message}`);
      }
    }
  }
  const jwksUrl = env.JWKS_URL || undefined;
  if (jwksUrl !== undefined) {
    let ok = false;
    try {
      ok = ['http:', 'https:'].includes(new URL(jwksUrl).protocol);
    } catch {
      /* not a URL */
    }
    if (!ok) problems.push(`JWKS_URL "${redact(jwksUrl)}" must be an http:// or https:// URL`);
  }
  const metricsToken = env.METRICS_TOKEN || undefined;
  if (metricsToken !== undefined && (metricsToken.length < 16 || /\s/.test(metricsToken))) {
    problems.push('METRICS_TOKEN must be at least 16 characters without spaces');
  }
  const queuePrefix = env.QUEUE_PREFIX?.trim() || undefined;
  if (queuePrefix !== undefined && !/^[A-Za-z0-9._:-]+$/.test(queuePrefix))
    problems.push(`QUEUE_PREFIX="${env.QUEUE_PREFIX}" may only contain letters, digits, ".", "_", ":" and "-"`);
  const timersQueue = env.TIMERS_QUEUE?.trim() || 'deadline-timers';
  if (!/^[A-Za-z0-9._-]+$/.test(timersQueue)) problems.push(`TIMERS_QUEUE="${env.TIMERS_QUEUE}" may only contain letters, digits, ".", "_" and "-"`);
  const nearDeadlinePolicy = env.ALERT_NEAR_DEADLINE_POLICY?.trim() || undefined;
  try {
    parseNearDeadlinePolicies(nearDeadlinePolicy);
  } catch (err) {
    problems.push(`ALERT_NEAR_DEADLINE_POLICY: ${(err as Error).message}`);
  }
  const earliestBusinessDate = env.EARLIEST_BUSINESS_DATE?.trim() || '2000-01-01';
  if (!isExistingDate(earliestBusinessDate) || !isSupportedLocalDate(earliestBusinessDate)) {
    problems.push(`EARLIEST_BUSINESS_DATE="${env.EARLIEST_BUSINESS_DATE}" must be a date YYYY-MM-DD ${SUPPORTED_RANGE_TEXT}`);
  }
  // Rule sets by reception date: Nghị định 118/2025 from RULES_2025_FROM; Thông tư 03/2025 forms from
  // TT03_2025_FORMS_FROM (its effective date is UNVERIFIED; 1 July 2025 assumed). See libs/domain/src/rules.
  const ruleSetSwitches: RuleSetSwitches = {
    rules2025From: env.RULES_2025_FROM?.trim() || DEFAULT_RULES_2025_FROM,
    tt03FormsFrom: env.TT03_2025_FORMS_FROM?.trim() || DEFAULT_TT03_2025_FORMS_FROM,
  };
  const badSwitch = (name: string, v: string) =>
    !isExistingDate(v) || !isSupportedLocalDate(v) ? [`${name}="${v}" must be a date YYYY-MM-DD ${SUPPORTED_RANGE_TEXT}`] : [];
  const switchProblems = [...badSwitch('RULES_2025_FROM', ruleSetSwitches.rules2025From), ...badSwitch('TT03_2025_FORMS_FROM', ruleSetSwitches.tt03FormsFrom)];
  problems.push(...(switchProblems.length ? switchProblems : ruleSetSwitchProblems(ruleSetSwitches)));
  const publicBaseUrl = env.PUBLIC_BASE_URL?.trim().replace(/\/+$/, '') || undefined;
  if (publicBaseUrl !== undefined) {
    let ok = false;
    try {
      const u = new URL(publicBaseUrl);
      ok = ['http:', 'https:'].includes(u.protocol) && !u.search && !u.hash && !u.username && !u.password;
    } catch {
      /* not a URL */
    }
    if (!ok) problems.push(`PUBLIC_BASE_URL="${env.PUBLIC_BASE_URL}" must be an http:// or https:// address without query, fragment or credentials`);
  }
  const logLevel = (env.LOG_LEVEL?.trim() || 'info') as AppConfig['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL="${env.LOG_LEVEL}" must be one of ${LOG_LEVELS.join(', ')}`);
  const host = env.HOST?.trim() || '127.0.0.1';
  const smtpUrl = httpUrl('SMTP_URL', env.SMTP_URL, problems, ['smtp:', 'smtps:']);
  const notifyFrom = env.NOTIFY_FROM?.trim() || undefined;
  if (smtpUrl && !notifyFrom) problems.push('NOTIFY_FROM must name the sender address of e-mails when SMTP_URL is set');
  if (notifyFrom && !/^([^<>]*<)?[^\s@<>]+@[^\s@<>]+>?$/.test(notifyFrom))
    problems.push(`NOTIFY_FROM="${notifyFrom}" must be an e-mail address ("Name <a@b.vn>" or "a@b.vn")`);
  const smsGatewayUrl = httpUrl('SMS_GATEWAY_URL', env.SMS_GATEWAY_URL, problems);
  let smsGatewayAuth: NotifyConfig['smsGatewayAuth'];
  if (env.SMS_GATEWAY_AUTH?.trim()) {
    const m = /^([A-Za-z0-9-]+):\s*(.+)$/.exec(env.SMS_GATEWAY_AUTH.trim());
    if (m) smsGatewayAuth = { name: m[1], value: m[2] };
    else problems.push('SMS_GATEWAY_AUTH must be one header, "Name: value"');
  }
  const smsGatewayBody = env.SMS_GATEWAY_BODY?.trim() || DEFAULT_SMS_GATEWAY_BODY;
  const bodyProblem = smsBodyProblem(smsGatewayBody);
  if (bodyProblem) problems.push(`SMS_GATEWAY_BODY ${bodyProblem}`);
  const notify: NotifyConfig = {
    smtpUrl,
    from: notifyFrom,
    smtpRequireTls: bool('SMTP_REQUIRE_TLS', env.SMTP_REQUIRE_TLS, false, problems),
    smtpTlsRejectUnauthorized: bool('SMTP_TLS_REJECT_UNAUTHORIZED', env.SMTP_TLS_REJECT_UNAUTHORIZED, true, problems),
    smsGatewayUrl,
    smsGatewayAuth,
    smsGatewayBody,
    attempts: int('NOTIFY_ATTEMPTS', env.NOTIFY_ATTEMPTS, 8, 1, 100, problems),
    backoffMs: int('NOTIFY_BACKOFF_MS', env.NOTIFY_BACKOFF_MS, 5_000, 1, 3_600_000, problems),
    pollMs: int('NOTIFY_POLL_MS', env.NOTIFY_POLL_MS, 60_000, 10, 3_600_000, problems),
    healthMaxOutboxAgeSeconds: int('HEALTH_MAX_OUTBOX_AGE_SECONDS', env.HEALTH_MAX_OUTBOX_AGE_SECONDS, 900, 1, 31_536_000, problems),
  };
  const config: AppConfig = {
    eventStoreUrl,
    eventStore,
    readModelUrl,
    redisUrl,
    redisUrlSet: Boolean(env.REDIS_URL?.trim()),
    localRedis,
    host,
    port,
    runWorker,
    runApi: role !== 'worker',
    jwtSecret,
    jwtPublicKey,
    jwksUrl,
    jwtIssuer: env.JWT_ISSUER?.trim() || undefined,
    jwtAudience: env.JWT_AUDIENCE?.trim() || undefined,
    jwtMaxLifetimeSeconds: int('JWT_MAX_LIFETIME_SECONDS', env.JWT_MAX_LIFETIME_SECONDS, 86_400, 60, 31_536_000, problems),
    logLevel,
    shutdownTimeoutSeconds: int('SHUTDOWN_TIMEOUT_SECONDS', env.SHUTDOWN_TIMEOUT_SECONDS, 20, 1, 600, problems),
    bodyLimitBytes: int('BODY_LIMIT_BYTES', env.BODY_LIMIT_BYTES, 1_048_576, 1024, 1_073_741_824, problems),
    importBodyLimitBytes: int('IMPORT_BODY_LIMIT_BYTES', env.IMPORT_BODY_LIMIT_BYTES, 64 * 1_048_576, 1024, 1_073_741_824, problems),
    webhookAttempts: int('WEBHOOK_ATTEMPTS', env.WEBHOOK_ATTEMPTS, 8, 1, 100, problems),
    webhookBackoffMs: int('WEBHOOK_BACKOFF_MS', env.WEBHOOK_BACKOFF_MS, 5_000, 1, 3_600_000, problems),
    healthMaxLagEvents: int('HEALTH_MAX_LAG_EVENTS', env.HEALTH_MAX_LAG_EVENTS, 10_000, 0, 1_000_000_000, problems),
    healthMaxLagSeconds: int('HEALTH_MAX_LAG_SECONDS', env.HEALTH_MAX_LAG_SECONDS, 300, 0, 31_536_000, problems),
    healthMaxTimerBacklog: int('HEALTH_MAX_TIMER_BACKLOG', env.HEALTH_MAX_TIMER_BACKLOG, 10_000, 0, 1_000_000_000, problems),
    queuePrefix,
    timersQueue,
    timersSweepEveryMs: int('TIMERS_SWEEP_EVERY_MS', env.TIMERS_SWEEP_EVERY_MS, 60_000, 1_000, 86_400_000, problems),
    timersConcurrency: int('TIMERS_CONCURRENCY', env.TIMERS_CONCURRENCY, 16, 1, 1_000, problems),
    nearDeadlinePolicy,
    metricsToken,
    metricsEventLoopResolutionMs: int('METRICS_EVENT_LOOP_RESOLUTION_MS', env.METRICS_EVENT_LOOP_RESOLUTION_MS, 100, 1, 10_000, problems),
    rateLimitPerMinute: int('RATE_LIMIT_PER_MINUTE', env.RATE_LIMIT_PER_MINUTE, 1_200, 0, 10_000_000, problems),
    dbConnectTimeoutMs: int('DB_CONNECT_TIMEOUT_MS', env.DB_CONNECT_TIMEOUT_MS, 5_000, 100, 600_000, problems),
    dbStatementTimeoutMs: int('DB_STATEMENT_TIMEOUT_MS', env.DB_STATEMENT_TIMEOUT_MS, 30_000, 0, 86_400_000, problems),
    pgliteSafetyPollMs: int('PGLITE_SAFETY_POLL_MS', env.PGLITE_SAFETY_POLL_MS, 60_000, 50, 3_600_000, problems),
    pgliteWakeDelayMs: int('PGLITE_WAKE_DELAY_MS', env.PGLITE_WAKE_DELAY_MS, 50, 1, 1_000, problems),
    healthProbeTimeoutMs: int('HEALTH_PROBE_TIMEOUT_MS', env.HEALTH_PROBE_TIMEOUT_MS, 5_000, 50, 600_000, problems),
    earliestBusinessDate,
    ruleSetSwitches,
    publicBaseUrl,
    notify,
    publicLookupPerMinute: int('PUBLIC_LOOKUP_PER_MINUTE', env.PUBLIC_LOOKUP_PER_MINUTE, 30, 0, 1_000_000, problems),
  };
  if (problems.length) throw new ConfigError(problems);
  return config;
}
