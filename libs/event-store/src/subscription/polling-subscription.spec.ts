import { MemoryEventStore } from '../adapters/memory/memory-event-store';
import { RecordedEvent } from '../port/events';
import { AppendNotifier, PollingSubscription } from './polling-subscription';

const meta = { actor: { id: 't' }, correlationId: 'c', causationId: 'c', occurredAt: new Date(0).toISOString(), schemaVersion: 1 };

describe('PollingSubscription', () => {
  it('retries a failing source with growing backoff and then delivers every event exactly once', async () => {
    const store = new MemoryEventStore();
    for (let i = 0; i < 20; i++)
      await store.append(`s-${i % 3}`, [{ id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, type: 'E', data: { i }, metadata: meta }]);
    let failures = 3;
    const source = {
      readAll: async (o: Parameters<MemoryEventStore['readAll']>[0]) => {
        if (failures-- > 0) throw new Error('connection reset');
        return store.readAll(o);
      },
      onAppended: () => () => undefined,
    };
    const delays: number[] = [];
    const seen: RecordedEvent[] = [];
    const sub = new PollingSubscription(
      source,
      { batchSize: 7 },
      { handle: (events) => void seen.push(...events), onDropped: (_err, delay) => delays.push(delay) },
      { idleMs: 10, minBackoffMs: 5, maxBackoffMs: 12 },
    );
    await sub.caughtUp;
    await sub.stop();
    expect(delays).toEqual([5, 10, 12]);
    expect(seen.map((e) => (e.data as { i: number }).i)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('stops promptly while idle (live), calls onStopped once and resolves caughtUp/stopped', async () => {
    const store = new MemoryEventStore();
    let stopped = 0;
    const sub = new PollingSubscription(
      { readAll: (o) => store.readAll(o), onAppended: () => () => undefined },
      {},
      { handle: () => undefined, onStopped: () => stopped++ },
      { idleMs: 60_000, minBackoffMs: 5, maxBackoffMs: 10 },
    );
    await sub.caughtUp;
    const t = Date.now();
    await sub.stop();
    await sub.stopped;
    expect(Date.now() - t).toBeLessThan(500);
    expect(stopped).toBe(1);
  });

  it('an append signalled while a read is in flight is read at once, not left to the next poll (issue #20)', async () => {
    const store = new MemoryEventStore();
    const listeners = new Set<() => void>();
    let reads = 0;
    let appendDuringRead: (() => Promise<void>) | undefined;
    const source = {
      readAll: async (o: Parameters<MemoryEventStore['readAll']>[0]) => {
        reads++;
        const events = await store.readAll(o); // the snapshot of this read
        const append = appendDuringRead;
        appendDuringRead = undefined;
        if (append) await append(); // committed and signalled after the snapshot, before the read returns
        return events;
      },
      onAppended: (l: () => void) => (listeners.add(l), () => listeners.delete(l)),
      signalsEveryAppend: () => true,
    };
    const seen: RecordedEvent[] = [];
    const sub = new PollingSubscription(
      source,
      {},
      { handle: (events) => void seen.push(...events) },
      {
        idleMs: 60_000,
        safetyPollMs: 60_000,
        minBackoffMs: 5,
        maxBackoffMs: 10,
      },
    );
    await sub.caughtUp;
    appendDuringRead = async () => {
      await store.append('late', [{ id: '00000000-0000-4000-8000-000000000002', type: 'E', data: { late: true }, metadata: meta }]);
      for (const l of listeners) l();
    };
    await store.append('first', [{ id: '00000000-0000-4000-8000-000000000001', type: 'E', data: { first: true }, metadata: meta }]);
    for (const l of listeners) l(); // wakes the loop; its read sees "first", then "late" is appended
    const t = Date.now();
    while (seen.length < 2 && Date.now() - t < 2_000) await new Promise((r) => setTimeout(r, 5));
    await sub.stop();
    expect(seen.map((e) => e.stream)).toEqual(['first', 'late']);
    expect(reads).toBeGreaterThanOrEqual(3);
  });

  it('live: polls every safetyPollMs while the source signals every append, every idleMs otherwise', async () => {
    const store = new MemoryEventStore();
    let signals = true;
    let reads = 0;
    const sub = new PollingSubscription(
      {
        readAll: (o) => (reads++, store.readAll(o)),
        onAppended: () => () => undefined,
        signalsEveryAppend: () => signals,
      },
      {},
      { handle: () => undefined },
      { idleMs: 10, safetyPollMs: 60_000, minBackoffMs: 5, maxBackoffMs: 10 },
    );
    await sub.caughtUp;
    await new Promise((r) => setTimeout(r, 200));
    const readsWhileSignalled = reads;
    await sub.stop();
    expect(readsWhileSignalled).toBe(1); // asleep until the safety poll
    signals = false; // e.g. the LISTEN connection is lost: polls every idleMs again
    const sub2 = new PollingSubscription(
      { readAll: (o) => (reads++, store.readAll(o)), onAppended: () => () => undefined, signalsEveryAppend: () => signals },
      {},
      { handle: () => undefined },
      { idleMs: 10, safetyPollMs: 60_000, minBackoffMs: 5, maxBackoffMs: 10 },
    );
    await sub2.caughtUp;
    reads = 0;
    await new Promise((r) => setTimeout(r, 200));
    await sub2.stop();
    expect(reads).toBeGreaterThan(5);
  });
  it('an append none of whose events pass the filter does not wake a live subscription; one that does, or a signal that does not say, does (issue #20)', async () => {
    const store = new MemoryEventStore();
    const notifier = new AppendNotifier();
    let reads = 0;
    const seen: RecordedEvent[] = [];
    const sub = new PollingSubscription(
      { readAll: (o) => (reads++, store.readAll(o)), onAppended: (l) => notifier.onAppended(l), signalsEveryAppend: () => true },
      { filter: { streamPrefixes: ['ref-'] } },
      { handle: (events) => void seen.push(...events) },
      { idleMs: 60_000, safetyPollMs: 60_000, minBackoffMs: 5, maxBackoffMs: 10, wakeDelayMs: 1 },
    );
    await sub.caughtUp;
    const settle = () => new Promise((r) => setTimeout(r, 50));
    reads = 0;
    await store.append('dossier-1', [{ id: '00000000-0000-4000-8000-000000000001', type: 'DossierReceived', data: {}, metadata: meta }]);
    notifier.notify([{ stream: 'dossier-1', type: 'DossierReceived' }]);
    await settle();
    expect(reads).toBe(0);
    await store.append('ref-units', [{ id: '00000000-0000-4000-8000-000000000002', type: 'UnitDefined', data: {}, metadata: meta }]);
    notifier.notify([
      { stream: 'dossier-2', type: 'DossierReceived' },
      { stream: 'ref-units', type: 'UnitDefined' },
    ]);
    await settle();
    expect(reads).toBe(1);
    expect(seen.map((e) => e.stream)).toEqual(['ref-units']);
    notifier.notify(); // e.g. PostgreSQL's NOTIFY: no detail
    await settle();
    expect(reads).toBe(2);
    await sub.stop();
  });
});
