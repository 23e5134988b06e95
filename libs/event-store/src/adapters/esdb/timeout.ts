import { EventStoreUnavailableError } from '../../port/errors';

/** Client error types (`CommandError.type`) meaning "the server did not answer / cannot now". */
const UNAVAILABLE_TYPES = new Set(['unavailable', 'deadline-exceeded', 'timeout', 'cancelled', 'not-leader']);
/** gRPC status codes with the same meaning: CANCELLED, DEADLINE_EXCEEDED, UNAVAILABLE. */
const UNAVAILABLE_CODES = new Set([1, 4, 14]);

/**
 * Maps a client error to the port's errors: connection-level failures become
 * `EventStoreUnavailableError`; anything else is returned unchanged.
 */
export function toStoreError(op: string, err: unknown): unknown {
  if (err instanceof EventStoreUnavailableError) return err;
  const e = err as { type?: unknown; code?: unknown; message?: unknown } | null;
  const unavailable =
    !!e &&
    ((typeof e.type === 'string' && UNAVAILABLE_TYPES.has(e.type)) ||
      (typeof e.code === 'number' && UNAVAILABLE_CODES.has(e.code)) ||
      (typeof e.code === 'string' && ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT'].includes(e.code)));
  if (!unavailable) return err;
  const detail = typeof e?.message === 'string' && e.message ? `: ${e.message}` : '';
  return new EventStoreUnavailableError(`EventStoreDB unavailable during ${op}${detail}`, err);
}

export function timeoutError(op: string, timeoutMs: number): EventStoreUnavailableError {
  return new EventStoreUnavailableError(`EventStoreDB did not answer ${op} within ${timeoutMs} ms`);
}

/**
 * Races `work` against our own timer. The v6 client can wait forever on a server that accepts
 * TCP but never answers (its deadlines do not cover connection set-up nor the capabilities
 * call), so every call goes through here. On timeout `onTimeout` runs (cancel the call, recycle
 * the client) and the promise rejects with `EventStoreUnavailableError`; a late outcome of
 * `work` is ignored. Other errors go through `toStoreError`.
 */
export function withTimeout<T>(op: string, timeoutMs: number, work: Promise<T>, onTimeout?: () => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      work.catch(() => undefined); // the late outcome is nobody's business now
      try {
        onTimeout?.();
      } finally {
        reject(timeoutError(op, timeoutMs));
      }
    }, timeoutMs);
    work.then(
      (value) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(toStoreError(op, err));
      },
    );
  });
}
