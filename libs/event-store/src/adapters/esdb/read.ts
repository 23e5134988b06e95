import type { StreamingRead } from '@eventstore/db-client';
import { EventStoreUnavailableError } from '../../port/errors';
import { timeoutError, toStoreError } from './timeout';

/** Cancels the gRPC call behind a read and destroys the Node stream; never throws. */
export function abortRead(stream: { cancel(): Promise<void>; destroy(): unknown }): void {
  stream.cancel().catch(() => undefined);
  stream.destroy();
}

/**
 * Reads a client read stream to its end within `timeoutMs` (the whole read, not per event).
 * On timeout the call is cancelled, `onTimeout` runs and the promise rejects with
 * `EventStoreUnavailableError`. Client errors are mapped with `toStoreError` (a
 * `StreamNotFoundError` is passed through unchanged for the caller to turn into `[]`).
 *
 * A call cancelled on the client side (the client was disposed) ends like a complete read:
 * `cancelled()` tells the two apart, so that a cut read never passes for a short one.
 */
export function collect<T>(
  op: string,
  stream: StreamingRead<T>,
  timeoutMs: number,
  onTimeout?: () => void,
  cancelled: () => boolean = () => false,
): Promise<T[]> {
  return new Promise<T[]>((resolve, reject) => {
    const items: T[] = [];
    let settled = false;
    const finish = (err?: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      stream.removeListener('data', onData);
      if (err === undefined) resolve(items);
      else reject(err);
    };
    const onData = (item: T) => items.push(item);
    const timer = setTimeout(() => {
      if (settled) return;
      abortRead(stream);
      onTimeout?.();
      finish(timeoutError(op, timeoutMs));
    }, timeoutMs);
    stream.on('data', onData);
    stream.once('end', () => finish(cancelled() ? new EventStoreUnavailableError(`${op} was cancelled: client closed`) : undefined));
    stream.on('error', (err) => finish(toStoreError(op, err)));
    stream.once('close', () => finish(toStoreError(op, Object.assign(new Error('read stream closed early'), { type: 'unavailable' }))));
  });
}

/** Ends a client subscription (cancels its gRPC call) and destroys the Node stream; never throws. */
export function abortSubscription(subscription: { unsubscribe(): Promise<void>; destroy(): unknown }): void {
  subscription.unsubscribe().catch(() => undefined);
  subscription.destroy();
}
