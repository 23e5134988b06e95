import { EventStore } from '../port/event-store';
import { WrongExpectedRevisionError } from '../port/errors';
import { EventToAppend, RecordedEvent } from '../port/events';
import { AppendOptions, AppendResult, ExpectedRevision, ReadStreamOptions, StreamAppend } from '../port/options';
import { planAppendMany } from '../port/append-many';
import { ForwardingEventStore } from '../port/forwarding-event-store';
import { eventHash, GENESIS_HASH } from './hash';

/**
 * Tamper evidence for any adapter: every appended event carries `metadata.prevHash` (the hash of
 * the stream's previous event) and `metadata.hash` (over its own content and prevHash), so that
 * editing, deleting or reordering a stored event breaks the chain at that event.
 *
 * To know the previous hash, an append first reads the stream's last event; an `any` or
 * `stream-exists` append is turned into an exact expected revision and retried on a race, so two
 * concurrent writers can never both chain onto the same predecessor. The read is skipped when the
 * predecessor is known: a `no-stream` append has none, and the hash of the event at an exact
 * expected revision is remembered from the last reads and appends (an event's hash never changes,
 * so a remembered one is never wrong; if the stream moved on, the exact expectation fails as it
 * should).
 */
export class HashChainingEventStore extends ForwardingEventStore {
  /** Multi-stream append, when the adapter has one (PGlite, PostgreSQL, memory). */
  readonly appendMany?: (appends: StreamAppend[]) => Promise<AppendResult>;
  readonly readLastEvents?: (streams: string[]) => Promise<Map<string, RecordedEvent>>;
  readonly readStreams?: (streams: string[]) => Promise<Map<string, RecordedEvent[]>>;
  /**
   * `stream\u0000revision` → that event's hash, for the most recently read or written heads: two
   * generations of at most `maxKnownHashes / 2` each; when the newer one is full, the older one is
   * dropped whole. (Evicting one entry at a time with `keys().next()` made each eviction walk the
   * deleted entries V8 keeps at the front of a Map until it rehashes: with a linear search for the
   * unknown heads below, about 4 % of a district-month import's CPU in a profile of 4 Dec 2026.)
   */
  private knownHashes = new Map<string, string>();
  private olderHashes = new Map<string, string>();

  constructor(
    inner: EventStore,
    private readonly maxRetries = 50,
    private readonly maxKnownHashes = 20_000,
  ) {
    super(inner);
    if (inner.appendMany) this.appendMany = (appends) => this.chainMany(appends);
    if (inner.readLastEvents) this.readLastEvents = (streams) => inner.readLastEvents!(streams).then((m) => (m.forEach((e) => this.remember(e)), m));
    if (inner.readStreams) {
      this.readStreams = (streams) =>
        inner.readStreams!(streams).then((m) => {
          m.forEach((list) => list.length && this.remember(list[list.length - 1]));
          return m;
        });
    }
  }

  private remember(e: { stream: string; revision: bigint; metadata: Record<string, unknown> }): void {
    if (typeof e.metadata.hash !== 'string') return;
    this.knownHashes.set(`${e.stream}\u0000${e.revision}`, e.metadata.hash);
    if (this.knownHashes.size >= this.maxKnownHashes / 2) {
      this.olderHashes = this.knownHashes;
      this.knownHashes = new Map();
    }
  }

  private knownHash(stream: string, revision: bigint): string | undefined {
    const key = `${stream}\u0000${revision}`;
    return this.knownHashes.get(key) ?? this.olderHashes.get(key);
  }

  /** The predecessor an append with this expectation chains onto, when known without a read. */
  private knownHead(stream: string, expected: ExpectedRevision): { revision: bigint | undefined; hash: string } | undefined {
    if (expected === 'no-stream') return { revision: undefined, hash: GENESIS_HASH };
    if (typeof expected === 'bigint') {
      const hash = this.knownHash(stream, expected);
      if (hash !== undefined) return { revision: expected, hash };
    }
    return undefined;
  }

  private chain(stream: string, events: EventToAppend[], current: bigint | undefined, prevHash: string): EventToAppend[] {
    let revision = current === undefined ? 0n : current + 1n;
    return events.map((e) => {
      const metadata = { ...e.metadata, prevHash };
      const hash = eventHash({ id: e.id, stream, revision, type: e.type, data: e.data, metadata }, prevHash);
      prevHash = hash;
      revision++;
      return { ...e, metadata: { ...metadata, hash } };
    });
  }

  private rememberAppended(stream: string, chained: EventToAppend[], current: bigint | undefined): void {
    if (chained.length === 0) return;
    const revision = (current ?? -1n) + BigInt(chained.length);
    this.remember({ stream, revision, metadata: chained[chained.length - 1].metadata });
  }

  override async append(stream: string, events: EventToAppend[], options: AppendOptions = {}): Promise<AppendResult> {
    const expected = options.expectedRevision ?? 'any';
    if (events.length === 0) return this.inner.append(stream, events, options);
    for (let attempt = 0; ; attempt++) {
      const known = attempt === 0 ? this.knownHead(stream, expected) : undefined;
      let current: bigint | undefined;
      let prevHash: string;
      if (known) {
        current = known.revision;
        prevHash = known.hash;
      } else {
        const [last] = await this.inner.readStream(stream, { direction: 'backwards', limit: 1 });
        current = last?.revision;
        if (expected === 'no-stream' && current !== undefined) throw new WrongExpectedRevisionError(stream, expected, current);
        if (expected === 'stream-exists' && current === undefined) throw new WrongExpectedRevisionError(stream, expected, 'no-stream');
        if (typeof expected === 'bigint' && current !== expected) throw new WrongExpectedRevisionError(stream, expected, current ?? 'no-stream');
        prevHash = last ? String(last.metadata.hash ?? GENESIS_HASH) : GENESIS_HASH;
      }
      const chained = this.chain(stream, events, current, prevHash);
      try {
        const result = await this.inner.append(stream, chained, { expectedRevision: current ?? 'no-stream' });
        this.rememberAppended(stream, chained, current);
        return result;
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

  /**
   * Chains every part onto its stream's predecessor (read in one round trip for the streams whose
   * head is not known) and hands the whole batch to the adapter with exact expectations.
   */
  private async chainMany(appends: StreamAppend[]): Promise<AppendResult> {
    for (let attempt = 0; ; attempt++) {
      const heads = new Map<string, { revision: bigint | undefined; hash: string }>();
      const unknownSet = new Set<string>();
      for (const part of appends) {
        if (heads.has(part.stream) || unknownSet.has(part.stream)) continue;
        const known = attempt === 0 ? this.knownHead(part.stream, part.expectedRevision ?? 'any') : undefined;
        if (known) heads.set(part.stream, known);
        else unknownSet.add(part.stream);
      }
      const unknown = [...unknownSet];
      if (unknown.length) {
        const last = this.inner.readLastEvents
          ? await this.inner.readLastEvents(unknown)
          : new Map(
              (await Promise.all(unknown.map(async (s) => [s, (await this.inner.readStream(s, { direction: 'backwards', limit: 1 }))[0]] as const))).filter(
                ([, e]) => e,
              ) as [string, RecordedEvent][],
            );
        for (const s of unknown) {
          const e = last.get(s);
          heads.set(s, e ? { revision: e.revision, hash: String(e.metadata.hash ?? GENESIS_HASH) } : { revision: undefined, hash: GENESIS_HASH });
        }
      }
      const { firstRevisions } = planAppendMany(appends, (s) => heads.get(s)!.revision);
      const prev = new Map([...heads].map(([s, h]) => [s, h.hash]));
      const chained: StreamAppend[] = appends.map((part, i) => {
        const first = firstRevisions[i];
        const events = this.chain(part.stream, part.events, first === 0n ? undefined : first - 1n, prev.get(part.stream)!);
        if (events.length) prev.set(part.stream, String(events[events.length - 1].metadata.hash));
        return { stream: part.stream, events, expectedRevision: first === 0n ? 'no-stream' : first - 1n };
      });
      try {
        const result = await this.inner.appendMany!(chained);
        chained.forEach((part, i) => this.rememberAppended(part.stream, part.events, firstRevisions[i] === 0n ? undefined : firstRevisions[i] - 1n));
        return result;
      } catch (err) {
        if (!(err instanceof WrongExpectedRevisionError)) throw err;
        const loose = appends
          .filter((a) => a.stream === err.stream)
          .every((a) => a.expectedRevision === undefined || a.expectedRevision === 'any' || a.expectedRevision === 'stream-exists');
        if (loose && attempt < this.maxRetries) {
          await new Promise((r) => setTimeout(r, Math.random() * Math.min(1 + attempt, 20)));
          continue;
        }
        const original = appends.find((a) => a.stream === err.stream);
        throw new WrongExpectedRevisionError(err.stream, original?.expectedRevision ?? 'any', err.actual);
      }
    }
  }

  override async readStream(stream: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    const events = await this.inner.readStream(stream, options);
    // Remember the newest event read: a following append at that revision needs no read.
    const newest = options?.direction === 'backwards' ? events[0] : events[events.length - 1];
    if (newest) this.remember(newest);
    return events;
  }
}
