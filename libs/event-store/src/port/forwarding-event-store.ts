import { EventStore } from './event-store';
import { EventToAppend, RecordedEvent } from './events';
import { AllFilter, AppendOptions, AppendResult, ReadAllOptions, ReadStreamOptions, SubscribeAllOptions } from './options';
import { Position } from './position';
import { Subscription, SubscriptionHandler } from './subscription';

/**
 * An event store that hands every call to another one: the base of decorators (the hash chain,
 * the unit of work), which override only what they change.
 */
export abstract class ForwardingEventStore implements EventStore {
  readonly kind: string;

  constructor(readonly inner: EventStore) {
    this.kind = inner.kind;
  }

  append(stream: string, events: EventToAppend[], options?: AppendOptions): Promise<AppendResult> {
    return this.inner.append(stream, events, options);
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
