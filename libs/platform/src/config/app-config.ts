import { parseEventStoreUrl, EventStoreTarget, redact } from '@motcua/event-store';

/** Validated configuration of both apps. Every variable is documented in the README. */
export interface AppConfig {
  eventStoreUrl: string;
  eventStore: EventStoreTarget;
  /** SQL database for read models/checkpoints when the event store is EventStoreDB. */
  readModelUrl: string | undefined;
  redisUrl: string;
  host: string;
  port: number;
  /** Run projections and timers in this process (default: yes for the embedded PGlite store). */
  runWorker: boolean;
  /** Serve HTTP (the worker app sets it false). */
  runApi: boolean;
  jwtSecret: string | undefined;
  jwtPublicKey: string | undefined;
  jwksUrl: string | undefined;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Seconds allowed for a graceful shutdown before the process exits anyway. */
  shutdownTimeoutSeconds: number;
  bodyLimitBytes: number;
  importBodyLimitBytes: number;
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

/** Reads and validates the environment; throws one ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, role: 'all' | 'api' | 'worker' = 'all'): AppConfig {
  const problems: string[] = [];
  const eventStoreUrl = env.EVENT_STORE_URL?.trim() || 'pglite://./data';
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
  const port = int('PORT', env.PORT, 3000, 0, 65535, problems);
  const embedded = eventStore.kind === 'pglite' || eventStore.kind === 'memory';
  const runWorker = role === 'worker' ? true : role === 'api' && !embedded ? bool('RUN_WORKER', env.RUN_WORKER, false, problems) : bool('RUN_WORKER', env.RUN_WORKER, embedded, problems);
  if (embedded && !runWorker && role !== 'worker') {
    problems.push('RUN_WORKER=false is not possible with the embedded store: PGlite is opened by one process, which must also run the worker');
  }
  if (embedded && role === 'worker') {
    problems.push('The worker app cannot run alone on the embedded store (one process per PGlite directory): start the api app, which runs the worker too, or use PostgreSQL');
  }
  const jwtSecret = env.JWT_SECRET || undefined;
  if (jwtSecret !== undefined && jwtSecret.length < 32) problems.push('JWT_SECRET must be at least 32 characters (HS256 key)');
  const logLevel = (env.LOG_LEVEL?.trim() || 'info') as AppConfig['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL="${env.LOG_LEVEL}" must be one of ${LOG_LEVELS.join(', ')}`);
  const config: AppConfig = {
    eventStoreUrl,
    eventStore,
    readModelUrl,
    redisUrl,
    host: env.HOST?.trim() || '127.0.0.1',
    port,
    runWorker,
    runApi: role !== 'worker',
    jwtSecret,
    jwtPublicKey: env.JWT_PUBLIC_KEY || undefined,
    jwksUrl: env.JWKS_URL || undefined,
    logLevel,
    shutdownTimeoutSeconds: int('SHUTDOWN_TIMEOUT_SECONDS', env.SHUTDOWN_TIMEOUT_SECONDS, 20, 1, 600, problems),
    bodyLimitBytes: int('BODY_LIMIT_BYTES', env.BODY_LIMIT_BYTES, 1_048_576, 1024, 1_073_741_824, problems),
    importBodyLimitBytes: int('IMPORT_BODY_LIMIT_BYTES', env.IMPORT_BODY_LIMIT_BYTES, 64 * 1_048_576, 1024, 1_073_741_824, problems),
  };
  if (problems.length) throw new ConfigError(problems);
  return config;
}
