import { RecordedEvent } from './events';
import { Position } from './position';

export interface SubscriptionHandler {
  /**
   * Called with events in global order. The subscription's position advances only after the
   * returned promise resolves; if it rejects, the subscription stops with that error (a
   * projection must not skip an event it failed to handle).
   */
  handle(events: RecordedEvent[]): Promise<void> | void;
  /** Every time the subscription has delivered everything that existed, and switches to live. */
  onCaughtUp?(position: Position | undefined): void;
  /** The source dropped (connection lost...); the subscription retries with backoff. */
  onDropped?(error: unknown, retryInMs: number): void;
  /** The subscription stopped for good: `error` set if the handler failed. */
  onStopped?(error?: unknown): void;
}

export interface Subscription {
  /** Last position handed to the handler and handled. */
  readonly position: Position | undefined;
  readonly isCaughtUp: boolean;
  /** Resolves the first time the subscription catches up. */
  readonly caughtUp: Promise<void>;
  /** Resolves when the subscription has stopped (after `stop()`, or a handler error). */
  readonly stopped: Promise<void>;
  stop(): Promise<void>;
}
