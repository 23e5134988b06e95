import { EventStore } from '../../port/event-store';
import { WrongExpectedRevisionError } from '../../port/errors';
import { EventToAppend, RecordedEvent } from '../../port/events';
import {
  AllFilter,
  AppendOptions,
  AppendResult,
  matchesFilter,
  ReadAllOptions,
  ReadStreamOptions,
  StreamAppend,
  SubscribeAllOptions,
} from '../../port/options';
import { planAppendMany } from '../../port/append-many';
import { comparePositions, Position } from '../../port/position';
import { Subscription, SubscriptionHandler } from '../../port/subscription';
import { AppendNotifier, PollingSubscription } from '../../subscription/polling-subscription';

function clone<T>(value: T): T {
  return structuredClone(value);
}

/** In-process store for fast unit tests only: same contract, nothing persisted. */
export class MemoryEventStore implements EventStore {
  readonly kind = 'memory';
  private readonly log: RecordedEvent[] = [];
  private readonly streams = new Map<string, RecordedEvent[]>();
  private readonly ids = new Set<string>();
  private readonly notifier = new AppendNotifier();

  async append(stream: string, events: EventToAppend[], options: AppendOptions = {}): Promise<AppendResult> {
    const expected = options.expectedRevision ?? 'any';
    const existing = this.streams.get(stream);
    const current = existing ? BigInt(existing.length - 1) : undefined;
    const fail =
      (expected === 'no-stream' && current !== undefined) ||
      (expected === 'stream-exists' && current === undefined) ||
      (typeof expected === 'bigint' && current !== expected);
    if (fail) throw new WrongExpectedRevisionError(stream, expected, current ?? 'no-stream');
    for (const e of events) {
      if (this.ids.has(e.id)) throw new Error(`Duplicate event id ${e.id}`);
    }
    const list = existing ?? [];
    const recordedAt = new Date().toISOString();
    for (const e of events) {
      const n = BigInt(this.log.length + 1);
      const recorded: RecordedEvent = {
        id: e.id,
        stream,
        revision: BigInt(list.length),
        position: { commit: n, prepare: n },
        type: e.type,
        data: clone(e.data),
        metadata: clone(e.metadata),
        recordedAt,
      };
      list.push(recorded);
      this.log.push(recorded);
      this.ids.add(e.id);
    }
    if (events.length > 0) this.streams.set(stream, list);
    this.notifier.notify();
    const last = this.log[this.log.length - 1];
    return {
      nextExpectedRevision: BigInt(list.length - 1),
      position: last?.position ?? { commit: 0n, prepare: 0n },
    };
  }

  async appendMany(appends: StreamAppend[]): Promise<AppendResult> {
    planAppendMany(appends, (stream) => {
      const list = this.streams.get(stream);
      return list ? BigInt(list.length - 1) : undefined;
    });
    const ids = new Set<string>();
    for (const e of appends.flatMap((a) => a.events)) {
      if (this.ids.has(e.id) || ids.has(e.id)) throw new Error(`Duplicate event id ${e.id}`);
      ids.add(e.id);
    }
    // append() runs to completion synchronously (no await inside), so nothing interleaves here.
    const results = appends.map((a) => this.append(a.stream, a.events, { expectedRevision: 'any' }));
    if (results.length === 0) return { nextExpectedRevision: -1n, position: this.log[this.log.length - 1]?.position ?? { commit: 0n, prepare: 0n } };
    await Promise.all(results);
    return results[results.length - 1];
  }

  async readLastEvents(streams: string[]): Promise<Map<string, RecordedEvent>> {
    const out = new Map<string, RecordedEvent>();
    for (const s of streams) {
      const list = this.streams.get(s);
      if (list?.length) out.set(s, clone(list[list.length - 1]));
    }
    return out;
  }

  async readStreams(streams: string[]): Promise<Map<string, RecordedEvent[]>> {
    const out = new Map<string, RecordedEvent[]>();
    for (const s of streams) {
      const list = this.streams.get(s);
      if (list?.length) out.set(s, list.map(clone));
    }
    return out;
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const list = this.streams.get(stream) ?? [];
    const backwards = options.direction === 'backwards';
    let result = backwards ? [...list].reverse() : list;
    if (options.fromRevision !== undefined) {
      const from = options.fromRevision;
      result = result.filter((e) => (backwards ? e.revision <= from : e.revision >= from));
    }
    if (options.limit !== undefined) result = result.slice(0, options.limit);
    return result.map(clone);
  }

  async streamRevision(stream: string): Promise<bigint | undefined> {
    const list = this.streams.get(stream);
    return list ? BigInt(list.length - 1) : undefined;
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const from = options.fromPosition;
    const start = from && from.commit >= 0n ? Number(from.commit) : 0;
    const out: RecordedEvent[] = [];
    for (let i = start; i < this.log.length; i++) {
      const e = this.log[i];
      if (from && comparePositions(e.position, from) <= 0) continue;
      if (!matchesFilter(e.stream, e.type, options.filter)) continue;
      out.push(clone(e));
      if (options.limit !== undefined && out.length >= options.limit) break;
    }
    return out;
  }

  async headPosition(): Promise<Position | undefined> {
    return this.log[this.log.length - 1]?.position;
  }

  async countAfter(position: Position | undefined, filter?: AllFilter): Promise<number> {
    return (await this.readAll({ fromPosition: position, filter })).length;
  }

  subscribeAll(options: SubscribeAllOptions, handler: SubscriptionHandler): Subscription {
    return new PollingSubscription({ readAll: (o) => this.readAll(o), onAppended: (l) => this.notifier.onAppended(l) }, options, handler, {
      idleMs: 1_000,
      minBackoffMs: 10,
      maxBackoffMs: 100,
    });
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {}
}
