import { RecordedEvent } from '../port/events';
import { matchesFilter, SubscribeAllOptions } from '../port/options';
import { Position } from '../port/position';
import { Subscription, SubscriptionHandler } from '../port/subscription';

export interface ScanPage {
  events: RecordedEvent[];
  /** The last position examined (matching or not); undefined if nothing was examined. */
  scannedTo: Position | undefined;
  /** True when the scan reached the end of what is visible now. */
  reachedEnd: boolean;
  /**
   * True when events were committed after the scanned window but cannot be delivered yet, because
   * an older transaction is still running (their order is not final). Not caught up: poll again soon.
   */
  hidden?: boolean;
}

export interface PollingSource {
  readAll(options: { fromPosition?: Position; limit: number; filter?: SubscribeAllOptions['filter'] }): Promise<RecordedEvent[]>;
  /**
   * Optional: reads the next window of the log and returns the matching events plus how far it
   * looked, so that a filtered subscription moves past events it does not want instead of
   * scanning them again on every poll.
   */
  scan?(options: { fromPosition?: Position; limit: number; filter?: SubscribeAllOptions['filter'] }): Promise<ScanPage>;
  /**
   * Registers a callback run after each local append; returns the unregister function. The
   * callback is given what was appended when the source knows it (an append of this process),
   * nothing otherwise (a signal from another process).
   */
  onAppended(listener: AppendListener): () => void;
  /**
   * Optional: true while `onAppended` fires for every append that can reach this store (an embedded
   * store that only this process opens, or a LISTEN connection that is up). The live loop then
   * polls only every `safetyPollMs`; otherwise every `idleMs`.
   */
  signalsEveryAppend?(): boolean;
}

/** The stream and type of an appended event (enough to tell whether a filter wants it). */
export interface AppendedEvent {
  stream: string;
  type: string;
}

export type AppendListener = (appended?: readonly AppendedEvent[]) => void;

export interface PollingConfig {
  /** Poll interval when live and nothing happened locally (other processes' appends). */
  idleMs: number;
  /** First retry delay after a failed read; doubles up to maxBackoffMs. */
  minBackoffMs: number;
  maxBackoffMs: number;
  /** Delay between a local append and the poll it triggers (batches bursts). */
  wakeDelayMs?: number;
  /** Re-poll delay while committed events are hidden behind an older running transaction. */
  hiddenRetryMs?: number;
  /**
   * Poll interval when live while the source signals every append (`signalsEveryAppend`): a safety
   * net only (a lost signal is found by then), the signals deliver live events. Default `idleMs`.
   */
  safetyPollMs?: number;
}

export const DEFAULT_POLLING: PollingConfig = { idleMs: 50, minBackoffMs: 100, maxBackoffMs: 5_000, safetyPollMs: 5_000 };

/**
 * Catch-up-then-live subscription over any store that can `readAll` in global order: reads batches
 * until a short one (caught up), then waits for an append signal or the idle interval (the slow
 * safety poll when the source signals every append: an idle service then reads nothing for seconds).
 * The position read from the store stays the one source of truth: a signal only wakes the loop. A failed read
 * is a dropped source: retried with exponential backoff from the last handled position, so each
 * event is handed to the handler exactly once per subscription.
 */
export class PollingSubscription implements Subscription {
  private _position: Position | undefined;
  private _caughtUp = false;
  private stopping = false;
  private wake: (() => void) | undefined;
  private wakeTimer: NodeJS.Timeout | undefined;
  /** An append was signalled while a read was in flight (its snapshot may predate the append). */
  private signalledWhileReading = false;
  private readonly unlisten: () => void;
  private resolveCaughtUp!: () => void;
  readonly caughtUp: Promise<void>;
  readonly stopped: Promise<void>;

  constructor(
    private readonly source: PollingSource,
    private readonly options: SubscribeAllOptions,
    private readonly handler: SubscriptionHandler,
    private readonly config: PollingConfig = DEFAULT_POLLING,
  ) {
    this._position = options.fromPosition;
    this.caughtUp = new Promise((r) => (this.resolveCaughtUp = r));
    // A burst of local appends wakes the loop once, a few ms later, instead of once per append.
    this.unlisten = source.onAppended((appended) => {
      // an append none of whose events pass the filter cannot give this subscription anything to
      // read (on PGlite every reception would otherwise wake, say, the reference data's reader)
      if (appended && !appended.some((e) => matchesFilter(e.stream, e.type, options.filter))) return;
      if (!this.wake) {
        this.signalledWhileReading = true;
        return;
      }
      if (this.wakeTimer) return;
      this.wakeTimer = setTimeout(() => {
        this.wakeTimer = undefined;
        this.wake?.();
      }, this.config.wakeDelayMs ?? 5);
    });
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
    this.wake?.();
    await this.stopped;
  }

  private async run(): Promise<void> {
    const batchSize = this.options.batchSize ?? 500;
    let backoff = this.config.minBackoffMs;
    let failure: unknown;
    try {
      while (!this.stopping) {
        let page: ScanPage;
        // Read before the scan: only a source that signalled every append since before this scan
        // began may leave the next one to its signals.
        const signalled = this.source.signalsEveryAppend?.() ?? false;
        this.signalledWhileReading = false;
        try {
          const request = { fromPosition: this._position, limit: batchSize, filter: this.options.filter };
          if (this.source.scan) page = await this.source.scan(request);
          else {
            const events = await this.source.readAll(request);
            page = { events, scannedTo: events[events.length - 1]?.position, reachedEnd: events.length < batchSize };
          }
          backoff = this.config.minBackoffMs;
        } catch (err) {
          if (this.stopping) break;
          this.handler.onDropped?.(err, backoff);
          await this.sleep(backoff);
          backoff = Math.min(backoff * 2, this.config.maxBackoffMs);
          continue;
        }
        if (page.events.length > 0) await this.handler.handle(page.events);
        if (page.scannedTo) this._position = page.scannedTo;
        if (page.reachedEnd && page.hidden) {
          await this.sleep(this.config.hiddenRetryMs ?? 10);
        } else if (page.reachedEnd) {
          if (!this._caughtUp) {
            this._caughtUp = true;
            this.resolveCaughtUp();
            this.handler.onCaughtUp?.(this._position);
          }
          if (this.signalledWhileReading) await this.sleep(this.config.wakeDelayMs ?? 5);
          else if (signalled && this.source.signalsEveryAppend!()) await this.sleep(this.config.safetyPollMs ?? this.config.idleMs);
          else await this.sleep(this.config.idleMs);
        } else {
          this._caughtUp = false;
        }
      }
    } catch (err) {
      failure = err;
    } finally {
      this.unlisten();
      if (this.wakeTimer) clearTimeout(this.wakeTimer);
      this.resolveCaughtUp(); // never leave a waiter hanging on a stopped subscription
      this.handler.onStopped?.(failure);
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

/** Fan-out of "something was appended here" to local subscriptions. */
export class AppendNotifier {
  private readonly listeners = new Set<AppendListener>();
  onAppended(listener: AppendListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  /** `appended`: what this process appended; omitted for a signal that does not say (every listener wakes). */
  notify(appended?: readonly AppendedEvent[]): void {
    for (const l of this.listeners) l(appended);
  }
}
