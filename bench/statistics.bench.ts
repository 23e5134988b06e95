/**
 * `GET /statistics` latency (issue "Read models and the official results report"): a province
 * the size of Ho Chi Minh City's one-stop counters (about 4.7M dossiers a year) with 5M dossiers
 * over a year, grouped by unit, on PostgreSQL.
 *
 * The read model is generated directly in SQL (`INSERT ... SELECT generate_series` into
 * `dossier_summary` and `dossier_clock`), not through events and the projection: this measures
 * the report query and the HTTP path, not the projection (whose throughput the import bench
 * covers). The real app (createApp, fastify, auth, validation) answers over HTTP on 127.0.0.1.
 */
import { SQL_DRIVER } from '@motcua/platform';
import type { SqlDriver } from '@motcua/sql';
import { recomputeRollup } from '@motcua/projections';
import { PROVINCE, startBenchService } from './http.bench';
import { Column, fmtInt, fmtMs, markdownTable, nowMs, percentile, settle } from './support';

export const STAT_DISTRICTS = 22;
export const STAT_COMMUNES_PER_DISTRICT = 17;
/** Share of the dossiers received at the district offices themselves (the rest at the communes). */
const DISTRICT_SHARE = 0.25;

/** A p95 is reported from this many timed requests or more (the second largest of 20). */
export const P95_MIN_SAMPLES = 20;

/**
 * `requests`: timed requests per scenario; `fewer`: for the scenarios that repeat the first one's
 * database work with another rendering (groupBy=procedure, CSV), to keep the full run within its
 * ~5 minutes (a province-year takes seconds per request at 5M dossiers): p50 and max only.
 */
export function statisticsSizes(quick: boolean) {
  // BENCH_STATISTICS_DOSSIERS: a smaller smoke run (e.g. 20000) on a shared machine
  const smoke = Number(process.env.BENCH_STATISTICS_DOSSIERS);
  if (smoke > 0) return { dossiers: smoke, chunk: Math.min(smoke, 50_000), requests: P95_MIN_SAMPLES, fewer: 5, warmup: 1 };
  return quick
    ? { dossiers: 100_000, chunk: 50_000, requests: P95_MIN_SAMPLES, fewer: P95_MIN_SAMPLES, warmup: 1 }
    : { dossiers: 5_000_000, chunk: 500_000, requests: P95_MIN_SAMPLES, fewer: 10, warmup: 1 };
}

export interface StatisticsRow {
  target: string;
  scenario: string;
  dossiers: number;
  units: number;
  requests: number;
  p50Ms: number;
  /** Undefined under `P95_MIN_SAMPLES` timed requests. */
  p95Ms?: number;
  maxMs: number;
  note?: string;
}

const districtCode = (d: number) => `000.00.${String(40 + d).padStart(2, '0')}.H29`;
const communeCode = (d: number, c: number) => `000.${String(40 + d).padStart(2, '0')}.${String(c + 1).padStart(2, '0')}.H29`;

/** Procedures of a commune/district one-stop counter, with their share of the dossiers (%). */
export const STAT_PROCEDURES = [
  { code: '2.000815', name: 'Chứng thực bản sao từ bản chính', field: 'Chứng thực', share: 40, days: 1 },
  { code: '1.001612', name: 'Đăng ký khai sinh', field: 'Hộ tịch', share: 18, days: 3 },
  { code: '2.000884', name: 'Chứng thực chữ ký', field: 'Chứng thực', share: 12, days: 1 },
  { code: '1.004227', name: 'Đăng ký biến động quyền sử dụng đất', field: 'Đất đai', share: 8, days: 10 },
  { code: '1.001266', name: 'Đăng ký thành lập hộ kinh doanh', field: 'Hộ kinh doanh', share: 7, days: 3 },
  { code: '1.001193', name: 'Đăng ký kết hôn', field: 'Hộ tịch', share: 6, days: 5 },
  { code: '1.000894', name: 'Cấp giấy phép xây dựng nhà ở riêng lẻ', field: 'Xây dựng', share: 5, days: 15 },
  { code: '1.000656', name: 'Đăng ký khai tử', field: 'Hộ tịch', share: 4, days: 3 },
] as const;

/** Seeding of the last run, for the method bullets. */
let lastSeeding: { dossiers: number; clockEntries: number; loadSeconds: number; indexSeconds: number; rollupSeconds: number; totalSeconds: number } | undefined;

const sqlText = (v: string) => `'${v.replace(/'/g, "''")}'`;
const sqlArray = (vs: readonly string[]) => `ARRAY[${vs.map(sqlText).join(',')}]`;

/**
 * Dossiers `from`..`to` (numbers) of the generated province, into `dossier_summary` and
 * `dossier_clock` in one statement. Pseudo-random but deterministic per dossier number `g`:
 * received on a day of 20 Dec 2024 – 29 Dec 2025 in office hours (07:30–17:00 +07); a quarter at
 * the district offices, the rest over the communes (the first communes of each district busier);
 * procedures by `STAT_PROCEDURES` shares; 60% direct, 30% online, 10% postal; 2% withdrawn, 1.5%
 * stuck open, the rest resolved within 0–2× the processing time (early / on time / late by that
 * ratio), still open if that falls after 31 Dec 2025; 4% with a supplement requested one day after
 * reception (half of them received two days later with a new due time), which gives them a
 * clock history on the row; 5% rated a day after resolution; an apology for a third of the late.
 */
export function generateSql(from: number, to: number, units: { districts: readonly string[]; communes: readonly string[] }): string {
  const procs = STAT_PROCEDURES;
  let acc = 0;
  const bounds = procs.map((p) => (acc += p.share));
  const pick = (values: readonly string[]) =>
    `CASE ${bounds.map((b, i) => (i === bounds.length - 1 ? `ELSE ${values[i]}` : `WHEN x.pp < ${b} THEN ${values[i]}`)).join(' ')} END`;
  const D = units.districts.length;
  const C = units.communes.length;
  return `
WITH x AS (
  SELECT g, ((g * 15485863) % 100)::int AS pp,
    CASE WHEN xu < ${DISTRICT_SHARE} THEN (${sqlArray(units.districts)})[1 + floor(xu / ${DISTRICT_SHARE} * ${D})::int]
         ELSE (${sqlArray(units.communes)})[1 + floor(power((xu - ${DISTRICT_SHARE}) / ${1 - DISTRICT_SHARE}, 1.3) * ${C})::int] END AS unit,
    timestamptz '2024-12-20 07:30+07' + floor(xd * 375) * interval '1 day' + ((g * 7907) % 34200) * interval '1 second' AS rec,
    ((g * 2654435761) % 1000)::float8 / 1000 AS r,
    ((g * 31) % 100)::int AS sup,
    ((g * 69621) % 10)::int AS ch
  FROM (SELECT g, ((g * 7919) % 1000003)::float8 / 1000003 AS xu, ((g * 104729) % 1000003)::float8 / 1000003 AS xd
        FROM generate_series(${from}::bigint, ${to}::bigint) AS g) y
), p AS (
  SELECT x.*, ${pick(procs.map((p) => sqlText(p.code)))} AS code, ${pick(procs.map((p) => sqlText(p.name)))} AS name,
    ${pick(procs.map((p) => sqlText(p.field)))} AS field, ${pick(procs.map((p) => `interval '${p.days} days'`))} AS span
  FROM x
), t AS (
  SELECT p.*, rec + span AS due0, rec + interval '3 days' + span AS due1,
    CASE WHEN sup < 2 THEN 1 WHEN sup < 4 THEN 2 ELSE 0 END AS supp,
    CASE WHEN r < 0.02 THEN 'withdrawn' WHEN r < 0.035 THEN 'open'
         WHEN rec + (r - 0.035) / 0.965 * 2 * span >= timestamptz '2026-01-01 00:00+07' THEN 'open' ELSE 'resolved' END AS fate,
    rec + (r - 0.035) / 0.965 * 2 * span AS res
  FROM p
), s AS (
  INSERT INTO dossier_summary (id, code, unit_code, competent_unit_code, current_unit_code, procedure_code, procedure_name, field, channel, online_level, time_zone,
    received_at, original_due_at, due_at, effective_due_at, clock_stopped_at, apology_issued_at, apology_due_at, apology_cutoff_at,
    resolved_at, outcome, timing, withdrawn_at, rating, rated_at, assignee, status, version,
    clock_history_at, clock_history_due_at, clock_history_stopped,
    processing_working_minutes, working_day_minutes, returned_at, supplement_late_at, digitised, fee_due, fee_paid_online, electronic_result)
  SELECT 'bench-' || g, 'B-' || g, unit, unit, unit, code, name, field,
    CASE WHEN ch < 6 THEN 'direct' WHEN ch < 9 THEN 'online' ELSE 'postal' END, 'full', 'Asia/Ho_Chi_Minh',
    rec, due0, CASE WHEN supp = 2 THEN due1 ELSE due0 END, CASE WHEN supp = 2 THEN due1 ELSE due0 END,
    CASE WHEN supp = 1 THEN rec + interval '1 day' END,
    CASE WHEN late AND g % 3 = 0 THEN rec + span * (CASE WHEN g % 2 = 0 THEN 0.5 ELSE 1.2 END) END,
    CASE WHEN late AND g % 3 = 0 THEN due0 END,
    CASE WHEN late AND g % 3 = 0 THEN rec + span * 0.8 END,
    CASE WHEN fate = 'resolved' THEN res END,
    CASE WHEN fate = 'resolved' THEN 'approved' END,
    CASE WHEN fate = 'resolved' THEN (CASE WHEN res < rec + span * 0.8 THEN 'early' WHEN res <= rec + span THEN 'on-time' ELSE 'late' END) END,
    CASE WHEN fate = 'withdrawn' THEN rec + interval '1 day' END,
    CASE WHEN fate = 'resolved' AND g % 20 = 0 THEN (CASE WHEN (g / 20) % 20 < 16 THEN 'satisfied' WHEN (g / 20) % 20 < 19 THEN 'neutral' ELSE 'dissatisfied' END) END,
    CASE WHEN fate = 'resolved' AND g % 20 = 0 THEN res + interval '1 day' END,
    'officer-' || (g % 7),
    CASE WHEN fate <> 'open' THEN fate WHEN supp = 1 THEN 'awaiting-supplement' ELSE 'assigned' END,
    3 + supp,
    CASE supp WHEN 1 THEN ARRAY[rec, rec + interval '1 day'] WHEN 2 THEN ARRAY[rec, rec + interval '1 day', rec + interval '3 days'] END,
    CASE supp WHEN 1 THEN ARRAY[due0, due0] WHEN 2 THEN ARRAY[due0, due0, due1] END,
    CASE supp WHEN 1 THEN ARRAY[false, true] WHEN 2 THEN ARRAY[false, true, false] END,
    -- issue #18 (QĐ 766 indicators): processing minutes (calendar time × 8/24 as a stand-in), returns, late supplement requests, facts
    CASE WHEN fate = 'resolved' THEN (extract(epoch FROM res - rec) / 180)::int END,
    CASE WHEN fate = 'resolved' THEN 480 END,
    CASE WHEN fate = 'resolved' AND g % 4 <> 0 THEN res + interval '2 days' END,
    CASE WHEN supp > 0 AND g % 5 = 0 THEN jsonb_build_array(rec + interval '1 day') END,
    ch < 8, g % 3 = 0, g % 6 = 0, fate = 'resolved' AND g % 2 = 0
  FROM (SELECT t.*, fate = 'resolved' AND res > rec + span OR fate = 'open' AS late FROM t) t
  RETURNING id, received_at, original_due_at, due_at, version - 2 AS entries
)
INSERT INTO dossier_clock (dossier_id, version, at, due_at, stopped)
SELECT id, v, received_at + (CASE v WHEN 1 THEN 0 WHEN 2 THEN 1 ELSE 3 END) * interval '1 day',
  CASE WHEN v = 3 THEN due_at ELSE original_due_at END, v = 2
FROM s, generate_series(1, entries) AS v`;
}

export async function runStatisticsBench(opts: { quick: boolean }): Promise<StatisticsRow[]> {
  const sizes = statisticsSizes(opts.quick);
  // The seeding's index builds over 5M rows take longer than the service's default statement timeout (30 s).
  const svc = await startBenchService('postgres', 'statistics', { DB_STATEMENT_TIMEOUT_MS: '0' });
  const rows: StatisticsRow[] = [];
  try {
    const put = async (url: string, body: unknown) => {
      const res = await fetch(`${svc.baseUrl}${url}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${svc.adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (res.status !== 200 && res.status !== 201) throw new Error(`seeding ${url}: ${res.status} ${await res.text()}`);
    };
    const districts: string[] = [];
    const communes: string[][] = [];
    for (let d = 0; d < STAT_DISTRICTS; d++) {
      await put(`/units/${districtCode(d)}`, { name: `Quận ${d + 40}`, level: 'district', parentCode: PROVINCE });
      districts.push(districtCode(d));
      for (let c = 0; c < STAT_COMMUNES_PER_DISTRICT; c++) {
        await put(`/units/${communeCode(d, c)}`, { name: `Phường ${c + 1} Quận ${d + 40}`, level: 'commune', parentCode: districtCode(d) });
        (communes[c] ??= []).push(communeCode(d, c));
      }
    }
    for (const p of STAT_PROCEDURES) {
      await put(`/procedures/${p.code}`, { name: p.name, field: p.field, processingTime: { amount: p.days, unit: 'working_day' }, onlineLevel: 'full' });
    }
    const unitCount = districts.length + communes.flat().length;
    const driver = svc.app.get<SqlDriver>(SQL_DRIVER);
    lastSeeding = await seed(driver, sizes.dossiers, sizes.chunk, { districts, communes: communes.flat() });

    const scenarios: { scenario: string; query: string; requests: number }[] = [
      { scenario: 'province, 2025, groupBy=unit', query: `unitCode=${PROVINCE}&from=2025-01-01&to=2025-12-31&groupBy=unit`, requests: sizes.requests },
      // issue #18: the same without the QĐ 766 indicators (their second scan), side by side with the line above
      {
        scenario: 'province, 2025, groupBy=unit, indicators=false',
        query: `unitCode=${PROVINCE}&from=2025-01-01&to=2025-12-31&groupBy=unit&indicators=false`,
        requests: sizes.requests,
      },
      {
        scenario: 'province, 2025, groupBy=procedure, indicators=false',
        query: `unitCode=${PROVINCE}&from=2025-01-01&to=2025-12-31&groupBy=procedure&indicators=false`,
        requests: sizes.fewer,
      },
      { scenario: 'province, 2025-Q2, groupBy=unit', query: `unitCode=${PROVINCE}&from=2025-04-01&to=2025-06-30&groupBy=unit`, requests: sizes.requests },
      { scenario: 'province, 2025, groupBy=procedure', query: `unitCode=${PROVINCE}&from=2025-01-01&to=2025-12-31&groupBy=procedure`, requests: sizes.fewer },
      {
        scenario: 'province, 2025, groupBy=unit, CSV',
        query: `unitCode=${PROVINCE}&from=2025-01-01&to=2025-12-31&groupBy=unit&format=csv`,
        requests: sizes.fewer,
      },
      {
        scenario: 'one district, 2025, groupBy=unit',
        query: `unitCode=${districtCode(0)}&from=2025-01-01&to=2025-12-31&groupBy=unit`,
        requests: sizes.requests,
      },
      // a district's monthly report: its population selected through indexes, not a scan of everything received before the end
      {
        scenario: 'one district, 2025-03, groupBy=unit',
        query: `unitCode=${districtCode(0)}&from=2025-03-01&to=2025-03-31&groupBy=unit`,
        requests: sizes.requests,
      },
    ];
    for (const s of scenarios) {
      await settle();
      const get = async () => {
        const t = nowMs();
        const res = await fetch(`${svc.baseUrl}/statistics?${s.query}`, { headers: { authorization: `Bearer ${svc.supervisorToken}` } });
        const body = await res.text();
        if (res.status !== 200) throw new Error(`GET /statistics?${s.query}: ${res.status} ${body}`);
        return { ms: nowMs() - t, body };
      };
      let sample = '';
      for (let i = 0; i < sizes.warmup; i++) sample = (await get()).body;
      const samples: number[] = [];
      for (let i = 0; i < s.requests; i++) samples.push((await get()).ms);
      const note = s.query.includes('format=csv')
        ? `${sample.split('\r\n').length - 2} lines`
        : `received.total ${fmtInt(JSON.parse(sample).received.total)}, ${JSON.parse(sample).rows.length} rows` +
          (JSON.parse(sample).indicators ? `, avg ${JSON.parse(sample).indicators.averageProcessingWorkingDays} working days` : ', no indicators');
      rows.push({
        target: 'postgres',
        scenario: s.scenario,
        dossiers: sizes.dossiers,
        units: unitCount + 1,
        requests: samples.length,
        p50Ms: percentile(samples, 50),
        p95Ms: samples.length >= P95_MIN_SAMPLES ? percentile(samples, 95) : undefined,
        maxMs: Math.max(...samples),
        note,
      });
      console.log(
        `statistics: ${s.scenario}: p50 ${fmtMs(percentile(samples, 50))} ms, max ${fmtMs(Math.max(...samples))} ms over ${samples.length} (${note})`,
      );
    }
  } finally {
    await svc.close();
  }
  return rows;
}

/** Runs `tasks` with at most `lanes` at a time (one pool connection each). */
async function inLanes(lanes: number, tasks: (() => Promise<void>)[]): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (next < tasks.length) await tasks[next++]();
    }),
  );
}

/** Concurrent statements while seeding: the machine's 2 cores. */
const SEED_LANES = 2;

/**
 * Bulk load into the fresh schema: secondary indexes and primary keys dropped first and built
 * again afterwards (about twice as fast as maintaining them row by row), chunks written two at a
 * time with a progress line, then `VACUUM ANALYZE` (statistics, visibility map and hint bits, as
 * autovacuum would leave an older table: the first requests do not pay for setting hint bits on
 * 5M rows).
 */
async function seed(driver: SqlDriver, n: number, chunk: number, units: { districts: string[]; communes: string[] }) {
  const t0 = nowMs();
  const secs = () => ((nowMs() - t0) / 1000).toFixed(0);
  const { rows: indexes } = await driver.query<{ name: string; def: string }>(
    `SELECT indexname AS name, indexdef AS def FROM pg_indexes
     WHERE schemaname = current_schema() AND tablename IN ('dossier_summary', 'dossier_clock') AND indexname NOT LIKE '%_pkey'`,
  );
  await driver.exec(
    indexes.map((i) => `DROP INDEX ${i.name};`).join(' ') +
      ' ALTER TABLE dossier_summary DROP CONSTRAINT dossier_summary_pkey; ALTER TABLE dossier_clock DROP CONSTRAINT dossier_clock_pkey;',
  );
  let written = 0;
  const chunks: (() => Promise<void>)[] = [];
  for (let from = 1; from <= n; from += chunk) {
    const to = Math.min(n, from + chunk - 1);
    chunks.push(async () => {
      // no JIT: compiling this statement's expressions takes seconds (more than running it)
      await driver.exec(`SET LOCAL jit = off; ${generateSql(from, to, units)}`);
      written += to - from + 1;
      console.log(`statistics: ${fmtInt(written)} / ${fmtInt(n)} dossiers written (${secs()} s)`);
    });
  }
  await inLanes(SEED_LANES, chunks);
  const loaded = nowMs();
  const build = [
    'ALTER TABLE dossier_summary ADD PRIMARY KEY (id)',
    'ALTER TABLE dossier_clock ADD PRIMARY KEY (dossier_id, version)',
    ...indexes.map((i) => i.def),
  ];
  await inLanes(
    SEED_LANES,
    build.map((statement) => () => driver.exec(`SET LOCAL maintenance_work_mem = '256MB'; ${statement}`)),
  );
  console.log(`statistics: primary keys and ${indexes.length} indexes built (${secs()} s)`);
  const indexed = nowMs();
  await inLanes(
    SEED_LANES,
    ['dossier_summary', 'dossier_clock'].map((t) => () => driver.exec(`VACUUM ANALYZE ${t}`)),
  );
  // the report's daily roll-up, which the summary projection keeps in step with the rows it writes
  // (infra/migrations/0022_report_daily.sql): computed here from the generated rows, as the migration does
  await driver.transaction((tx) => recomputeRollup(tx));
  await driver.exec('VACUUM ANALYZE report_daily');
  const rolledUp = nowMs();
  console.log(`statistics: daily roll-up computed (${secs()} s)`);
  const { rows: counts } = await driver.query<{ n: number }>('SELECT count(*)::int AS n FROM dossier_clock');
  console.log(`statistics: ${fmtInt(n)} dossiers, ${fmtInt(counts[0].n)} clock entries seeded in ${secs()} s`);
  return {
    dossiers: n,
    clockEntries: counts[0].n,
    loadSeconds: (loaded - t0) / 1000,
    indexSeconds: (indexed - loaded) / 1000,
    rollupSeconds: (rolledUp - indexed) / 1000,
    totalSeconds: (nowMs() - t0) / 1000,
  };
}

export const STATISTICS_COLUMNS: Column<StatisticsRow>[] = [
  { header: 'Store', value: (r) => r.target },
  { header: 'Request', value: (r) => r.scenario },
  { header: 'Dossiers', align: 'right', value: (r) => fmtInt(r.dossiers) },
  { header: 'Units', align: 'right', value: (r) => fmtInt(r.units) },
  { header: 'Requests', align: 'right', value: (r) => fmtInt(r.requests) },
  { header: 'p50 (ms)', align: 'right', value: (r) => fmtMs(r.p50Ms) },
  { header: 'p95 (ms)', align: 'right', value: (r) => (r.p95Ms === undefined ? '–' : fmtMs(r.p95Ms)) },
  { header: 'max (ms)', align: 'right', value: (r) => fmtMs(r.maxMs) },
  { header: 'Notes', value: (r) => r.note ?? '' },
];

export const statisticsBenchDefinition = {
  name: 'statistics',
  title: 'Official report (GET /statistics)',
  run: (opts: { quick: boolean }) => runStatisticsBench(opts) as Promise<unknown[]> as Promise<never[]>,
  table: (rows: readonly unknown[]) => markdownTable(STATISTICS_COLUMNS, rows as StatisticsRow[]),
  method(quick: boolean): string[] {
    const s = statisticsSizes(quick);
    const seeded = lastSeeding
      ? ` Seeding took ${lastSeeding.totalSeconds.toFixed(0)} s (${lastSeeding.loadSeconds.toFixed(0)} s of inserts, ` +
        `${lastSeeding.indexSeconds.toFixed(0)} s of index builds, then \`VACUUM ANALYZE\`, ${lastSeeding.rollupSeconds.toFixed(0)} s computing the daily roll-up) for ${fmtInt(lastSeeding.dossiers)} dossiers and ` +
        `${fmtInt(lastSeeding.clockEntries)} clock entries; it is part of "Whole benchmark" above.`
      : '';
    return [
      `The real app (createApp: fastify, JWT auth, validation) on a fresh PostgreSQL schema, listening on 127.0.0.1; ` +
        `requests one at a time with \`fetch\` from the same process (${s.warmup} untimed warm-up request per scenario, then ${s.requests} timed; ` +
        `${s.fewer} for groupBy=procedure and CSV, which repeat the first scenario's database work` +
        `${s.fewer < P95_MIN_SAMPLES ? `, hence no p95 (reported from ${P95_MIN_SAMPLES} requests or more)` : ''}), ` +
        `latency per request including reading the whole body.`,
      `Unit tree: one province, ${STAT_DISTRICTS + 1} districts (the http bench's district and ${STAT_DISTRICTS} more) with their communes ` +
        `(${STAT_DISTRICTS} × ${STAT_COMMUNES_PER_DISTRICT} + 20); ${STAT_PROCEDURES.length} procedures in ` +
        `${new Set(STAT_PROCEDURES.map((p) => p.field)).size} fields in the reference data.`,
      `**The read model is generated with SQL, not through events** (about the size of Ho Chi Minh City, 4.7M dossiers a year): ` +
        `\`INSERT ... SELECT generate_series\` in chunks of ${fmtInt(s.chunk)} (${SEED_LANES} at a time) writes ${fmtInt(s.dossiers)} rows into \`dossier_summary\` ` +
        `and their entries into \`dossier_clock\`, pseudo-random but deterministic per dossier: received from 20 Dec 2024 to 29 Dec 2025 ` +
        `in office hours, ${Math.round(DISTRICT_SHARE * 100)}% at the ${STAT_DISTRICTS} district offices and the rest over the ` +
        `${STAT_DISTRICTS * STAT_COMMUNES_PER_DISTRICT} communes (the first communes of each district busier), procedures by share ` +
        `(${STAT_PROCEDURES.map((p) => `${p.share}%`).join(' / ')}), 60% direct, 30% online, 10% postal; 2% withdrawn, 1.5% stuck open, ` +
        `the rest resolved within 0–2× the processing time (early / on time / late), open if that falls in 2026; 4% with a supplement ` +
        `requested (half received again, with a new due time): 1 to 3 clock entries; 5% rated; an apology for a third of the late ones. ` +
        `Indexes and primary keys are dropped before the load and built after it (${SEED_LANES} at a time), then \`VACUUM ANALYZE\`; ` +
        `then the roll-up is computed from the rows (\`recomputeRollup\`, the same \`report_contributions\` as the projection and the migration).${seeded} ` +
        `This measures the report query and the HTTP path, not the projection.`,
      `The period tree is resolved in memory from the reference data (api-v1: "as the tree was in the period"). ` +
        `Reports by unit over whole local days (every line but groupBy=procedure) read the daily roll-up (issue #20, migration 0022, ` +
        `\`report-rollup.ts\`): the monthly rows before the end's month and the daily rows of the first and last months, one statement ` +
        `answering the counts and the indicators; a year or a month reads only monthly rows. groupBy=procedure counts from ` +
        `\`dossier_summary\` as before: one scan per query (the legal clock's history read from the row), the counts and the ` +
        `indicators side by side on two pool connections, with PostgreSQL's JIT compilation off (\`reportQuery\`).`,
      `QĐ 766 indicators (issue #18): every JSON scenario answers them; the \`indicators=false\` lines are the same reports without them, side by side. The seeded rows carry ` +
        `a processing time (a stand-in: a third of the calendar time), returns for three quarters of the resolved, a late supplement ` +
        `request for a fifth of those with one, and the reception / resolution facts. CSV skips the indicators (it has no column for them).`,
    ];
  },
};
