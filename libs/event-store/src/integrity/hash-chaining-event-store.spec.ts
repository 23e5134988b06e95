import { randomUUID } from 'node:crypto';
import { MemoryEventStore } from '../adapters/memory/memory-event-store';
import { WrongExpectedRevisionError } from '../port/errors';
import { EventToAppend } from '../port/events';
import { HashChainingEventStore } from './hash-chaining-event-store';
import { createChainVerifier } from './verify';

const ev = (type: string): EventToAppend => ({
  id: randomUUID(),
  type,
  data: { n: type },
  metadata: { actor: { id: 'u' }, correlationId: 'c', causationId: 'c', occurredAt: new Date().toISOString(), schemaVersion: 1 },
});

async function verifyAll(store: MemoryEventStore) {
  const v = createChainVerifier();
  for (const e of await store.readAll()) v.add(e);
  return v;
}

/** Counts the inner store's stream reads (the hash chain's own lookups included). */
function counting(inner: MemoryEventStore) {
  let reads = 0;
  const original = inner.readStream.bind(inner);
  inner.readStream = async (...args) => {
    reads++;
    return original(...args);
  };
  const lastEvents = inner.readLastEvents.bind(inner);
  inner.readLastEvents = async (streams) => {
    reads++;
    return lastEvents(streams);
  };
  return { reads: () => reads };
}

describe('HashChainingEventStore', () => {
  it('chains a multi-stream append exactly like single appends (a stream twice, onto existing streams)', async () => {
    const inner = new MemoryEventStore();
    const store = new HashChainingEventStore(inner);
    await store.append('a', [ev('A0')]);
    await store.appendMany!([
      { stream: 'a', events: [ev('A1')], expectedRevision: 0n },
      { stream: 'b', events: [ev('B0'), ev('B1')], expectedRevision: 'no-stream' },
      { stream: 'a', events: [ev('A2')], expectedRevision: 1n },
    ]);
    await store.append('b', [ev('B2')], { expectedRevision: 1n });
    const v = await verifyAll(inner);
    expect(v.firstBroken).toBeUndefined();
    expect(v.checked).toBe(6);
  });

  it('needs no read for a new stream or right after reading or writing the stream', async () => {
    const inner = new MemoryEventStore();
    const reads = counting(inner);
    const store = new HashChainingEventStore(inner);
    await store.append('d', [ev('D0')], { expectedRevision: 'no-stream' });
    expect(reads.reads()).toBe(0);
    await store.append('d', [ev('D1')], { expectedRevision: 0n }); // remembered from the append
    expect(reads.reads()).toBe(0);
    await store.readStream('d');
    await store.append('d', [ev('D2')], { expectedRevision: 1n }); // remembered (1 read: ours)
    expect(reads.reads()).toBe(1);
    await store.append('d', [ev('D3')]); // 'any': must read the head
    expect(reads.reads()).toBe(2);
    expect((await verifyAll(inner)).firstBroken).toBeUndefined();
  });

  it('remembers at least the last maxKnownHashes / 2 heads and at most maxKnownHashes', async () => {
    const inner = new MemoryEventStore();
    const reads = counting(inner);
    const store = new HashChainingEventStore(inner, 50, 10);
    for (let i = 0; i < 23; i++) await store.append(`s${i}`, [ev(`S${i}`)], { expectedRevision: 'no-stream' });
    expect(reads.reads()).toBe(0);
    // the 5 latest heads are known for sure; s0 was forgotten long ago
    for (let i = 18; i < 23; i++) await store.append(`s${i}`, [ev(`S${i}b`)], { expectedRevision: 0n });
    expect(reads.reads()).toBe(0);
    await store.append('s0', [ev('S0b')], { expectedRevision: 0n });
    expect(reads.reads()).toBe(1);
    expect((await verifyAll(inner)).firstBroken).toBeUndefined();
  });

  it('a remembered head that another writer moved past still fails the exact expectation', async () => {
    const inner = new MemoryEventStore();
    const mine = new HashChainingEventStore(inner);
    const theirs = new HashChainingEventStore(inner);
    await mine.append('s', [ev('S0')], { expectedRevision: 'no-stream' });
    await theirs.append('s', [ev('S1')], { expectedRevision: 0n });
    await expect(mine.append('s', [ev('S1-mine')], { expectedRevision: 0n })).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    await expect(mine.appendMany!([{ stream: 's', events: [ev('S1-mine')], expectedRevision: 0n }])).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    await mine.append('s', [ev('S2')]); // 'any' re-reads and chains onto theirs
    const v = await verifyAll(inner);
    expect(v.firstBroken).toBeUndefined();
    expect(v.checked).toBe(3);
  });
});
