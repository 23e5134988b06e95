/**
 * Append throughput, ours (`SqlEventStore`) against Emmett's PostgreSQL event store
 * (`@event-driven-io/emmett-postgresql`, `getPostgreSQLEventStore(connectionString)`), on the same
 * PostgreSQL, each in a fresh schema: the same events (benchEvent: ~400 bytes of data + metadata),
 * the same streams (each writer round-robin over its own 100), the same 8 concurrent writers in one
 * process, single events and batches of 100, exact expected versions.
 */
import { randomBytes } from 'node:crypto';
import { SqlEventStore } from '@motcua/event-store';
import { BATCH_SIZE, benchEvent, eventStoreSizes, STREAMS_PER_WRITER } from '../event-store.bench';
import { BENCH_DATABASE_URL, concurrently, fmtInt, freshPostgres, LatencyRecorder, nowMs, packageVersion, settle, summarize, withSearchPath } from '../support';
import { peerTable, PeerRow } from './peer-table';

const WRITERS = 8;

type Append = (stream: string, events: ReturnType<typeof benchEvent>[], expected: bigint) => Promise<void>;

async function run(append: Append, label: string, batch: number, totalEvents: number) {
  const opsPerWriter = Math.max(1, Math.round(totalEvents / batch / WRITERS));
  const phase = async (tag: string, ops: number, recs?: LatencyRecorder[]) =>
    concurrently(WRITERS, async (w) => {
      const rev: bigint[] = new Array(STREAMS_PER_WRITER).fill(-1n);
      for (let i = 0; i < ops; i++) {
        const s = i % STREAMS_PER_WRITER;
        const first = Number(rev[s] + 1n);
        const events = Array.from({ length: batch }, (_, k) => benchEvent(first + k));
        const t = nowMs();
        await append(`Dossier-${label}${tag}-w${w}-${s}`, events, rev[s]);
        recs?.[w].record(nowMs() - t);
        rev[s] += BigInt(batch);
      }
    });
  await phase('warm', Math.max(2, Math.round(opsPerWriter / 50)));
  await settle();
  const recs = Array.from({ length: WRITERS }, () => new LatencyRecorder());
  const start = nowMs();
  await phase('', opsPerWriter, recs);
  const ms = nowMs() - start;
  const s = summarize(new LatencyRecorder().absorb(...recs).values());
  return { eventsPerSec: (opsPerWriter * WRITERS * batch * 1000) / ms, p50: s.p50, p99: s.p99 };
}

async function ours(batch: number, total: number) {
  const pg = await freshPostgres('peer_ours', WRITERS);
  try {
    const store = await SqlEventStore.create(pg.driver, { ownsDriver: true });
    return await run(
      async (stream, events, expected) => {
        await store.append(stream, events, { expectedRevision: expected < 0n ? 'no-stream' : expected });
      },
      randomBytes(3).toString('hex'),
      batch,
      total,
    );
  } finally {
    await pg.drop();
  }
}

async function emmett(batch: number, total: number) {
  // a fresh schema (created and dropped through our bench helper), used as Emmett's search_path
  const pg = await freshPostgres('peer_emmett', 1);
  const { getPostgreSQLEventStore } = (await import('@event-driven-io/emmett-postgresql')) as typeof import('@event-driven-io/emmett-postgresql');
  const store = getPostgreSQLEventStore(withSearchPath(BENCH_DATABASE_URL, pg.schema));
  try {
    await store.schema.migrate();
    return await run(
      async (stream, events, expected) => {
        await store.appendToStream(
          stream,
          events.map((e) => ({ type: e.type, data: e.data as Record<string, unknown>, metadata: e.metadata as Record<string, unknown> })),
          { expectedStreamVersion: expected < 0n ? 'STREAM_DOES_NOT_EXIST' : expected + 1n } as never,
        );
      },
      randomBytes(3).toString('hex'),
      batch,
      total,
    );
  } finally {
    await store.close();
    await pg.drop();
  }
}

export async function runEmmettBench(opts: { quick: boolean }): Promise<PeerRow[]> {
  const sizes = eventStoreSizes(opts.quick);
  const rows: PeerRow[] = [];
  for (const [batch, total] of [
    [1, sizes.singleAppends],
    [BATCH_SIZE, sizes.batchedEvents],
  ] as const) {
    const scenario = `${fmtInt(total)} events, ${batch === 1 ? 'single events' : `batches of ${batch}`}, 8 writers`;
    const a = await ours(batch, total);
    console.log(`  ours ${scenario}: ${fmtInt(a.eventsPerSec)} events/s`);
    const b = await emmett(batch, total);
    console.log(`  emmett ${scenario}: ${fmtInt(b.eventsPerSec)} events/s`);
    rows.push(
      { scenario, metric: 'events/s', ours: a.eventsPerSec, peer: b.eventsPerSec, better: 'higher', unit: 'int' },
      { scenario, metric: 'p50 per append (ms)', ours: a.p50, peer: b.p50, better: 'lower', unit: 'ms' },
      { scenario, metric: 'p99 per append (ms)', ours: a.p99, peer: b.p99, better: 'lower', unit: 'ms' },
    );
  }
  return rows;
}

export const emmettBenchDefinition = {
  name: 'peer-emmett',
  title: `Side by side: append throughput against Emmett (PostgreSQL)`,
  run: (opts: { quick: boolean }) => runEmmettBench(opts) as Promise<never[]>,
  table: (rows: readonly unknown[]) => peerTable(`Emmett ${packageVersion('@event-driven-io/emmett-postgresql')}`, rows as PeerRow[]),
  method: (quick: boolean) => {
    const s = eventStoreSizes(quick);
    return [
      `Ours: \`SqlEventStore\` on PostgreSQL (pool of 8, one per writer); peer: \`getPostgreSQLEventStore(connectionString)\` ` +
        `of @event-driven-io/emmett-postgresql (its own node-postgres pool), schema created with \`schema.migrate()\`. ` +
        `Each in a fresh schema of the same database, one after the other.`,
      `Same workload for both: ${fmtInt(s.singleAppends)} single-event appends and ${fmtInt(s.batchedEvents)} events in ` +
        `appends of ${BATCH_SIZE}; 8 concurrent writers, each round-robin over its own ${STREAMS_PER_WRITER} streams with the exact expected ` +
        `version (never a conflict); the same ~400-byte events (\`benchEvent\`: data + metadata); an untimed warm-up first.`,
    ];
  },
};
