import { MemoryEventStore } from '../adapters/memory/memory-event-store';
import { RecordedEvent } from '../port/events';
import { PollingSubscription } from './polling-subscription';

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
});
