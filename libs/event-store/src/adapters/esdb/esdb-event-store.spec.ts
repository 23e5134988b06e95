/**
 * What can be checked without an EventStoreDB server: URL handling, our timeout against a server
 * that accepts TCP and never answers, the pure mappings, and the adapter's paging/subscription
 * logic over a fake client. The full contract suite runs against a real server when
 * EVENTSTORE_URL is set (test/contract/).
 */
import * as net from 'node:net';
import { PassThrough } from 'node:stream';
import type { AllStreamSubscription, EventStoreDBClient } from '@eventstore/db-client';
import { EventStoreConfigError, EventStoreUnavailableError, WrongExpectedRevisionError } from '../../port/errors';
import { EventMetadata, RecordedEvent } from '../../port/events';
import { Position } from '../../port/position';
import { EsdbEventStore } from './esdb-event-store';
import { EsdbSubscription, EsdbSubscriptionSource } from './esdb-subscription';
import {
  eventTypesRegex,
  fromEsdbActualRevision,
  fromEsdbEvent,
  isAfter,
  isSystemEvent,
  isVisible,
  toEsdbExpectedRevision,
  toEsdbReadPosition,
  toEsdbReadRevision,
  toServerFilter,
} from './mapping';
import { withTimeout } from './timeout';
import { redactEsdbUrl, toEsdbConnectionString } from './url';

const META: EventMetadata = {
  actor: { id: 'u1' },
  correlationId: 'c',
  causationId: 'c',
  occurredAt: '2024-01-01T00:00:00.000Z',
  schemaVersion: 1,
};

describe('URL', () => {
  it('accepts esdb:// as is and converts kurrentdb:// / kurrent:// (with +discover)', () => {
    expect(toEsdbConnectionString('esdb://localhost:2113?tls=false')).toBe('esdb://localhost:2113?tls=false');
    expect(toEsdbConnectionString(' kurrentdb://admin:changeit@db:2113?tls=false ')).toBe('esdb://admin:changeit@db:2113?tls=false');
    expect(toEsdbConnectionString('KurrentDB://db:2113')).toBe('esdb://db:2113');
    expect(toEsdbConnectionString('kurrent://db:2113')).toBe('esdb://db:2113');
    expect(toEsdbConnectionString('kurrentdb+discover://a:2113,b:2113')).toBe('esdb+discover://a:2113,b:2113');
    expect(toEsdbConnectionString('esdb+discover://cluster.dns:2113')).toBe('esdb+discover://cluster.dns:2113');
  });

  it('rejects other schemes and empty hosts with a config error that hides the password', () => {
    expect(() => toEsdbConnectionString('postgres://u:secret@h/db')).toThrow(EventStoreConfigError);
    expect(() => toEsdbConnectionString('postgres://u:secret@h/db')).toThrow(/u:\*\*\*@h/);
    expect(() => toEsdbConnectionString('localhost:2113')).toThrow(EventStoreConfigError);
    expect(() => toEsdbConnectionString('')).toThrow(EventStoreConfigError);
    expect(() => toEsdbConnectionString('esdb://')).toThrow(/no host/);
    expect(redactEsdbUrl('esdb://admin:changeit@h:2113')).toBe('esdb://admin:***@h:2113');
  });

  it('fromUrl validates the rest with the client parser, without connecting', async () => {
    const store = EsdbEventStore.fromUrl('kurrentdb://localhost:2113?tls=false', { timeoutMs: 500 });
    expect(store.kind).toBe('esdb');
    expect(store.timeoutMs).toBe(500);
    await store.close();
    expect(() => EsdbEventStore.fromUrl('esdb://admin:s3cr3t@h:notaport?tls=false')).toThrow(EventStoreConfigError);
    expect(() => EsdbEventStore.fromUrl('esdb://admin:s3cr3t@h:notaport?tls=false')).toThrow(/port number/);
    expect(() => EsdbEventStore.fromUrl('esdb://admin:s3cr3t@h:notaport?tls=false')).not.toThrow(/s3cr3t/);
    expect(() => EsdbEventStore.fromUrl('esdb://h:2113?tls=maybe')).toThrow(/true or false/);
    expect(() => EsdbEventStore.fromUrl('http://h:2113')).toThrow(EventStoreConfigError);
    expect(() => EsdbEventStore.fromUrl('esdb://h:2113', { timeoutMs: 0 })).toThrow(EventStoreConfigError);
  });
});

describe('against a server that accepts TCP and never answers', () => {
  let server: net.Server;
  const sockets = new Set<net.Socket>();
  let store: EsdbEventStore;

  beforeAll(async () => {
    server = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    store = EsdbEventStore.fromUrl(`esdb://127.0.0.1:${port}?tls=false`, { timeoutMs: 500 });
  });

  afterAll(async () => {
    await store.close();
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  async function expectUnavailableFast(work: () => Promise<unknown>): Promise<void> {
    const started = Date.now();
    await expect(work()).rejects.toBeInstanceOf(EventStoreUnavailableError);
    expect(Date.now() - started).toBeLessThan(2_000);
  }

  const event = { id: '3f1e3c4e-6b1a-4d59-9a43-0c6f3e8f9a01', type: 'Tested', data: { a: 1 }, metadata: META };

  it('append rejects with EventStoreUnavailableError', () => expectUnavailableFast(() => store.append('s-1', [event])));
  it('append again (fresh client) rejects too', () => expectUnavailableFast(() => store.append('s-1', [event], { expectedRevision: 'no-stream' })));
  it('readStream rejects', () => expectUnavailableFast(() => store.readStream('s-1')));
  it('streamRevision rejects', () => expectUnavailableFast(() => store.streamRevision('s-1')));
  it('readAll rejects', () => expectUnavailableFast(() => store.readAll({ limit: 10 })));
  it('readAll with a filter rejects', () => expectUnavailableFast(() => store.readAll({ filter: { eventTypes: ['Tested'] } })));
  it('headPosition and countAfter reject', async () => {
    await expectUnavailableFast(() => store.headPosition());
    await expectUnavailableFast(() => store.countAfter(undefined));
  });
  it('ping rejects', () => expectUnavailableFast(() => store.ping()));
  it('concurrent calls all reject (a recycled client must not cut the others short)', async () => {
    const started = Date.now();
    const results = await Promise.allSettled([store.ping(), store.readStream('x'), store.readAll(), store.append('y', [event]), store.streamRevision('z')]);
    expect(Date.now() - started).toBeLessThan(2_000);
    for (const r of results) {
      expect(r.status).toBe('rejected');
      expect((r as PromiseRejectedResult).reason).toBeInstanceOf(EventStoreUnavailableError);
    }
  });

  it('a subscription reports drops and stops cleanly', async () => {
    const drops: Array<[unknown, number]> = [];
    const sub = store.subscribeAll({}, { handle: () => undefined, onDropped: (err, ms) => drops.push([err, ms]) });
    const started = Date.now();
    while (drops.length < 1 && Date.now() - started < 3_000) await new Promise((r) => setTimeout(r, 20));
    expect(drops[0]?.[0]).toBeInstanceOf(EventStoreUnavailableError);
    expect(drops[0]?.[1]).toBe(100);
    await sub.stop();
    expect(sub.isCaughtUp).toBe(false);
  });
});

describe('mapping helpers', () => {
  it('maps expected revisions', () => {
    expect(toEsdbExpectedRevision(undefined)).toBe('any');
    expect(toEsdbExpectedRevision('any')).toBe('any');
    expect(toEsdbExpectedRevision('no-stream')).toBe('no_stream');
    expect(toEsdbExpectedRevision('stream-exists')).toBe('stream_exists');
    expect(toEsdbExpectedRevision(0n)).toBe(0n);
    expect(toEsdbExpectedRevision(41n)).toBe(41n);
  });

  it('maps the actual revision of a wrong-expected-version error', () => {
    expect(fromEsdbActualRevision('no_stream')).toBe('no-stream');
    expect(fromEsdbActualRevision(-1n)).toBe('no-stream');
    expect(fromEsdbActualRevision(undefined)).toBe('no-stream');
    expect(fromEsdbActualRevision(3n)).toBe(3n);
    expect(fromEsdbActualRevision('7')).toBe(7n);
  });

  it('maps positions and revisions', () => {
    expect(toEsdbReadPosition(undefined)).toBe('start');
    expect(toEsdbReadPosition({ commit: -1n, prepare: -1n })).toBe('start');
    expect(toEsdbReadPosition({ commit: 10n, prepare: 9n })).toEqual({ commit: 10n, prepare: 9n });
    expect(toEsdbReadRevision(undefined, 'forwards')).toBe('start');
    expect(toEsdbReadRevision(undefined, 'backwards')).toBe('end');
    expect(toEsdbReadRevision(5n, 'backwards')).toBe(5n);
    expect(isAfter({ commit: 5n, prepare: 5n }, undefined)).toBe(true);
    expect(isAfter({ commit: 5n, prepare: 5n }, { commit: 5n, prepare: 5n })).toBe(false);
    expect(isAfter({ commit: 5n, prepare: 6n }, { commit: 5n, prepare: 5n })).toBe(true);
    expect(isAfter({ commit: 0n, prepare: 0n }, { commit: -1n, prepare: -1n })).toBe(true);
  });

  it('converts a client event', () => {
    const created = new Date('2024-05-06T07:08:09.123Z');
    const e = fromEsdbEvent({
      streamId: 'dossier-1',
      id: 'id-1',
      isJson: true,
      revision: 2n,
      type: 'DossierReceived',
      created,
      data: { x: 1 },
      metadata: META,
      position: { commit: 100n, prepare: 90n },
    });
    expect(e).toEqual({
      id: 'id-1',
      stream: 'dossier-1',
      revision: 2n,
      position: { commit: 100n, prepare: 90n },
      type: 'DossierReceived',
      data: { x: 1 },
      metadata: META,
      recordedAt: '2024-05-06T07:08:09.123Z',
    });
  });

  it('recognises system events and applies filters (AND)', () => {
    expect(isSystemEvent('$settings', 'x')).toBe(true);
    expect(isSystemEvent('dossier-1', '$metadata')).toBe(true);
    expect(isSystemEvent('dossier-1', 'DossierReceived')).toBe(false);
    const f = { streamPrefixes: ['dossier-'], eventTypes: ['A', 'B'] };
    expect(isVisible('dossier-1', 'A', f)).toBe(true);
    expect(isVisible('dossier-1', 'C', f)).toBe(false);
    expect(isVisible('case-1', 'A', f)).toBe(false);
    expect(isVisible('$$dossier-1', '$metadata', undefined)).toBe(false);
    expect(isVisible('x', 'y', { streamPrefixes: [], eventTypes: [] })).toBe(true);
  });

  it('builds exact, escaped event-type regexes', () => {
    const re = new RegExp(eventTypesRegex(['A.b', 'C(d)', 'E']));
    expect(re.test('A.b')).toBe(true);
    expect(re.test('AXb')).toBe(false);
    expect(re.test('C(d)')).toBe(true);
    expect(re.test('E')).toBe(true);
    expect(re.test('EE')).toBe(false);
    expect(re.test('xE')).toBe(false);
  });

  it('splits filters between server and client', () => {
    const none = toServerFilter(undefined);
    expect(none.server).toMatchObject({ filterOn: 'eventType', regex: '^[^$].*' });
    expect(none.clientSide).toBeUndefined();
    const prefixes = toServerFilter({ streamPrefixes: ['a-', 'b-'] });
    expect(prefixes.server).toMatchObject({ filterOn: 'streamName', prefixes: ['a-', 'b-'] });
    expect(prefixes.clientSide).toBeUndefined();
    const types = toServerFilter({ eventTypes: ['X', 'Y'] });
    expect(types.server).toMatchObject({ filterOn: 'eventType', regex: '^(?:X|Y)$' });
    const both = toServerFilter({ streamPrefixes: ['a-'], eventTypes: ['X'] });
    expect(both.server).toMatchObject({ filterOn: 'streamName', prefixes: ['a-'] });
    expect(both.clientSide).toEqual({ eventTypes: ['X'] });
    expect(toServerFilter({ streamPrefixes: [], eventTypes: [] }).server).toMatchObject({ regex: '^[^$].*' });
  });

  it('withTimeout maps client errors and times out', async () => {
    await expect(withTimeout('op', 1_000, Promise.reject(Object.assign(new Error('down'), { type: 'unavailable' })))).rejects.toBeInstanceOf(
      EventStoreUnavailableError,
    );
    const other = new Error('other');
    await expect(withTimeout('op', 1_000, Promise.reject(other))).rejects.toBe(other);
    let cancelled = false;
    await expect(withTimeout('op', 20, new Promise(() => undefined), () => (cancelled = true))).rejects.toThrow(/within 20 ms/);
    expect(cancelled).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
// A fake client: $all as an array; forwards reads are inclusive of `fromPosition` (as we believe
// EventStoreDB is), backwards reads exclusive. The adapter must hide this from callers.

interface RawEvent {
  id?: string;
  streamId: string;
  type: string;
  revision: bigint;
  position: Position;
}

function raw(streamId: string, type: string, revision: number, n: number): RawEvent {
  return { streamId, type, revision: BigInt(revision), position: { commit: BigInt(n * 10), prepare: BigInt(n * 10) } };
}

function toResolved(e: RawEvent) {
  return {
    event: {
      ...e,
      id: e.id ?? `id-${e.position.commit}`,
      isJson: true,
      created: new Date(0),
      data: { n: Number(e.position.commit) },
      metadata: META,
    },
  };
}

function readable(items: unknown[]) {
  const s = new PassThrough({ objectMode: true });
  for (const i of items) s.write(i);
  s.end();
  return Object.assign(s, { cancel: async () => undefined });
}

function fakeClient(log: RawEvent[], calls: Array<{ op: string; options: Record<string, unknown> }> = []) {
  const cmp = (a: Position, b: Position) => (a.commit === b.commit ? Number(a.prepare - b.prepare) : Number(a.commit - b.commit));
  return {
    readAll(options: { fromPosition: 'start' | 'end' | Position; maxCount: number; direction: 'forwards' | 'backwards' }) {
      calls.push({ op: 'readAll', options });
      const { fromPosition: from, maxCount, direction } = options;
      let list: RawEvent[];
      if (direction === 'backwards') {
        list = [...log].reverse().filter((e) => from === 'end' || (from !== 'start' && cmp(e.position, from) < 0));
      } else {
        list = log.filter((e) => from === 'start' || (from !== 'end' && cmp(e.position, from) >= 0));
      }
      return readable(list.slice(0, maxCount).map(toResolved));
    },
    readStream(stream: string, options: { fromRevision: 'start' | 'end' | bigint; direction: string; maxCount?: number }) {
      calls.push({ op: 'readStream', options });
      let list = log.filter((e) => e.streamId === stream);
      if (list.length === 0) {
        const s = new PassThrough({ objectMode: true });
        setImmediate(() => s.destroy(Object.assign(new Error('not found'), { type: 'stream-not-found' })));
        return Object.assign(s, { cancel: async () => undefined });
      }
      const backwards = options.direction === 'backwards';
      if (backwards) list = [...list].reverse();
      const f = options.fromRevision;
      if (typeof f === 'bigint') list = list.filter((e) => (backwards ? e.revision <= f : e.revision >= f));
      return readable(list.slice(0, options.maxCount ?? Infinity).map(toResolved));
    },
    async appendToStream(stream: string, events: unknown[], options: { expectedRevision: unknown }) {
      calls.push({ op: 'append', options });
      if (options.expectedRevision === 'no_stream' && log.some((e) => e.streamId === stream)) {
        throw Object.assign(new Error('wev'), { type: 'wrong-expected-version', actualVersion: 4n });
      }
      if (options.expectedRevision === 5n) {
        throw Object.assign(new Error('wev'), { type: 'wrong-expected-version', actualVersion: 'no_stream' });
      }
      // Like an implicit transaction: the events share the commit position of the first one, and
      // the reported position is that first one's.
      const base = log.length ? log[log.length - 1].position.prepare + 10n : 10n;
      const start = log.filter((e) => e.streamId === stream).length;
      (events as Array<{ id: string }>).forEach(({ id }, i) =>
        log.push({ id, streamId: stream, type: 'T', revision: BigInt(start + i), position: { commit: base, prepare: base + BigInt(i * 10) } }),
      );
      return { success: true, nextExpectedRevision: BigInt(start + events.length - 1), position: { commit: base, prepare: base } };
    },
    async dispose() {},
    async getChannel() {
      return { close() {} };
    },
  } as unknown as EventStoreDBClient;
}

const LOG: RawEvent[] = [
  raw('$settings', '$settings', 0, 1),
  raw('dossier-1', 'DossierReceived', 0, 2),
  raw('$$dossier-1', '$metadata', 0, 3),
  raw('case-1', 'CaseOpened', 0, 4),
  raw('dossier-1', 'DossierAccepted', 1, 5),
  raw('dossier-2', 'DossierReceived', 0, 6),
  raw('$stats-127.0.0.1:2113', 'StatsCollected', 0, 7),
  raw('case-1', 'CaseClosed', 1, 8),
  raw('$stats-127.0.0.1:2113', '$statsCollected', 1, 9),
];

describe('adapter logic over a fake client', () => {
  const positionsOf = (events: RecordedEvent[]) => events.map((e) => Number(e.position.commit));

  it('readAll: $all order, no system events, exclusive fromPosition, limit, AND filters, across pages', async () => {
    for (const pageSize of [2, 3, 500]) {
      const store = new EsdbEventStore(() => fakeClient(LOG), { pageSize });
      expect(positionsOf(await store.readAll())).toEqual([20, 40, 50, 60, 80]);
      expect(positionsOf(await store.readAll({ fromPosition: { commit: 40n, prepare: 40n } }))).toEqual([50, 60, 80]);
      expect(positionsOf(await store.readAll({ fromPosition: { commit: 30n, prepare: 30n }, limit: 2 }))).toEqual([40, 50]);
      expect(positionsOf(await store.readAll({ fromPosition: { commit: -1n, prepare: -1n }, limit: 1 }))).toEqual([20]);
      expect(positionsOf(await store.readAll({ filter: { streamPrefixes: ['dossier-'] } }))).toEqual([20, 50, 60]);
      expect(positionsOf(await store.readAll({ filter: { eventTypes: ['DossierReceived', 'CaseClosed'] } }))).toEqual([20, 60, 80]);
      expect(positionsOf(await store.readAll({ filter: { streamPrefixes: ['dossier-'], eventTypes: ['DossierReceived'] }, limit: 1 }))).toEqual([20]);
      expect(await store.readAll({ limit: 0 })).toEqual([]);
      expect(await store.readAll({ fromPosition: { commit: 80n, prepare: 80n } })).toEqual([]);
      expect(await store.headPosition()).toEqual({ commit: 80n, prepare: 80n });
      expect(await store.countAfter(undefined)).toBe(5);
      expect(await store.countAfter({ commit: 50n, prepare: 50n })).toBe(2);
      expect(await store.countAfter({ commit: 20n, prepare: 20n }, { streamPrefixes: ['dossier-'] })).toBe(2);
      await store.close();
    }
  });

  it('headPosition is undefined when only system events exist', async () => {
    const store = new EsdbEventStore(() => fakeClient(LOG.filter((e) => isSystemEvent(e.streamId, e.type))), { pageSize: 2 });
    expect(await store.headPosition()).toBeUndefined();
    expect(await store.readAll()).toEqual([]);
  });

  it('readStream / streamRevision: unknown stream, directions, fromRevision, limit', async () => {
    const store = new EsdbEventStore(() => fakeClient(LOG));
    expect(await store.readStream('nope')).toEqual([]);
    expect(await store.streamRevision('nope')).toBeUndefined();
    expect(await store.streamRevision('dossier-1')).toBe(1n);
    expect((await store.readStream('dossier-1')).map((e) => e.revision)).toEqual([0n, 1n]);
    expect((await store.readStream('dossier-1', { direction: 'backwards' })).map((e) => e.revision)).toEqual([1n, 0n]);
    expect((await store.readStream('dossier-1', { fromRevision: 1n })).map((e) => e.revision)).toEqual([1n]);
    expect((await store.readStream('dossier-1', { direction: 'backwards', fromRevision: 0n })).map((e) => e.revision)).toEqual([0n]);
    expect((await store.readStream('dossier-1', { direction: 'backwards', fromRevision: 9n, limit: 1 })).map((e) => e.revision)).toEqual([1n]);
    expect(await store.readStream('dossier-1', { limit: 0 })).toEqual([]);
  });

  it('append maps expected revisions and wrong-expected-version errors', async () => {
    const calls: Array<{ op: string; options: Record<string, unknown> }> = [];
    const log = [...LOG];
    const store = new EsdbEventStore(() => fakeClient(log, calls));
    const ev = { id: 'x', type: 'T', data: {}, metadata: META };
    await expect(store.append('dossier-1', [ev], { expectedRevision: 'no-stream' })).rejects.toEqual(
      new WrongExpectedRevisionError('dossier-1', 'no-stream', 4n),
    );
    const err = await store.append('new-1', [ev], { expectedRevision: 5n }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WrongExpectedRevisionError);
    expect((err as WrongExpectedRevisionError).actual).toBe('no-stream');
    const ids = ['0b0c6f0e-0000-4000-8000-000000000001', '0b0c6f0e-0000-4000-8000-000000000002', '0B0C6F0E-0000-4000-8000-000000000003'];
    const appended = await store.append(
      'new-1',
      ids.map((id) => ({ ...ev, id })),
      { expectedRevision: 'stream-exists' },
    );
    expect(appended).toEqual({ nextExpectedRevision: 2n, position: { commit: 100n, prepare: 120n } });
    const [lastRead] = await store.readAll({ fromPosition: { commit: 100n, prepare: 110n } });
    expect(lastRead.position).toEqual(appended.position);
    expect(await store.readAll({ fromPosition: appended.position })).toEqual([]);
    expect((await store.append('new-2', [ev])).position).toEqual({ commit: 130n, prepare: 130n });
    expect(calls.filter((c) => c.op === 'append').map((c) => c.options.expectedRevision)).toEqual(['no_stream', 5n, 'stream_exists', 'any']);
    // An empty append only checks, client side.
    expect(await store.append('dossier-1', [], { expectedRevision: 1n })).toEqual({
      nextExpectedRevision: 1n,
      position: { commit: 130n, prepare: 130n },
    });
    expect((await store.append('nope', [], { expectedRevision: 'no-stream' })).nextExpectedRevision).toBe(-1n);
    await expect(store.append('nope', [], { expectedRevision: 'stream-exists' })).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    await expect(store.append('dossier-1', [], { expectedRevision: 0n })).rejects.toEqual(new WrongExpectedRevisionError('dossier-1', 0n, 1n));
  });

  it('refuses calls once closed', async () => {
    const store = new EsdbEventStore(() => fakeClient(LOG));
    await store.close();
    await expect(store.ping()).rejects.toBeInstanceOf(EventStoreUnavailableError);
    expect(() => store.subscribeAll({}, { handle: () => undefined })).toThrow(EventStoreUnavailableError);
  });
});

// ---------------------------------------------------------------------------------------------
// Subscription over a fake `subscribeToAll` stream.

type FakeSub = PassThrough & AllStreamSubscription & { opened: { from: Position | undefined; filter: unknown } };

function fakeSource(options: { head?: Position; timeoutMs?: number } = {}) {
  const opened: FakeSub[] = [];
  const source: EsdbSubscriptionSource = {
    open(from, filter, highWaterMark) {
      const s = new PassThrough({ objectMode: true, highWaterMark }) as unknown as FakeSub;
      Object.assign(s, { unsubscribe: async () => undefined, opened: { from, filter } });
      opened.push(s);
      return s;
    },
    headPosition: async () => options.head,
    onTimeout: () => undefined,
    timeoutMs: options.timeoutMs ?? 1_000,
  };
  return { source, opened };
}

async function until(cond: () => boolean, ms = 3_000): Promise<void> {
  const started = Date.now();
  while (!cond()) {
    if (Date.now() - started > ms) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('EsdbSubscription', () => {
  const fast = { minBackoffMs: 10, maxBackoffMs: 40, idleCatchUpMs: 0 };

  it('batches, skips system/filtered/already-seen events, applies caughtUp after earlier events', async () => {
    const { source, opened } = fakeSource({ head: { commit: 80n, prepare: 80n } });
    const batches: number[][] = [];
    const caughtUpAt: Array<Position | undefined> = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const sub = new EsdbSubscription(
      source,
      {
        fromPosition: { commit: 20n, prepare: 20n },
        batchSize: 2,
        filter: { streamPrefixes: ['dossier-', 'case-'], eventTypes: ['DossierAccepted', 'DossierReceived', 'CaseClosed'] },
      },
      {
        handle: async (events) => {
          batches.push(events.map((e) => Number(e.position.commit)));
          if (batches.length === 1) await gate;
        },
        onCaughtUp: (p) => caughtUpAt.push(p),
      },
      fast,
    );
    await until(() => opened.length === 1);
    const s = opened[0];
    expect(s.opened.from).toEqual({ commit: 20n, prepare: 20n });
    expect(s.opened.filter).toMatchObject({ filterOn: 'streamName', prefixes: ['dossier-', 'case-'] });
    s.emit('confirmation');
    for (const e of LOG) s.write(toResolved(e)); // includes 20 (the checkpoint itself) and system events
    s.emit('caughtUp'); // emitted while events are still queued: must wait for them
    await until(() => batches.length === 1);
    expect(sub.isCaughtUp).toBe(false);
    release();
    await sub.caughtUp;
    expect(batches.flat()).toEqual([50, 60, 80]);
    expect(batches.every((b) => b.length <= 2)).toBe(true);
    expect(sub.position).toEqual({ commit: 80n, prepare: 80n });
    expect(caughtUpAt).toEqual([{ commit: 80n, prepare: 80n }]);
    await sub.stop();
  });

  it('falls back to the head position when the server sends no caughtUp', async () => {
    const { source, opened } = fakeSource({ head: { commit: 50n, prepare: 50n } });
    const sub = new EsdbSubscription(source, {}, { handle: () => undefined }, fast);
    await until(() => opened.length === 1);
    opened[0].write(toResolved(LOG[1]));
    await new Promise((r) => setTimeout(r, 30));
    expect(sub.isCaughtUp).toBe(false);
    opened[0].write(toResolved(LOG[4]));
    await sub.caughtUp;
    expect(sub.position).toEqual({ commit: 50n, prepare: 50n });
    await sub.stop();
  });

  it('is caught up at once on an empty store, and by idleness as a last resort', async () => {
    const empty = fakeSource({ head: undefined });
    const a = new EsdbSubscription(empty.source, {}, { handle: () => undefined }, fast);
    await until(() => empty.opened.length === 1);
    empty.opened[0].emit('confirmation');
    await a.caughtUp;
    await a.stop();

    const idle = fakeSource({ head: { commit: 90n, prepare: 90n } });
    const b = new EsdbSubscription(idle.source, {}, { handle: () => undefined }, { ...fast, idleCatchUpMs: 50 });
    await until(() => idle.opened.length === 1);
    idle.opened[0].emit('confirmation');
    await b.caughtUp;
    await b.stop();
  });

  it('resubscribes from the last handled position with backoff after a drop', async () => {
    const { source, opened } = fakeSource({ head: undefined });
    const drops: number[] = [];
    const seen: number[] = [];
    const sub = new EsdbSubscription(
      source,
      {},
      { handle: (events) => void seen.push(...events.map((e) => Number(e.position.commit))), onDropped: (_e, ms) => drops.push(ms) },
      fast,
    );
    await until(() => opened.length === 1);
    opened[0].write(toResolved(LOG[1]));
    await until(() => seen.length === 1);
    opened[0].destroy(new Error('connection lost'));
    await until(() => opened.length === 2);
    expect(opened[1].opened.from).toEqual({ commit: 20n, prepare: 20n });
    opened[1].end(); // the server ended it: another drop
    await until(() => opened.length === 3);
    expect(drops).toEqual([10, 20]);
    opened[2].write(toResolved(LOG[1])); // replayed checkpoint event: skipped
    opened[2].write(toResolved(LOG[3]));
    await until(() => seen.length === 2);
    expect(seen).toEqual([20, 40]);
    await sub.stop();
  });

  it('a start that never confirms is a drop', async () => {
    const { source, opened } = fakeSource({ head: undefined, timeoutMs: 50 });
    const drops: unknown[] = [];
    const sub = new EsdbSubscription(source, {}, { handle: () => undefined, onDropped: (e) => drops.push(e) }, fast);
    await until(() => drops.length >= 1);
    expect(drops[0]).toBeInstanceOf(EventStoreUnavailableError);
    expect(opened.length).toBeGreaterThanOrEqual(1);
    await sub.stop();
  });

  it('a handler error stops the subscription and reaches onStopped', async () => {
    const { source, opened } = fakeSource({ head: undefined });
    const boom = new Error('boom');
    let stoppedWith: unknown = 'not called';
    const sub = new EsdbSubscription(
      source,
      {},
      {
        handle: () => {
          throw boom;
        },
        onStopped: (err) => (stoppedWith = err),
      },
      fast,
    );
    await until(() => opened.length === 1);
    opened[0].write(toResolved(LOG[1]));
    await sub.stopped;
    expect(stoppedWith).toBe(boom);
    expect(sub.position).toBeUndefined();
    expect(opened).toHaveLength(1);
  });

  it('stop() ends it cleanly and calls onStopped without error', async () => {
    const { source, opened } = fakeSource({ head: undefined });
    let stoppedWith: unknown = 'not called';
    const sub = new EsdbSubscription(source, {}, { handle: () => undefined, onStopped: (err) => (stoppedWith = err) }, fast);
    await until(() => opened.length === 1);
    await sub.stop();
    expect(stoppedWith).toBeUndefined();
    expect(opened[0].destroyed).toBe(true);
  });
});
