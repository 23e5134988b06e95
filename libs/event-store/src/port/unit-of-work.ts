import { expectationHolds } from './append-many';
import { WrongExpectedRevisionError } from './errors';
import { EventStore } from './event-store';
import { EventToAppend, RecordedEvent } from './events';
import { ForwardingEventStore } from './forwarding-event-store';
import { AppendOptions, AppendResult, ReadStreamOptions, StreamAppend } from './options';
import { START } from './position';

interface StreamView {
  /** Known events in revision order: stored ones (all, or only the newest) then pending ones. */
  events: RecordedEvent[];
  /** `events` starts at revision 0. */
  complete: boolean;
  /** Last revision including pending events (undefined: no stream). */
  last: bigint | undefined;
}

interface JournalEntry {
  stream: string;
  last: bigint | undefined;
  parts: number;
}

/**
 * Collects the appends of many commands in memory and writes them with one multi-stream append
 * (`EventStore.appendMany`): the bulk import decides a few hundred lines against this overlay and
 * commits them in one transaction instead of one per line.
 *
 * Reads see the store plus what this unit of work has appended; appends check expected revisions
 * against that view and are sent with exact expectations, so `flush` fails with
 * `WrongExpectedRevisionError` (and writes nothing) if another writer touched one of the streams
 * meanwhile. `savepoint`/`rollback` undo the appends of one command (a rejected import line).
 */
export class UnitOfWork extends ForwardingEventStore {
  private readonly streams = new Map<string, StreamView>();
  private parts: StreamAppend[] = [];
  private readonly journal: JournalEntry[] = [];
  private flushed = false;

  constructor(private readonly batchStore: EventStore & Required<Pick<EventStore, 'appendMany'>>) {
    super(batchStore);
  }

  /** True if `store` can commit a unit of work atomically. */
  static supportedBy(store: EventStore): store is EventStore & Required<Pick<EventStore, 'appendMany'>> {
    return typeof store.appendMany === 'function';
  }

  /** Loads whole streams in one round trip (when the store can), before the commands read them. */
  async prefetch(streams: string[]): Promise<void> {
    const wanted = [...new Set(streams)].filter((s) => !this.streams.has(s));
    if (wanted.length === 0 || !this.inner.readStreams) return;
    const found = await this.inner.readStreams(wanted);
    for (const s of wanted) {
      const events = found.get(s) ?? [];
      this.streams.set(s, { events, complete: true, last: events.length ? events[events.length - 1].revision : undefined });
    }
  }

  /** How many appends are waiting for `flush`. */
  get pendingAppends(): number {
    return this.parts.length;
  }

  savepoint(): number {
    return this.journal.length;
  }

  /** Forgets every append made since the savepoint. */
  rollback(savepoint: number): void {
    while (this.journal.length > savepoint) {
      const j = this.journal.pop()!;
      const view = this.streams.get(j.stream)!;
      view.last = j.last;
      view.events = view.events.filter((e) => j.last !== undefined && e.revision <= j.last);
      this.parts.length = j.parts;
    }
  }

  /** Writes every pending append in one transaction; the unit of work is spent afterwards. */
  async flush(): Promise<AppendResult | undefined> {
    if (this.flushed) throw new Error('This unit of work was already flushed');
    this.flushed = true;
    if (this.parts.length === 0) return undefined;
    return this.batchStore.appendMany(this.parts);
  }

  override async append(stream: string, events: EventToAppend[], options: AppendOptions = {}): Promise<AppendResult> {
    if (this.flushed) throw new Error('This unit of work was already flushed');
    const expected = options.expectedRevision ?? 'any';
    const view = await this.view(stream);
    if (!expectationHolds(expected, view.last)) throw new WrongExpectedRevisionError(stream, expected, view.last ?? 'no-stream');
    if (events.length === 0) return { nextExpectedRevision: view.last ?? -1n, position: START };
    this.journal.push({ stream, last: view.last, parts: this.parts.length });
    this.parts.push({ stream, events, expectedRevision: view.last ?? 'no-stream' });
    const recordedAt = new Date().toISOString();
    let revision = view.last ?? -1n;
    for (const e of events) {
      revision++;
      view.events.push({ id: e.id, stream, revision, position: START, type: e.type, data: e.data, metadata: e.metadata, recordedAt });
    }
    view.last = revision;
    return { nextExpectedRevision: revision, position: START };
  }

  override async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const backwards = options.direction === 'backwards';
    const tailOnly = backwards && options.fromRevision === undefined && options.limit !== undefined;
    let view = this.streams.get(stream);
    if (!view) {
      if (tailOnly) {
        const tail = (await this.inner.readStream(stream, { direction: 'backwards', limit: options.limit })).reverse();
        view = { events: tail, complete: tail.length < options.limit! || tail[0]?.revision === 0n, last: tail[tail.length - 1]?.revision };
      } else {
        const all = await this.inner.readStream(stream);
        view = { events: all, complete: true, last: all[all.length - 1]?.revision };
      }
      this.streams.set(stream, view);
    } else if (!view.complete && !(tailOnly && view.events.length >= options.limit!)) {
      const stored = await this.inner.readStream(stream);
      const storedLast = stored[stored.length - 1]?.revision ?? -1n;
      view.events = [...stored, ...view.events.filter((e) => e.revision > storedLast)];
      view.complete = true;
    }
    let result = backwards ? [...view.events].reverse() : view.events.slice();
    if (options.fromRevision !== undefined) {
      const from = options.fromRevision;
      result = result.filter((e) => (backwards ? e.revision <= from : e.revision >= from));
    }
    if (options.limit !== undefined) result = result.slice(0, options.limit);
    return result;
  }

  override async streamRevision(stream: string): Promise<bigint | undefined> {
    return (await this.view(stream)).last;
  }

  private async view(stream: string): Promise<StreamView> {
    let view = this.streams.get(stream);
    if (!view) {
      const last = await this.inner.streamRevision(stream);
      view = { events: [], complete: last === undefined, last };
      this.streams.set(stream, view);
    }
    return view;
  }

  // Log-wide reads (readAll, headPosition, countAfter, subscribeAll) are forwarded: they see only
  // what is stored, pending appends have no position yet.

  /** The unit of work does not own the store: closing it closes nothing. */
  override async close(): Promise<void> {}
}
