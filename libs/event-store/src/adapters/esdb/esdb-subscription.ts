import type { AllStreamResolvedEvent, AllStreamSubscription, Filter, Position as EsdbPosition } from '@eventstore/db-client';
import { EventStoreUnavailableError } from '../../port/errors';
import { RecordedEvent } from '../../port/events';
import { AllFilter, SubscribeAllOptions } from '../../port/options';
import { comparePositions, Position } from '../../port/position';
import { Subscription, SubscriptionHandler } from '../../port/subscription';
import { fromEsdbEvent, fromEsdbPosition, isAfter, isVisible, toServerFilter } from './mapping';
import { abortSubscription } from './read';
import { timeoutError, toStoreError } from './timeout';

/** What the subscription needs from the store (kept small so that tests can fake it). */
export interface EsdbSubscriptionSource {
  /** Starts a client `subscribeToAll` (returns at once; the server answers later). */
  open(from: Position | undefined, filter: Filter, highWaterMark: number): AllStreamSubscription;
  /** The store's `headPosition` (already guarded by its timeout). */
  headPosition(): Promise<Position | undefined>;
  /** Called when a subscription start timed out (the store recycles its client). */
  onTimeout(subscription: AllStreamSubscription): void;
  readonly timeoutMs: number;
}

export interface EsdbSubscriptionConfig {
  /** First resubscribe delay after a drop; doubles up to `maxBackoffMs`. */
  minBackoffMs: number;
  maxBackoffMs: number;
  /**
   * Fallback for servers older than 23.10 (no `caughtUp` message): after this long without any
   * message while catching up, the subscription is considered caught up. 0 disables it.
   */
  idleCatchUpMs: number;
}

export const DEFAULT_ESDB_SUBSCRIPTION: EsdbSubscriptionConfig = { minBackoffMs: 100, maxBackoffMs: 5_000, idleCatchUpMs: 1_000 };

/** The handler failed: the subscription stops for good (never retried). */
class HandlerFailure {
  constructor(readonly cause: unknown) {}
}

type Marker = { at: number; kind: 'caughtUp' | 'fellBehind' } | { at: number; kind: 'checkpoint'; position: Position };

/**
 * Catch-up-then-live subscription on a `subscribeToAll` of the v6 client.
 *
 * - Events are queued as they arrive and handed to the handler in batches of at most
 *   `batchSize`; the next batch is taken only after the handler resolved, and `position` moves
 *   only then. The client stream is paused while the queue is full (gRPC back-pressure).
 * - The client's `caughtUp`/`fellBehind` are emitted when the message passes through its
 *   transform, possibly before earlier events reached us: they are kept as markers and applied
 *   once every event received before them has been handled.
 * - Servers < 23.10 send no `caughtUp`: the head position read before subscribing is the target
 *   (reached by an event or a filter checkpoint), with an idle timer as last resort.
 * - A drop (error, end not asked for, start timeout) → `onDropped(err, delay)` and a new
 *   `subscribeToAll` from the last handled position, with exponential backoff.
 * - Events at or before the checkpoint are skipped, whatever the server's exclusivity.
 */
export class EsdbSubscription implements Subscription {
  private _position: Position | undefined;
  private _caughtUp = false;
  private stopping = false;
  private current: AllStreamSubscription | undefined;
  private wake: (() => void) | undefined;
  private resolveCaughtUp!: () => void;
  readonly caughtUp: Promise<void>;
  readonly stopped: Promise<void>;

  constructor(
    private readonly source: EsdbSubscriptionSource,
    private readonly options: SubscribeAllOptions,
    private readonly handler: SubscriptionHandler,
    private readonly config: EsdbSubscriptionConfig = DEFAULT_ESDB_SUBSCRIPTION,
  ) {
    this._position = options.fromPosition && options.fromPosition.commit >= 0n ? options.fromPosition : undefined;
    this.caughtUp = new Promise((r) => (this.resolveCaughtUp = r));
    this.stopped = this.run();
  }

  get position(): Position | undefined {
    return this._position;
  }

  get isCaughtUp(): boolean {
    return this._caughtUp;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.current) abortSubscription(this.current);
    this.wake?.();
    await this.stopped;
  }

  private async run(): Promise<void> {
    let backoff = this.config.minBackoffMs;
    let failure: unknown;
    try {
      while (!this.stopping) {
        let dropped: unknown;
        try {
          await this.runOnce(() => (backoff = this.config.minBackoffMs));
          if (this.stopping) break;
          dropped = new EventStoreUnavailableError('EventStoreDB ended the subscription');
        } catch (err) {
          if (err instanceof HandlerFailure) throw err.cause;
          if (this.stopping) break;
          dropped = err;
        } finally {
          if (this.current) abortSubscription(this.current);
          this.current = undefined;
        }
        try {
          this.handler.onDropped?.(dropped, backoff);
        } catch {
          // a failing observer must not kill the subscription
        }
        await this.sleep(backoff);
        backoff = Math.min(backoff * 2, this.config.maxBackoffMs);
      }
    } catch (err) {
      failure = err;
    } finally {
      this.resolveCaughtUp(); // never leave a waiter hanging on a stopped subscription
      this.handler.onStopped?.(failure);
    }
  }

  /** One `subscribeToAll`, until stopped (returns), the handler fails or the source drops (throws). */
  private async runOnce(onHealthy: () => void): Promise<void> {
    const from = this._position;
    const batchSize = Math.max(1, this.options.batchSize ?? 500);
    // Fallback catch-up target for servers without `caughtUp` (only needed until first caught up).
    const fallback = !this._caughtUp;
    let target: Position | undefined;
    let targetReached = false;
    if (fallback) {
      target = await this.source.headPosition();
      targetReached = target === undefined || !isAfter(target, from);
    }
    if (this.stopping) return;

    const queue: Array<{ seq: number; event: AllStreamResolvedEvent }> = [];
    const markers: Marker[] = [];
    let received = 0;
    let processed = 0;
    let confirmed = false;
    let ended: unknown;
    let lastActivity = Date.now();
    const highWaterMark = batchSize * 2;

    const notify = () => {
      lastActivity = Date.now();
      if (!confirmed) {
        confirmed = true;
        onHealthy();
      }
      this.wake?.();
    };
    const mark = (m: Marker) => {
      markers.push(m);
      notify();
    };
    const plan = toServerFilter(this.options.filter, (_s: unknown, p: EsdbPosition) =>
      mark({ at: received + stream.readableLength, kind: 'checkpoint', position: fromEsdbPosition(p) }),
    );
    const clientSide: AllFilter | undefined = plan.clientSide;
    const stream = this.source.open(from, plan.server, highWaterMark);
    this.current = stream;
    stream.on('data', (event: AllStreamResolvedEvent) => {
      queue.push({ seq: ++received, event });
      if (queue.length >= highWaterMark) stream.pause();
      notify();
    });
    stream.on('confirmation', notify);
    stream.on('caughtUp', () => mark({ at: received + stream.readableLength, kind: 'caughtUp' }));
    stream.on('fellBehind', () => mark({ at: received + stream.readableLength, kind: 'fellBehind' }));
    stream.on('error', (err: unknown) => {
      ended ??= toStoreError('subscribeToAll', err);
      this.wake?.();
    });
    stream.on('end', () => {
      ended ??= new EventStoreUnavailableError('EventStoreDB ended the subscription');
      this.wake?.();
    });
    stream.on('close', () => {
      ended ??= new EventStoreUnavailableError('EventStoreDB subscription closed');
      this.wake?.();
    });

    const startedAt = Date.now();
    while (!this.stopping) {
      if (queue.length > 0) {
        const items = queue.splice(0, batchSize);
        if (stream.isPaused() && queue.length < highWaterMark && !ended) stream.resume();
        const events: RecordedEvent[] = [];
        for (const { event } of items) {
          const e = event.event;
          if (!e) continue;
          const position = fromEsdbPosition(e.position);
          if (target && !targetReached && comparePositions(position, target) >= 0) targetReached = true;
          if (!isAfter(position, this._position) || !isVisible(e.streamId, e.type, clientSide)) continue;
          events.push(fromEsdbEvent(e));
        }
        if (events.length > 0) {
          try {
            await this.handler.handle(events);
          } catch (err) {
            throw new HandlerFailure(err);
          }
          this._position = events[events.length - 1].position;
        }
        processed = items[items.length - 1].seq;
        lastActivity = Date.now(); // idle time counts from when we are ready for more
      }
      while (markers.length > 0 && markers[0].at <= processed) {
        const m = markers.shift()!;
        if (m.kind === 'caughtUp') this.setCaughtUp();
        else if (m.kind === 'fellBehind') this._caughtUp = false;
        else if (m.kind === 'checkpoint' && target && comparePositions(m.position, target) >= 0) targetReached = true;
      }
      if (fallback && targetReached && confirmed) this.setCaughtUp();
      if (queue.length > 0) continue;
      if (ended !== undefined) throw ended;
      if (!confirmed && Date.now() - startedAt >= this.source.timeoutMs) {
        this.source.onTimeout(stream);
        throw timeoutError('subscribeToAll', this.source.timeoutMs);
      }
      const idle = this.config.idleCatchUpMs;
      if (fallback && confirmed && !this._caughtUp && idle > 0 && Date.now() - lastActivity >= idle) {
        this.setCaughtUp();
      }
      await this.sleep(this.nextCheckIn(confirmed, startedAt, lastActivity, fallback));
    }
  }

  /** How long to wait for a message before re-checking the start timeout / idle fallback. */
  private nextCheckIn(confirmed: boolean, startedAt: number, lastActivity: number, fallback: boolean): number {
    const now = Date.now();
    if (!confirmed) return Math.max(1, startedAt + this.source.timeoutMs - now);
    if (!this._caughtUp && fallback && this.config.idleCatchUpMs > 0) {
      return Math.max(1, lastActivity + this.config.idleCatchUpMs - now);
    }
    return 60_000;
  }

  private setCaughtUp(): void {
    if (this._caughtUp) return;
    this._caughtUp = true;
    this.resolveCaughtUp();
    try {
      this.handler.onCaughtUp?.(this._position);
    } catch {
      // observer errors are not the subscription's
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }
}
