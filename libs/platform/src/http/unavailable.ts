/**
 * Which errors mean "a dependency is unreachable or overloaded" (the database, PGlite, Redis) rather
 * than "the request is wrong" or "the code is wrong". `toProblem` answers them 503 with `Retry-After`
 * (metric outcome `unavailable`) instead of a 500; the client may simply retry later, and the
 * service recovers by itself once the dependency is back (the pg pool drops dead connections,
 * ioredis reconnects).
 */

export type Dependency = 'database' | 'redis' | 'event-store';

/** Seconds a client should wait before retrying after a 503. */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

/** Thrown by our own code when it finds a dependency down before calling it (e.g. Redis not connected). */
export class DependencyUnavailableError extends Error {
  constructor(
    readonly dependency: Dependency,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DependencyUnavailableError';
  }
}

/**
 * SQLSTATE classes and codes (PostgreSQL and PGlite) that are the server's condition, not the
 * request's: 08 connection exception, 53 insufficient resources (53300 too many connections, disk
 * full, out of memory), 57 operator intervention (57P01 admin shutdown, 57P02 crash shutdown, 57P03
 * cannot connect now — "the database system is starting up / shutting down", 57014 statement
 * timeout), 58 system error (I/O), XX internal error (corruption).
 */
const SQLSTATE_CLASSES = new Set(['08', '53', '57', '58', 'XX']);

/** Node socket and file-system error codes of an unreachable or failing dependency. */
const NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENOSPC',
  'EIO',
  'EMFILE',
  'ENFILE',
  'ERR_SOCKET_CLOSED',
]);

/** Messages of node-postgres, pg-pool, PGlite and ioredis that carry no code. */
const DATABASE_MESSAGES = [
  /^Connection terminated/, // "…unexpectedly", "…due to connection timeout", "Connection terminated"
  /^timeout exceeded when trying to connect$/, // pg-pool connectionTimeoutMillis
  /^Query read timeout$/, // pg query_timeout
  /is not queryable$/, // "Client has encountered a connection error and is not queryable", "Client was closed and is not queryable"
  /^Cannot use a pool after calling end on the pool$/,
  /^PGlite is clos(ed|ing)$/,
  /^PGlite failed to initialize properly$/,
  /^No more file handles available in the pool$/,
  /^timeout while waiting for mutex to become available$/,
];
const REDIS_MESSAGES = [
  /^Connection is closed\.?$/,
  /^Stream isn't writeable and enableOfflineQueue options is false$/,
  /^Reached the max retries per request limit/,
  /^Redis connection (to .* )?(failed|lost)/,
];

export interface Unavailability {
  dependency: Dependency | 'unknown';
  /** The underlying error's message (for the log, never for the client). */
  message: string;
}

/** PGlite runs PostgreSQL as WebAssembly: a trap (out of memory, abort) surfaces as this. */
const WASM_RUNTIME_ERROR = (globalThis as { WebAssembly?: { RuntimeError?: new () => Error } }).WebAssembly?.RuntimeError;

type Errorish = { name?: unknown; code?: unknown; message?: unknown; cause?: unknown; errors?: unknown; constructor?: { name?: string } };

function classifyOne(err: Errorish): Unavailability | undefined {
  const message = typeof err.message === 'string' ? err.message : '';
  if (err instanceof DependencyUnavailableError) return { dependency: err.dependency, message };
  if ((err as { name?: unknown }).name === 'EventStoreUnavailableError') return { dependency: 'event-store', message };
  const code = typeof err.code === 'string' ? err.code : undefined;
  if (code && /^[0-9A-Z]{5}$/.test(code) && SQLSTATE_CLASSES.has(code.slice(0, 2))) return { dependency: 'database', message: `${code} ${message}` };
  if (WASM_RUNTIME_ERROR && err instanceof WASM_RUNTIME_ERROR) return { dependency: 'database', message: `PGlite: ${message}` };
  if (err.name === 'MaxRetriesPerRequestError') return { dependency: 'redis', message };
  if (REDIS_MESSAGES.some((re) => re.test(message))) return { dependency: 'redis', message };
  if (DATABASE_MESSAGES.some((re) => re.test(message))) return { dependency: 'database', message };
  if (code && NODE_CODES.has(code)) return { dependency: 'unknown', message };
  return undefined;
}

/**
 * `undefined` when `error` is not about a dependency being down; else which one (as far as the error
 * tells) and its message. Looks through `cause` chains and `AggregateError.errors` (a refused
 * connection to a host with several addresses).
 */
export function classifyUnavailable(error: unknown, depth = 0): Unavailability | undefined {
  if (!error || typeof error !== 'object' || depth > 5) return undefined;
  const err = error as Errorish;
  const own = classifyOne(err);
  if (own) return own;
  if (Array.isArray(err.errors)) {
    for (const inner of err.errors) {
      const found = classifyUnavailable(inner, depth + 1);
      if (found) return found;
    }
  }
  return err.cause !== undefined && err.cause !== error ? classifyUnavailable(err.cause, depth + 1) : undefined;
}

/** What a client is told (no host names, ports or driver messages). */
export function unavailableDetail(dependency: Unavailability['dependency']): string {
  const what =
    dependency === 'database'
      ? 'The database'
      : dependency === 'redis'
        ? 'Redis (queues and live alerts)'
        : dependency === 'event-store'
          ? 'The event store'
          : 'A service this one depends on';
  return `${what} is unavailable at the moment: try again in a few seconds.`;
}
