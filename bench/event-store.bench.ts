import { randomBytes, randomUUID } from 'node:crypto';
import { EventStore, EventToAppend, ExpectedRevision, Position, SqlEventStore } from '@motcua/event-store';
import { BenchRow, concurrently, freshPglite, freshPostgres, LatencyRecorder, nowMs, postgresVersion, rate, settle, summarize } from './support';

/**
 * Event store benchmarks (issue "Foundation"): append throughput for PGlite and PostgreSQL with 1
 * and 8 writers, single events and batches of 100, then read-all throughput.
 *
 * Every append configuration runs in a fresh store: PGlite in a fresh temporary directory
 * (file-backed, as users run it), PostgreSQL in a fresh schema dropped at the end.
 */

export interface EventStoreBenchOptions {
  quick: boolean;
  /** Restrict to some backends (default: both). */
  targets?: Array<'pglite' | 'postgres'>;
  /** Progress lines (default: console.log). */
  log?: (line: string) => void;
}

/** Each writer appends round-robin to its own streams: no two writers ever touch one stream. */
export const STREAMS_PER_WRITER = 100;
export const BATCH_SIZE = 100;
export const READ_PAGE = 1000;
export const WRITER_COUNTS = [1, 8] as const;

export function eventStoreSizes(quick: boolean): { singleAppends: number; batchedEvents: number } {
  return quick ? { singleAppends: 2_000, batchedEvents: 20_000 } : { singleAppends: 20_000, batchedEvents: 200_000 };
}

// ---------------------------------------------------------------------------------------------
// Realistic events: a one-stop counter dossier's life, Vietnamese text, ISO dates, full metadata.

/** National public-service portal procedure codes (birth, marriage, certified copy, building permit, land). */
const PROCEDURES = ['1.004227', '1.000894', '1.001009', '1.003003', '1.012766'];
const PEOPLE = ['Nguyễn Văn An', 'Trần Thị Bích Ngọc', 'Lê Hoàng Phúc', 'Phạm Thị Thu Hương', 'Hoàng Minh Đức', 'Vũ Thị Lan Anh'];
const TYPES = ['DossierReceived', 'DossierAssigned', 'DossierSupplementRequested', 'DossierApproved', 'DossierResultReturned'];
const CLERKS = [
  { id: 'u-0017', name: 'Đỗ Thị Mai', roles: ['clerk'] },
  { id: 'u-0042', name: 'Ngô Quang Huy', roles: ['clerk', 'reviewer'] },
];

let seq = 0;

/** One event of about 400 bytes of JSON (data + metadata), varied enough not to compress away. */
export function benchEvent(revision: number): EventToAppend {
  const n = seq++;
  const procedure = PROCEDURES[n % PROCEDURES.length];
  const person = PEOPLE[n % PEOPLE.length];
  const clerk = CLERKS[n % CLERKS.length];
  const received = new Date(Date.UTC(2025, 3, 1 + (n % 28), 1 + (n % 9), n % 60, 0));
  const due = new Date(received.getTime() + 5 * 86_400_000);
  return {
    id: randomUUID(),
    type: TYPES[revision % TYPES.length],
    data: {
      code: `000.00.27.H29-2504${String(1 + (n % 28)).padStart(2, '0')}-${String(n % 10_000).padStart(4, '0')}`,
      procedure,
      applicant: person,
      receivedAt: received.toISOString(),
      dueAt: due.toISOString(),
    },
    metadata: {
      actor: clerk,
      correlationId: randomUUID(),
      causationId: randomUUID(),
      occurredAt: received.toISOString(),
      schemaVersion: 1,
    },
  };
}

/** Average UTF-8 size of `data` + `metadata` as JSON (for the report). */
export function benchEventBytes(samples = 200): number {
  let total = 0;
  for (let i = 0; i < samples; i++) {
    const e = benchEvent(i);
    total += Buffer.byteLength(JSON.stringify(e.data)) + Buffer.byteLength(JSON.stringify(e.metadata));
  }
  return Math.round(total / samples);
}

// ---------------------------------------------------------------------------------------------

interface OpenedStore {
  store: EventStore;
  drop(): Promise<void>;
}

type Target = 'pglite' | 'postgres';

async function openStore(target: Target, label: string, writers: number): Promise<OpenedStore> {
  if (target === 'pglite') {
    const db = await freshPglite(label);
    const store = await SqlEventStore.create(db.driver, { ownsDriver: true });
    return { store, drop: () => db.drop() };
  }
  // A pool of at least 8 connections, one per writer.
  const pg = await freshPostgres(label, Math.max(8, writers));
  const store = await SqlEventStore.create(pg.driver, { ownsDriver: true });
  return { store, drop: () => pg.drop() };
}

/**
 * `writers` concurrent loops, each appending `opsPerWriter` times `batchSize` events, round-robin
 * over its own streams, with the exact expected revision (as a command handler would).
 */
async function appendPhase(
  store: EventStore,
  runId: string,
  phase: string,
  writers: number,
  opsPerWriter: number,
  batchSize: number,
  recorders?: LatencyRecorder[],
): Promise<void> {
  await concurrently(writers, async (w) => {
    const revisions: bigint[] = new Array(STREAMS_PER_WRITER).fill(-1n);
    const rec = recorders?.[w];
    for (let i = 0; i < opsPerWriter; i++) {
      const s = i % STREAMS_PER_WRITER;
      const stream = `Dossier-${runId}${phase}-w${w}-${String(s).padStart(3, '0')}`;
      const first = Number(revisions[s] + 1n);
      const events = Array.from({ length: batchSize }, (_, k) => benchEvent(first + k));
      const expectedRevision: ExpectedRevision = revisions[s] < 0n ? 'no-stream' : revisions[s];
      const start = nowMs();
      const r = await store.append(stream, events, { expectedRevision });
      rec?.record(nowMs() - start);
      revisions[s] = r.nextExpectedRevision;
    }
  });
}

async function measureAppend(store: EventStore, target: Target, writers: number, batchSize: number, totalEvents: number): Promise<BenchRow> {
  const runId = randomBytes(3).toString('hex');
  const opsPerWriter = Math.max(1, Math.round(totalEvents / batchSize / writers));
  // Warm-up on other streams (JIT, plan caches, every pooled connection opened): not timed.
  await appendPhase(store, runId, 'warm', writers, Math.max(2, Math.round(opsPerWriter / 50)), batchSize);

  const recorders = Array.from({ length: writers }, () => new LatencyRecorder());
  const start = nowMs();
  await appendPhase(store, runId, '', writers, opsPerWriter, batchSize, recorders);
  const ms = nowMs() - start;

  const latencies = new LatencyRecorder().absorb(...recorders).values();
  const s = summarize(latencies);
  const operations = opsPerWriter * writers;
  const note =
    writers > 1 && target === 'pglite'
      ? `one connection: the ${writers} writers are serialised`
      : writers > 1
        ? `pool of ${Math.max(8, writers)} connections`
        : '';
  return {
    target,
    scenario: batchSize === 1 ? 'append, single events' : `append, batches of ${batchSize}`,
    writers,
    batchSize,
    operations,
    events: operations * batchSize,
    ms,
    opsPerSec: rate(operations, ms),
    eventsPerSec: rate(operations * batchSize, ms),
    p50Ms: s.p50,
    p99Ms: s.p99,
    note,
  };
}

/** `readAll` from the start in pages of READ_PAGE until the end of the log. */
async function measureReadAll(store: EventStore, target: Target): Promise<BenchRow> {
  const pages = new LatencyRecorder();
  let from: Position | undefined;
  let events = 0;
  let bytes = 0;
  const start = nowMs();
  for (;;) {
    const t = nowMs();
    const page = await store.readAll({ fromPosition: from, limit: READ_PAGE });
    pages.record(nowMs() - t);
    if (page.length === 0) break;
    events += page.length;
    // Touch every event like a projection would (and keep the optimiser honest).
    for (const e of page) bytes += e.type.length;
    from = page[page.length - 1].position;
  }
  const ms = nowMs() - start;
  if (bytes === 0) throw new Error('read-all read nothing');
  const s = summarize(pages.values());
  return {
    target,
    scenario: `read-all, pages of ${READ_PAGE.toLocaleString('en-US')}`,
    batchSize: READ_PAGE,
    operations: pages.count,
    events,
    ms,
    opsPerSec: rate(pages.count, ms),
    eventsPerSec: rate(events, ms),
    p50Ms: s.p50,
    p99Ms: s.p99,
    note: 'log written by the 8-writer batch run',
  };
}

export async function runEventStoreBench(opts: EventStoreBenchOptions): Promise<BenchRow[]> {
  const log = opts.log ?? ((line: string) => console.log(line));
  const sizes = eventStoreSizes(opts.quick);
  const rows: BenchRow[] = [];
  let targets: Target[] = opts.targets ?? ['pglite', 'postgres'];
  if (targets.includes('postgres') && !(await postgresVersion())) {
    log('event-store: PostgreSQL is not reachable, measuring PGlite only');
    targets = targets.filter((t) => t !== 'postgres');
  }

  for (const target of targets) {
    const configs: Array<{ batchSize: number; writers: number; events: number }> = [];
    for (const batchSize of [1, BATCH_SIZE]) {
      for (const writers of WRITER_COUNTS) {
        configs.push({ batchSize, writers, events: batchSize === 1 ? sizes.singleAppends : sizes.batchedEvents });
      }
    }
    for (const [i, c] of configs.entries()) {
      const last = i === configs.length - 1;
      const label = `es_${c.writers}w_${c.batchSize}b`;
      const opened = await openStore(target, label, c.writers);
      try {
        await settle();
        const row = await measureAppend(opened.store, target, c.writers, c.batchSize, c.events);
        rows.push(row);
        log(
          `event-store ${target} ${row.scenario}, ${c.writers} writer(s): ${Math.round(row.eventsPerSec)} events/s, ` +
            `p50 ${row.p50Ms?.toFixed(2)} ms, p99 ${row.p99Ms?.toFixed(2)} ms (${(row.ms / 1000).toFixed(1)} s)`,
        );
        if (last) {
          await settle();
          const read = await measureReadAll(opened.store, target);
          rows.push(read);
          log(`event-store ${target} ${read.scenario}: ${Math.round(read.eventsPerSec)} events/s over ${read.events} events`);
        }
      } finally {
        await opened.store.close().catch(() => undefined);
        await opened.drop();
      }
    }
  }
  // Same configuration side by side: PGlite then PostgreSQL.
  const order = (r: BenchRow) => `${r.scenario.startsWith('read') ? 2 : r.batchSize === 1 ? 0 : 1}-${r.writers ?? 0}`;
  return rows
    .map((r, i) => ({ r, i }))
    .sort((a, b) => order(a.r).localeCompare(order(b.r)) || targets.indexOf(a.r.target as Target) - targets.indexOf(b.r.target as Target) || a.i - b.i)
    .map(({ r }) => r);
}
