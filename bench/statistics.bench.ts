/**
 * `GET /statistics` latency (issue "Read models and the official results report"): a province
 * with 500k dossiers over a year, grouped by unit, on PostgreSQL.
 *
 * The read model is generated directly in SQL (`INSERT ... SELECT generate_series` into
 * `dossier_summary` and `dossier_clock`), not through events and the projection: this measures
 * the report query and the HTTP path, not the projection (whose throughput the import bench
 * covers). The real app (createApp, fastify, auth, validation) answers over HTTP on 127.0.0.1.
 */
import { SQL_DRIVER } from '@motcua/platform';
import type { SqlDriver } from '@motcua/sql';
import { PROVINCE, startBenchService } from './http.bench';
import { Column, fmtInt, fmtMs, markdownTable, nowMs, percentile, settle } from './support';

export const STAT_DISTRICTS = 12;
export const STAT_COMMUNES_PER_DISTRICT = 15;

export function statisticsSizes(quick: boolean) {
  return quick ? { dossiers: 50_000, requests: 10, warmup: 2 } : { dossiers: 500_000, requests: 40, warmup: 3 };
}

export interface StatisticsRow {
  target: string;
  scenario: string;
  dossiers: number;
  units: number;
  requests: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  note?: string;
}

const districtCode = (d: number) => `000.00.${String(40 + d).padStart(2, '0')}.H29`;
const communeCode = (d: number, c: number) => `000.${String(40 + d).padStart(2, '0')}.${String(c + 1).padStart(2, '0')}.H29`;

/**
 * 500k dossiers received uniformly over 2025 (plus 2% in late 2024, some carried over), spread
 * over the communes (and a few at the districts themselves), three procedures in two fields,
 * three channels; 88% resolved (early / on time / late), 2% withdrawn, 10% open; 5% rated;
 * 3% with an apology; one clock entry per dossier, a second (supplement) for 4%.
 */
export function generateSql(n: number, units: readonly string[]): { summary: string; clock: string } {
  const unitArray = `ARRAY[${units.map((u) => `'${u}'`).join(',')}]`;
  const summary = `
INSERT INTO dossier_summary (id, code, unit_code, procedure_code, procedure_name, field, channel, online_level, time_zone,
  received_at, original_due_at, due_at, effective_due_at, resolved_at, outcome, timing, withdrawn_at, rating, rated_at,
  apology_issued_at, apology_due_at, apology_cutoff_at, status, version)
SELECT 'bench-' || g, 'B-' || g, u, p, 'Thủ tục ' || p, CASE WHEN p = '1.000003' THEN 'Chứng thực' ELSE 'Hộ tịch' END,
  (ARRAY['direct','online','postal'])[(1 + g % 3)::int], 'full', 'Asia/Ho_Chi_Minh',
  rec, rec + interval '5 days', rec + interval '5 days', rec + interval '5 days',
  CASE WHEN r < 0.88 THEN rec + (r * 8) * interval '1 day' END,
  CASE WHEN r < 0.88 THEN 'approved' END,
  CASE WHEN r < 0.88 THEN (CASE WHEN r * 8 < 4 THEN 'early' WHEN r * 8 < 5 THEN 'on-time' ELSE 'late' END) END,
  CASE WHEN r >= 0.88 AND r < 0.90 THEN rec + interval '1 day' END,
  CASE WHEN g % 20 = 0 THEN 'satisfied' END,
  CASE WHEN g % 20 = 0 THEN rec + interval '9 days' END,
  CASE WHEN g % 33 = 0 THEN rec + interval '3 days' END,
  CASE WHEN g % 33 = 0 THEN rec + interval '5 days' END,
  CASE WHEN g % 33 = 0 THEN rec + interval '4 days' END,
  CASE WHEN r < 0.88 THEN 'resolved' WHEN r < 0.90 THEN 'withdrawn' ELSE 'assigned' END,
  3
FROM (
  SELECT g,
    (${unitArray})[(1 + (g * 7919) % ${units.length})::int] AS u,
    (ARRAY['1.001612','1.000003','1.000894'])[(1 + g % 3)::int] AS p,
    timestamptz '2024-12-20 00:00+07' + ((g * 104729) % 1000003) / 1000003.0 * interval '376 days' AS rec,
    ((g * 15485863) % 1000) / 1000.0 AS r
  FROM generate_series(1::bigint, ${n}::bigint) AS g
) x`;
  const clock = `
INSERT INTO dossier_clock (dossier_id, version, at, due_at, stopped)
SELECT id, 1, received_at, original_due_at, false FROM dossier_summary
UNION ALL
SELECT id, 2, received_at + interval '1 day', original_due_at, true FROM dossier_summary WHERE (substr(id, 7)::int) % 25 = 0`;
  return { summary, clock };
}

export async function runStatisticsBench(opts: { quick: boolean }): Promise<StatisticsRow[]> {
  const sizes = statisticsSizes(opts.quick);
  const svc = await startBenchService('postgres', 'statistics');
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
    const units: string[] = [];
    for (let d = 0; d < STAT_DISTRICTS; d++) {
      await put(`/units/${districtCode(d)}`, { name: `Quận ${d + 40}`, level: 'district', parentCode: PROVINCE });
      units.push(districtCode(d));
      for (let c = 0; c < STAT_COMMUNES_PER_DISTRICT; c++) {
        await put(`/units/${communeCode(d, c)}`, { name: `Phường ${c + 1} Quận ${d + 40}`, level: 'commune', parentCode: districtCode(d) });
        units.push(communeCode(d, c));
      }
    }
    const driver = svc.app.get<SqlDriver>(SQL_DRIVER);
    const { summary, clock } = generateSql(sizes.dossiers, units);
    const t0 = nowMs();
    await driver.exec(summary);
    await driver.exec(clock);
    await driver.exec('ANALYZE dossier_summary; ANALYZE dossier_clock');
    console.log(`statistics: ${fmtInt(sizes.dossiers)} dossiers generated in ${((nowMs() - t0) / 1000).toFixed(1)} s`);

    const scenarios: { scenario: string; query: string; accept?: string }[] = [
      { scenario: 'province, 2025, groupBy=unit', query: `unitCode=${PROVINCE}&from=2025-01-01&to=2025-12-31&groupBy=unit` },
      { scenario: 'province, 2025-Q2, groupBy=unit', query: `unitCode=${PROVINCE}&from=2025-04-01&to=2025-06-30&groupBy=unit` },
      { scenario: 'province, 2025, groupBy=procedure', query: `unitCode=${PROVINCE}&from=2025-01-01&to=2025-12-31&groupBy=procedure` },
      { scenario: 'province, 2025, groupBy=unit, CSV', query: `unitCode=${PROVINCE}&from=2025-01-01&to=2025-12-31&groupBy=unit&format=csv` },
      { scenario: 'one district, 2025, groupBy=unit', query: `unitCode=${districtCode(0)}&from=2025-01-01&to=2025-12-31&groupBy=unit` },
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
      for (let i = 0; i < sizes.requests; i++) samples.push((await get()).ms);
      const note = s.query.includes('format=csv') ? `${sample.split('\r\n').length - 2} lines` : `received.total ${fmtInt(JSON.parse(sample).received.total)}, ${JSON.parse(sample).rows.length} rows`;
      rows.push({
        target: 'postgres',
        scenario: s.scenario,
        dossiers: sizes.dossiers,
        units: units.length + 1,
        requests: samples.length,
        p50Ms: percentile(samples, 50),
        p95Ms: percentile(samples, 95),
        maxMs: Math.max(...samples),
        note,
      });
      console.log(`statistics: ${s.scenario}: p50 ${fmtMs(percentile(samples, 50))} ms, p95 ${fmtMs(percentile(samples, 95))} ms`);
    }
  } finally {
    await svc.close();
  }
  return rows;
}

export const STATISTICS_COLUMNS: Column<StatisticsRow>[] = [
  { header: 'Store', value: (r) => r.target },
  { header: 'Request', value: (r) => r.scenario },
  { header: 'Dossiers', align: 'right', value: (r) => fmtInt(r.dossiers) },
  { header: 'Units', align: 'right', value: (r) => fmtInt(r.units) },
  { header: 'Requests', align: 'right', value: (r) => fmtInt(r.requests) },
  { header: 'p50 (ms)', align: 'right', value: (r) => fmtMs(r.p50Ms) },
  { header: 'p95 (ms)', align: 'right', value: (r) => fmtMs(r.p95Ms) },
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
    return [
      `The real app (createApp: fastify, JWT auth, validation) on a fresh PostgreSQL schema, listening on 127.0.0.1; ` +
        `requests one at a time with \`fetch\` from the same process (${s.warmup} untimed warm-up requests, then ${s.requests} timed), ` +
        `latency per request including reading the whole body.`,
      `Unit tree: one province, ${STAT_DISTRICTS + 1} districts (the http bench's district and ${STAT_DISTRICTS} more) with their communes ` +
        `(${STAT_DISTRICTS} × ${STAT_COMMUNES_PER_DISTRICT} + 20).`,
      `**The read model is generated with SQL, not through events**: \`INSERT ... SELECT generate_series\` writes ${fmtInt(s.dossiers)} ` +
        `rows into \`dossier_summary\` (received uniformly from 20 Dec 2024 to 31 Dec 2025 over ${STAT_DISTRICTS * STAT_COMMUNES_PER_DISTRICT} communes ` +
        `and ${STAT_DISTRICTS} districts, 3 procedures in 2 fields, 3 channels; 88% resolved early / on time / late, 2% withdrawn, 10% open, ` +
        `5% rated, 3% with an apology) and one \`dossier_clock\` entry per dossier (a second, stopped, for 4%), then \`ANALYZE\`. ` +
        `This measures the report query and the HTTP path, not the projection.`,
      `The period tree is resolved in memory from the reference data (api-v1: "as the tree was in the period"); the ` +
        `database counts per (unit, field, procedure) in one statement and the service folds those counts into rows.`,
    ];
  },
};
