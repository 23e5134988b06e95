/**
 * Projection rebuild benchmark (issue "Read models and the official results report": rebuild rate
 * for 1M events): `rebuildProjection` of `dossier-summary` (replay into shadow tables, index build,
 * swap) on PGlite and PostgreSQL, beside a raw sequential `readAll` of the same events, the floor
 * any replay pays. 300k events (100k with --quick; BENCH_PROJECTION_EVENTS to change).
 */
import { SqlEventStore } from '@motcua/event-store';
import { Position } from '@motcua/event-store/port';
import { DEFAULT_REBUILD_TRANSACTION_EVENTS, dossierSummaryProjection, rebuildProjection } from '@motcua/projections';
import { migrate, SqlDriver } from '@motcua/sql';
import { benchTransport, Column, fmtInt, freshPglite, freshPostgres, markdownTable, nowMs } from './support';
import { seedDossierEvents } from './support/dossier-events';

export const REBUILD_BATCH = 2000;
const UNITS = Array.from({ length: 20 }, (_, i) => `000.27.${String(i + 1).padStart(2, '0')}.H29`);
const FILTER = { streamPrefixes: ['dossier-'] };

export function projectionSizes(quick: boolean): { events: number } {
  // 300k keeps the whole `npm run bench` within its 30 minutes; BENCH_PROJECTION_EVENTS=1000000 for the
  // 1M-event run of the read-model issue (about 16 minutes on its own on the 2-core machine)
  const override = Number(process.env.BENCH_PROJECTION_EVENTS);
  if (Number.isInteger(override) && override >= 5_000) return { events: Math.floor(override / 5) * 5 };
  return { events: quick ? 100_000 : 300_000 };
}

export interface ProjectionRow {
  target: 'pglite' | 'postgres';
  events: number;
  dossiers: number;
  seedSeconds: number;
  readAllSeconds: number;
  readAllPerSec: number;
  rebuildSeconds: number;
  rebuildPerSec: number;
  /** readAll rate / rebuild rate. */
  ratio: number;
}

function cpuSeconds(u: NodeJS.CpuUsage): number {
  return (u.user + u.system) / 1e6;
}

async function measure(target: ProjectionRow['target'], driver: SqlDriver, events: number, log: (l: string) => void): Promise<ProjectionRow> {
  await migrate(driver);
  const store = await SqlEventStore.create(driver);
  const dossiers = events / 5;
  let t = nowMs();
  let lastLog = 0;
  await seedDossierEvents(driver, dossiers, {
    units: UNITS,
    chunk: 2000,
    onChunk: (n) => {
      if (nowMs() - lastLog > 10_000) {
        lastLog = nowMs();
        log(`  ${target}: seeded ${fmtInt(n)} events`);
      }
    },
  });
  const seedSeconds = (nowMs() - t) / 1000;
  await driver.exec('VACUUM ANALYZE es_events');

  // Raw sequential read of the same events, in the rebuild's page size.
  let cpu = process.cpuUsage();
  t = nowMs();
  let read = 0;
  let from: Position | undefined;
  for (;;) {
    const page = await store.readAll({ fromPosition: from, filter: FILTER, limit: REBUILD_BATCH });
    if (page.length === 0) break;
    read += page.length;
    from = page[page.length - 1].position;
  }
  const readAllSeconds = (nowMs() - t) / 1000;
  const readAllCpu = cpuSeconds(process.cpuUsage(cpu));
  if (read !== events) throw new Error(`read ${read} events, expected ${events}`);

  cpu = process.cpuUsage();
  t = nowMs();
  lastLog = 0;
  const result = await rebuildProjection({
    store,
    driver,
    projection: dossierSummaryProjection(),
    batchSize: REBUILD_BATCH,
    onProgress: (p) => {
      if (nowMs() - lastLog > 10_000) {
        lastLog = nowMs();
        log(`  ${target}: rebuild ${p.phase} ${fmtInt(p.applied)}/${fmtInt(p.total)} (${fmtInt(p.eventsPerSecond)} events/s)`);
      }
    },
  });
  const rebuildSeconds = (nowMs() - t) / 1000;
  const rebuildCpu = cpuSeconds(process.cpuUsage(cpu));
  log(`  ${target}: process CPU: readAll ${readAllCpu.toFixed(1)} s, rebuild ${rebuildCpu.toFixed(1)} s`);
  if (result.events !== events) throw new Error(`rebuilt ${result.events} events, expected ${events}`);
  await store.close();
  const readAllPerSec = events / readAllSeconds;
  const rebuildPerSec = events / rebuildSeconds;
  return { target, events, dossiers, seedSeconds, readAllSeconds, readAllPerSec, rebuildSeconds, rebuildPerSec, ratio: readAllPerSec / rebuildPerSec };
}

export async function runProjectionsBench(opts: { quick: boolean; log?: (l: string) => void }): Promise<ProjectionRow[]> {
  const log = opts.log ?? ((l: string) => console.log(l));
  const { events } = projectionSizes(opts.quick);
  const rows: ProjectionRow[] = [];
  {
    const db = await freshPglite('projections');
    try {
      rows.push(await measure('pglite', db.driver, events, log));
    } finally {
      await db.drop();
    }
  }
  {
    const db = await freshPostgres('projections', 4);
    try {
      rows.push(await measure('postgres', db.driver, events, log));
    } finally {
      await db.drop();
    }
  }
  for (const r of rows) log(`${r.target}: readAll ${fmtInt(r.readAllPerSec)} events/s, rebuild ${fmtInt(r.rebuildPerSec)} events/s (×${r.ratio.toFixed(1)})`);
  return rows;
}

const COLUMNS: Column<ProjectionRow>[] = [
  { header: 'Store', value: (r) => r.target },
  { header: 'Events', align: 'right', value: (r) => fmtInt(r.events) },
  { header: 'Dossiers', align: 'right', value: (r) => fmtInt(r.dossiers) },
  { header: 'Seed (s)', align: 'right', value: (r) => r.seedSeconds.toFixed(1) },
  { header: 'readAll (s)', align: 'right', value: (r) => r.readAllSeconds.toFixed(1) },
  { header: 'readAll events/s', align: 'right', value: (r) => fmtInt(r.readAllPerSec) },
  { header: 'Rebuild (s)', align: 'right', value: (r) => r.rebuildSeconds.toFixed(1) },
  { header: 'Rebuild events/s', align: 'right', value: (r) => fmtInt(r.rebuildPerSec) },
  { header: 'readAll ÷ rebuild', align: 'right', value: (r) => `${r.ratio.toFixed(1)}×` },
];

export const projectionsBenchDefinition = {
  name: 'projections',
  title: 'Projection rebuild',
  run: (opts: { quick: boolean }) => runProjectionsBench(opts) as Promise<unknown[]> as Promise<never[]>,
  table: (rows: readonly unknown[]) => markdownTable(COLUMNS, rows as ProjectionRow[]),
  method: (quick: boolean) => [
    `${fmtInt(projectionSizes(quick).events)} dossier events (${fmtInt(projectionSizes(quick).events / 5)} dossiers × 5: reception, assignment, ` +
      `then supplements, apologies, deadline alerts, resolutions, withdrawals and ratings in four lifecycles) over 20 wards, ` +
      `seeded with multi-row appends of 2,000 dossiers per statement (not timed in the rebuild), then \`VACUUM ANALYZE\`.`,
    `readAll: sequential \`readAll\` of the same events (dossier stream filter) from position zero in pages of ${fmtInt(REBUILD_BATCH)}: ` +
      `the cost of reading the log alone.`,
    `Rebuild: \`npm run cli -- rebuild dossier-summary\`'s code path (\`rebuildProjection\`): replay into shadow tables, the log read in pages of ${fmtInt(REBUILD_BATCH)} events ` +
      `applied in transactions of up to ${fmtInt(DEFAULT_REBUILD_TRANSACTION_EVENTS)} with the next page read ahead, secondary indexes built after the replay, ` +
      `\`ANALYZE\`, catch-up, then the swap transaction. Timed from start to swap, with no live runner.`,
    `PGlite: file-backed, in a fresh temporary directory; PostgreSQL: a fresh schema ${benchTransport()}.`,
  ],
};
