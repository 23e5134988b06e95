import * as net from 'node:net';
import { redact } from '@motcua/event-store/config';
import { assertDataDirFree } from '@motcua/sql/data-dir-lock';
import { AppConfig, ConfigError } from '../config/app-config';
import { findOnPath, LocalRedis, localRedisDir, pingRedis, startLocalRedis } from './local-redis';

// Drivers are loaded when needed: this runs first, and a failing start should fail fast.

/**
 * A dependency that cannot be reached at start. The message is one line that names the variable
 * to set and how to get the dependency; `exitOnConfigError` prints it and exits 1.
 */
export class DependencyError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'DependencyError';
  }
}

/**
 * `exitOnConfigError` for the first lines of a main (no Nest loaded yet): a configuration error or
 * an unreachable dependency is printed as its message (no stack) and exits 1; anything else is rethrown.
 */
export function exitOnStartError(err: unknown): never {
  if (err instanceof ConfigError || err instanceof DependencyError || (err as Error)?.name === 'AuthConfigError') {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(1);
  }
  throw err;
}

const GET_REDIS = 'install Redis ("sudo apt install redis-server", "brew install redis" or "docker run -d -p 6379:6379 redis:7")';
/** Each probe gives up after this long; all run at once, so a start fails well within 10 s. */
const PROBE_MS = 4_000;

export interface StartupOptions {
  /** Environment for PATH (where redis-server is looked for). */
  env?: NodeJS.ProcessEnv;
  /** May this process start its own Redis (the api on the embedded store; never the standalone worker)? */
  mayStartRedis?: boolean;
  log?: (message: string) => void;
  /** Where Redis is looked for when REDIS_URL is unset (tests; default 127.0.0.1:6379). */
  defaultRedis?: { host: string; port: number };
}

export interface Started {
  /** The Redis the app must use (config.redisUrl, or the local child's). */
  redisUrl: string;
  localRedis?: LocalRedis;
}

/** Why Redis at `url` does not answer PING, or undefined when it does. */
export async function redisProblem(url: string, timeoutMs = PROBE_MS): Promise<string | undefined> {
  const { default: IORedis } = await import('ioredis');
  const client = new IORedis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  let lastError: Error | undefined;
  client.on('error', (err) => (lastError = err));
  const timeout = new Promise<string>((resolve) => setTimeout(() => resolve(`no answer within ${timeoutMs / 1000} s`), timeoutMs).unref());
  const probe = (async () => {
    try {
      await client.connect();
      await client.ping();
      return undefined;
    } catch (err) {
      return describe(lastError ?? (err as Error));
    }
  })();
  try {
    return await Promise.race([probe, timeout]);
  } finally {
    client.disconnect();
  }
}

/** Why PostgreSQL at `url` does not answer `SELECT 1`, or undefined when it does. */
export async function postgresProblem(url: string, timeoutMs = PROBE_MS): Promise<string | undefined> {
  const { Client } = await import('pg');
  const client = new Client({ connectionString: url, connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs });
  client.on('error', () => undefined);
  const timeout = new Promise<string>((resolve) => setTimeout(() => resolve(`no answer within ${timeoutMs / 1000} s`), timeoutMs + 500).unref());
  const probe = (async () => {
    try {
      await client.connect();
      await client.query('SELECT 1');
      return undefined;
    } catch (err) {
      return describe(err as Error);
    }
  })();
  try {
    return await Promise.race([probe, timeout]);
  } finally {
    client.end().catch(() => undefined);
  }
}

/** Why nothing accepts TCP connections at the first host of an EventStoreDB URL, or undefined. */
export async function tcpProblem(url: string, defaultPort: number, timeoutMs = PROBE_MS): Promise<string | undefined> {
  const m = /^[a-z+]+:\/\/(?:[^@/]*@)?([^,/?:]+|\[[^\]]+\])(?::(\d+))?/i.exec(url);
  if (!m) return undefined; // unusual form: let the client report it
  const host = m[1].replace(/^\[|\]$/g, '');
  const port = Number(m[2] ?? defaultPort);
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.setTimeout(timeoutMs, () => {
      socket.destroy();
      resolve(`no answer within ${timeoutMs / 1000} s`);
    });
    socket.on('error', (err) => {
      socket.destroy();
      resolve(describe(err));
    });
    socket.on('connect', () => {
      socket.destroy();
      resolve(undefined);
    });
  });
}

function describe(err: Error): string {
  const e = err as Error & { code?: string; errors?: Error[] };
  // node's "connect ECONNREFUSED" for several addresses is an AggregateError with an empty message
  const inner = e.errors?.[0];
  const text = (e.message || inner?.message || e.code || String(err)).replace(/\s+/g, ' ').trim();
  return redact(text);
}

function hostOf(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || (u.protocol === 'rediss:' ? 6380 : 6379)}`;
  } catch {
    return redact(url);
  }
}

/**
 * Checks, before the app is built, that every dependency answers (all at once, each within a few
 * seconds), so that a start either works or stops with one line per missing dependency.
 *
 * Redis: with `REDIS_URL` set it must answer. Without it, Redis at the default address is used when
 * it answers; otherwise, where allowed (`mayStartRedis`: the embedded store, whose one process is
 * the whole service) and `redis-server` is on PATH, one is started as a child with its files under
 * the data directory (`LOCAL_REDIS=always` starts one even when the default answers; `never` never).
 */
export async function checkDependencies(config: AppConfig, options: StartupOptions = {}): Promise<Started> {
  const env = options.env ?? process.env;
  const log = options.log ?? (() => undefined);
  const problems: string[] = [];
  const checks: Promise<void>[] = [];

  const target = config.eventStore;
  if (target.kind === 'postgres') {
    checks.push(
      postgresProblem(target.connectionString).then((why) => {
        if (why)
          problems.push(
            `PostgreSQL at ${hostOf(target.connectionString)} (EVENT_STORE_URL=${redact(target.connectionString)}) does not answer: ${why}. Start it, or set EVENT_STORE_URL to a PostgreSQL that runs (or leave it unset for the embedded store in ./data).`,
          );
      }),
    );
  }
  if (target.kind === 'esdb') {
    checks.push(
      tcpProblem(target.connectionString, 2113).then((why) => {
        if (why)
          problems.push(
            `EventStoreDB at ${redact(target.connectionString)} (EVENT_STORE_URL) does not answer: ${why}. Start it (docker compose up kurrentdb), or set EVENT_STORE_URL to one that runs.`,
          );
      }),
    );
  }
  if (config.readModelUrl) {
    const url = config.readModelUrl;
    checks.push(
      postgresProblem(url).then((why) => {
        if (why)
          problems.push(
            `PostgreSQL at ${hostOf(url)} (READ_MODEL_URL=${redact(url)}) does not answer: ${why}. Start it, or set READ_MODEL_URL to a PostgreSQL that runs.`,
          );
      }),
    );
  }

  let redisUrl = config.redisUrl;
  let localRedis: LocalRedis | undefined;
  const mode = config.localRedis;
  const fallback = options.defaultRedis ?? { host: '127.0.0.1', port: 6379 };
  const fallbackUrl = `redis://${fallback.host}:${fallback.port}`;
  checks.push(
    (async () => {
      if (config.redisUrlSet) {
        const why = await redisProblem(config.redisUrl);
        if (why)
          problems.push(
            `Redis at ${hostOf(config.redisUrl)} (REDIS_URL=${redact(config.redisUrl)}) does not answer: ${why}. Start it or set REDIS_URL to a Redis that runs; to get one, ${GET_REDIS}.`,
          );
        return;
      }
      const why = mode === 'always' ? 'LOCAL_REDIS=always' : await pingRedis(fallback.host, fallback.port, 2_000);
      if (!why) {
        redisUrl = fallbackUrl;
        return;
      }
      if (why.startsWith('answered')) {
        problems.push(
          `REDIS_URL is not set and the Redis at ${hostOf(fallbackUrl)} ${why} to PING. Set REDIS_URL (with its password: redis://:password@host:6379), or ${GET_REDIS}.`,
        );
        return;
      }
      const binary = findOnPath('redis-server', env);
      const embedded = target.kind === 'pglite' || target.kind === 'memory';
      if (mode !== 'never' && options.mayStartRedis && embedded && binary) {
        const dataDir = target.kind === 'pglite' ? target.dataDir : undefined;
        try {
          // never touch the Redis of another process that has this data directory open
          if (dataDir) assertDataDirFree(dataDir);
        } catch (err) {
          problems.push((err as Error).message);
          return;
        }
        const dir = localRedisDir(dataDir);
        try {
          localRedis = await startLocalRedis(binary, dir, undefined, !dataDir);
        } catch (err) {
          problems.push(`REDIS_URL is not set and ${describe(err as Error)}. Set REDIS_URL to a Redis that runs; to get one, ${GET_REDIS}.`);
          return;
        }
        redisUrl = localRedis.url;
        log(
          `REDIS_URL is not set and ${mode === 'always' ? 'LOCAL_REDIS=always' : `nothing answers at ${hostOf(fallbackUrl)}`}: started ${binary} (pid ${localRedis.pid}) at ${redisUrl}, append-only file in ${dir}; it stops with the service`,
        );
        return;
      }
      const instead =
        mode === 'never'
          ? 'LOCAL_REDIS=never'
          : !embedded
            ? 'a Redis of its own is only started for the embedded store (api and worker must share one)'
            : !options.mayStartRedis
              ? 'this process does not start one'
              : 'no redis-server on PATH to start one under the data directory';
      const missing = mode === 'always' ? 'LOCAL_REDIS=always asks for a Redis of its own' : `no Redis answers at ${hostOf(fallbackUrl)} (${why})`;
      problems.push(`REDIS_URL is not set and ${missing}; ${instead}. Set REDIS_URL to a Redis that runs, or ${GET_REDIS}.`);
    })(),
  );

  await Promise.all(checks);
  if (problems.length) {
    await localRedis?.stop();
    throw new DependencyError(problems.map((p) => `motcua cannot start: ${p}`));
  }
  return { redisUrl, localRedis };
}
