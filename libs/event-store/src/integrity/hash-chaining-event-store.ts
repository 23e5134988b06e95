import { EventStore } from '../port/event-store';
import { WrongExpectedRevisionError } from '../port/errors';
import { EventToAppend, RecordedEvent } from '../port/events';
import { AllFilter, AppendOptions, AppendResult, ReadAllOptions, ReadStreamOptions, SubscribeAllOptions } from '../port/options';
import { Position } from '../port/position';
import { Subscription, SubscriptionHandler } from '../port/subscription';
import { eventHash, GENESIS_HASH } from './hash';

/**
 * Tamper evidence for any adapter: every appended event carries `metadata.prevHash` (the hash of
 * the stream's previous event) and `metadata.hash` (over its own content and prevHash), so that
 * editing, deleting or reordering a stored event breaks the chain at that event.
 *
 * To know the previous hash, an append first reads the stream's last event; an `any` or
 * `stream-exists` append is turned into an exact expected revision and retried on a race, so two
 * concurrent writers can never both chain onto the same predecessor.
 */
export class HashChainingEventStore implements EventStore {
  readonly kind: string;

  constructor(readonly inner: EventStore, private readonly maxRetries = 50) {
    this.kind = inner.kind;
  }

  async append(stream: string, events: EventToAppend[], options: AppendOptions = {}): Promise<AppendResult> {
    const expected = options.expectedRevision ?? 'any';
    if (events.length === 0) return this.inner.append(stream, events, options);
    for (let attempt = 0; ; attempt++) {
      const [last] = await this.inner.readStream(stream, { direction: 'backwards', limit: 1 });
      const current = last?.revision;
      if (expected === 'no-stream' && current !== undefined) throw new WrongExpectedRevisionError(stream, expected, current);
      if (expected === 'stream-exists' && current === undefined) throw new WrongExpectedRevisionError(stream, expected, 'no-stream');
      if (typeof expected === 'bigint' && current !== expected) throw new WrongExpectedRevisionError(stream, expected, current ?? 'no-stream');
      let prevHash = last ? String(last.metadata.hash ?? GENESIS_HASH) : GENESIS_HASH;
      let revision = current === undefined ? 0n : current + 1n;
      const chained = events.map((e) => {
        const metadata = { ...e.metadata, prevHash };
        const hash = eventHash({ id: e.id, stream, revision, type: e.type, data: e.data, metadata }, prevHash);
        prevHash = hash;
        revision++;
        return { ...e, metadata: { ...metadata, hash } };
      });
      try {
        return await this.inner.append(stream, chained, { expectedRevision: current ?? 'no-stream' });
      } catch (err) {
        // Someone appended between our read and our write: chain onto their event instead.
        if (err instanceof WrongExpectedRevisionError && typeof expected !== 'bigint' && expected !== 'no-stream' && attempt < this.maxRetries) {
          await new Promise((r) => setTimeout(r, Math.random() * Math.min(1 + attempt, 20)));
          continue;
        }
        if (err instanceof WrongExpectedRevisionError) throw new WrongExpectedRevisionError(stream, expected, err.actual);
        throw err;
      }
    }
  }

  readStream(stream: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    return this.inner.readStream(stream, options);
  }
  streamRevision(stream: string): Promise<bigint | undefined> {
    return this.inner.streamRevision(stream);
  }
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    return this.inner.readAll(options);
  }
  headPosition(): Promise<Position | undefined> {
    return this.inner.headPosition();
  }
  countAfter(position: Position | undefined, filter?: AllFilter): Promise<number> {
    return this.inner.countAfter(position, filter);
  }
  subscribeAll(options: SubscribeAllOptions, handler: SubscriptionHandler): Subscription {
    return this.inner.subscribeAll(options, handler);
  }
  ping(): Promise<void> {
    return this.inner.ping();
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}
