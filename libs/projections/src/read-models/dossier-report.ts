/**
 * The official report (api-v1 "The report") counted in SQL over `dossier_summary` (with the
 * legal clock's history on the row), with the same definitions as the pure `computeReport`
 * (libs/application/src/reports/report.ts): the database counts per (unit, field, procedure),
 * this module sums them into the total and the `rows`, and `reportBlocks` derives the rates.
 */
import { assembleReport, emptyCounts, addCounts, Report, ReportCounts, ReportPerspective, reportPeriod, RowKey, unitRowOf } from '@motcua/application';
import { SqlDriver, SqlResult } from '@motcua/sql';
import { queryRollup, rollupAnswers } from './report-rollup';

export type ReportGroupBy = 'unit' | 'field' | 'procedure';

export interface SqlReportOptions {
  unitCode: string;
  /** The units whose dossiers count (the unit's subtree). */
  units: readonly string[];
  from: string;
  to: string;
  timeZone?: string;
  groupBy?: ReportGroupBy;
  /** For groupBy=unit: the tree (parent of a unit) and display names. */
  parentOf?: (code: string) => string | undefined;
  unitName?: (code: string) => string;
  /** For groupBy=procedure: display name (default: the name recorded at reception, else the code). */
  procedureName?: (code: string) => string | undefined;
  /** Only the dossiers received under this campaign window (`campaign_id`, infra/migrations/0012_campaign_windows.sql). */
  campaignId?: string;
  /** Which unit a dossier counts under: its competent unit (default) or the receiving one (issue #16). */
  perspective?: ReportPerspective;
  /** How the population is read (default: `defaultAccess`); the same counts every way. */
  population?: ReportPopulationAccess;
}

/**
 * `scan`: one pass over every dossier of the units received before the end of the period (a
 * sequential scan at a province's scale); `indexed`: the dossiers received in the period, those
 * open at its start and those rated in it, each through index ranges (a district's month: its
 * month, not its whole history). Three parts cost more than one scan when the period holds most
 * of the rows (a province's year: the scan reads them anyway, the parts read the carried-over
 * ones a second time), hence the choice by the period's length (issue #20).
 */
export type ReportPopulationAccess = 'scan' | 'indexed' | 'rollup';

/**
 * How a report is read by default: from the daily roll-up where it answers (by unit or in total, no
 * campaign, whole local days in UTC+7: ./report-rollup.ts), else from the rows, `populationAccess`.
 */
export const defaultAccess = (o: Pick<SqlReportOptions, 'groupBy' | 'campaignId'>, p: { startMs: number; endMs: number }): ReportPopulationAccess =>
  rollupAnswers(o, p) ? 'rollup' : populationAccess(p.startMs, p.endMs);

/** At most a month (31 days, and an hour for a daylight-saving change): indexed; longer: one scan. */
export const populationAccess = (startMs: number, endMs: number): ReportPopulationAccess => (endMs - startMs <= (31 * 24 + 1) * 3_600_000 ? 'indexed' : 'scan');

/**
 * The span class of a dossier (infra/migrations/0020_report_population_indexes.sql, verbatim there
 * in the indexes on (unit, span class, received_at)): k in 0..12 when it was closed within about
 * 2^k days of its reception, 13 when later, 14 while open. A dossier of class k <= 12 open at
 * `from` was received after `from` - 2^k days; the query allows an hour more, far above the
 * rounding of the numeric `log` (relative error under 1e-15, i.e. under a millisecond at 2^12 days).
 * Windows in hours, not days: `timestamptz - interval 'n days'` follows the session's DST.
 */
export const SPAN_CLASS = (t: string) => {
  const closed = `LEAST(${t}.resolved_at, ${t}.withdrawn_at)`;
  return `CASE WHEN ${closed} IS NULL THEN 14
       ELSE LEAST(13, GREATEST(0, ceil(log(2.0, GREATEST(1.0, extract(epoch FROM ${closed} - ${t}.received_at) / 86400.0)))))::int END`;
};

/**
 * $1 units, $2 start of the period (inclusive), $3 its end (exclusive). "At the end of the
 * period" is the state after every event strictly before $3; the legal clock in force then is
 * the last clock entry before $3 (a supplement received resets the due time; a stopped clock is
 * never overdue), read from the row: the reception entry (received_at, original_due_at, running)
 * when `clock_history_at` is NULL, else entry `width_bucket($3 - 1 µs, clock_history_at)` of the
 * history (infra/migrations/0007_report_clock_history.sql). One pass over one table, no per-row
 * lookup into `dossier_clock`: a scan for a province's year, a bitmap of index ranges for a
 * district's month (issue #20, see `parts` below).
 *
 * Each dossier falls in one category `cat` for the period, computed once per row:
 *   pop = cat % 6        0 not in the population, 1..3 new by channel (direct, online, postal),
 *                        4 carried over, 5 new with another channel
 *   st  = cat / 6 % 7    0 not in the population, 1 early, 2 on time, 3 late, 4 withdrawn,
 *                        5 pending within time, 6 pending overdue (the clock in force at the end)
 *   ap  = cat / 42 % 3   apology issued before the end: 0 no, 1 yes, 2 yes and in time
 *   rt  = cat / 126 % 4  rated inside the period: 0 no, 1 satisfied, 2 neutral, 3 dissatisfied
 *   out = cat / 504      pending at the end and held by another agency then (a liên thông transfer
 *                        sent before the end and not back before it): pending.outside (issue #16)
 * The unit a dossier counts under is `competent_unit_code` (perspective competent, the default) or
 * `unit_code` (receiving); for groupBy=unit it is also the row's unit.
 * The database counts dossiers per (row key, cat) with one hash aggregate and a single count
 * (17 FILTER aggregates per row cost more than the whole scan), then folds the groups into the 17
 * counts. The row key is only what the report's rows need: the unit for groupBy=unit, the field,
 * the procedure (with the name recorded at reception), or nothing: grouping by (unit, field,
 * procedure, cat) makes tens of thousands of groups at a province's scale, and the hash table
 * falling out of the CPU caches doubles the query's time (bench/statistics.bench.ts). The
 * `OFFSET 0` fence keeps `cat` a column of the subquery: grouping by the expression itself would
 * make the planner estimate one group per row (from the timestamps in it) and sort millions of
 * rows instead of hashing them.
 */
export function reportSql(o: {
  groupBy?: ReportGroupBy;
  campaign?: boolean;
  perspective?: ReportPerspective;
  population?: Exclude<ReportPopulationAccess, 'rollup'>;
}): string {
  const column = { unit: 'unit_code', field: 'field', procedure: 'procedure_code' } as const;
  const key = o.groupBy ? column[o.groupBy] : undefined;
  const unitColumn = o.perspective === 'receiving' ? 'unit_code' : 'competent_unit_code';
  const source = o.groupBy === 'unit' ? `s.${unitColumn} AS unit_code` : `s.${key}`;
  const select = (c: string) => (c === key ? c : `NULL::text AS ${c}`);
  // The population (received before the end, not refused, and not closed before the start unless
  // rated in the period): one scan (`population: 'scan'`, the default), or in three disjoint
  // parts, each found through index ranges: received in the period; received before it and open
  // at its start, one range per span class (the planner
  // ORs them into one bitmap: infra/migrations/0020_report_population_indexes.sql); received
  // before it, closed before its start and rated in it. The full condition stays on every part:
  // the parts only change how the rows are found (a district's month reads its month and what was
  // open at its start, not everything received before its end; a province's year still scans).
  const span = SPAN_CLASS('s');
  const kept = `s.${unitColumn} = ANY($1::text[]) AND s.received_at < $3 AND s.refused_at IS NULL${o.campaign ? ' AND s.campaign_id = $4' : ''}
      AND ((s.resolved_at < $2 OR s.withdrawn_at < $2) IS NOT TRUE OR (s.rated_at >= $2 AND s.rated_at < $3))`;
  const openAtStart = [
    ...Array.from({ length: 13 }, (_, k) => `(${span} = ${k} AND s.received_at >= $2::timestamptz - interval '${24 * 2 ** k + 1} hours')`),
    `${span} = 13`,
    `${span} = 14`,
  ];
  const parts =
    o.population !== 'indexed'
      ? [kept]
      : [
          `${kept}\n      AND s.received_at >= $2`,
          `${kept}\n      AND s.received_at < $2 AND (LEAST(s.resolved_at, s.withdrawn_at) < $2) IS NOT TRUE\n      AND (${openAtStart.join('\n        OR ')})`,
          `${kept}\n      AND s.received_at < $2 AND LEAST(s.resolved_at, s.withdrawn_at) < $2 AND s.rated_at >= $2 AND s.rated_at < $3`,
        ];
  const row = `
    SELECT ${key ? `${source}, ` : ''}${o.groupBy === 'procedure' ? 's.procedure_name, ' : ''}
      CASE WHEN s.resolved_at < $2 OR s.withdrawn_at < $2 THEN 0 ELSE
        CASE WHEN s.received_at < $2 THEN 4 WHEN s.channel = 'direct' THEN 1 WHEN s.channel = 'online' THEN 2
             WHEN s.channel = 'postal' THEN 3 ELSE 5 END
        + CASE WHEN s.resolved_at < $3 THEN CASE WHEN s.timing = 'early' THEN 6 WHEN s.timing = 'on-time' THEN 12 ELSE 18 END
               WHEN s.withdrawn_at < $3 THEN 24
               WHEN s.clock_history_at IS NULL THEN CASE WHEN s.original_due_at < $3 THEN 36 ELSE 30 END
               WHEN NOT s.clock_history_stopped[width_bucket($3::timestamptz - interval '1 microsecond', s.clock_history_at)]
                AND s.clock_history_due_at[width_bucket($3::timestamptz - interval '1 microsecond', s.clock_history_at)] < $3 THEN 36
               ELSE 30 END
      END
      + CASE WHEN s.apology_issued_at < $3 THEN CASE WHEN s.apology_issued_at <= s.apology_cutoff_at THEN 84 ELSE 42 END ELSE 0 END
      + CASE WHEN s.rated_at >= $2 AND s.rated_at < $3 THEN
          CASE WHEN s.rating = 'satisfied' THEN 126 WHEN s.rating = 'neutral' THEN 252 WHEN s.rating = 'dissatisfied' THEN 378 ELSE 0 END
        ELSE 0 END
      + CASE WHEN s.transfer_out_at IS NOT NULL AND (s.resolved_at < $3 OR s.withdrawn_at < $3) IS NOT TRUE
              AND EXISTS (SELECT 1 FROM unnest(s.transfer_out_at, s.transfer_back_at) t(o, b) WHERE t.o < $3 AND (t.b IS NULL OR t.b >= $3))
          THEN 504 ELSE 0 END AS cat
    FROM dossier_summary s`;
  return `
WITH g AS (
  SELECT ${key ? `${key}, ` : ''}cat, count(*) AS n, ${o.groupBy === 'procedure' ? 'max(procedure_name)' : 'NULL::text'} AS procedure_name
  FROM (${parts
    .map(
      (w) => `${row}
    WHERE ${w}`,
    )
    .join('\n    UNION ALL')}
    OFFSET 0
  ) d
  GROUP BY ${key ? `${key}, ` : ''}cat
), c AS (
  SELECT ${key ? `${key}, ` : ''}procedure_name, n, cat % 6 AS pop, cat / 6 % 7 AS st, cat / 42 % 3 AS ap, cat / 126 % 4 AS rt, cat / 504 AS out
  FROM g
  -- dossiers that count nowhere (an apology alone, out of the population) make no row
  WHERE cat % 6 <> 0 OR cat >= 126
)
SELECT ${select('unit_code')}, ${select('field')}, ${select('procedure_code')}, max(procedure_name) AS procedure_name,
  COALESCE(sum(n) FILTER (WHERE pop IN (1, 2, 3, 5)), 0)::int AS "newInPeriod",
  COALESCE(sum(n) FILTER (WHERE pop = 4), 0)::int AS "carriedOver",
  COALESCE(sum(n) FILTER (WHERE pop = 1), 0)::int AS "direct",
  COALESCE(sum(n) FILTER (WHERE pop = 2), 0)::int AS "online",
  COALESCE(sum(n) FILTER (WHERE pop = 3), 0)::int AS "postal",
  COALESCE(sum(n) FILTER (WHERE st = 1), 0)::int AS "early",
  COALESCE(sum(n) FILTER (WHERE st = 2), 0)::int AS "onTime",
  COALESCE(sum(n) FILTER (WHERE st = 3), 0)::int AS "late",
  COALESCE(sum(n) FILTER (WHERE st = 5), 0)::int AS "withinTime",
  COALESCE(sum(n) FILTER (WHERE st = 6), 0)::int AS "overdue",
  COALESCE(sum(n) FILTER (WHERE st = 4), 0)::int AS "withdrawn",
  COALESCE(sum(n) FILTER (WHERE st IN (3, 6)), 0)::int AS "apologiesRequired",
  COALESCE(sum(n) FILTER (WHERE st IN (3, 6) AND ap > 0), 0)::int AS "apologiesIssued",
  COALESCE(sum(n) FILTER (WHERE st IN (3, 6) AND ap = 2), 0)::int AS "apologiesIssuedInTime",
  COALESCE(sum(n) FILTER (WHERE rt = 1), 0)::int AS "satisfied",
  COALESCE(sum(n) FILTER (WHERE rt = 2), 0)::int AS "neutral",
  COALESCE(sum(n) FILTER (WHERE rt = 3), 0)::int AS "dissatisfied",
  COALESCE(sum(n) FILTER (WHERE out = 1 AND st IN (5, 6)), 0)::int AS "pendingOutside"
FROM c${
    key
      ? `
GROUP BY ${key}`
      : ''
  }`;
}

/**
 * Runs one of the report's aggregate queries (the counts, the QĐ 766 indicators) with PostgreSQL's
 * JIT compilation off, in a transaction of its own (`SET LOCAL`). Their estimated costs are far
 * above `jit_above_cost` (a province's rows; a district's month too, through its index ranges), so
 * the planner compiled them with LLVM, inlining and optimisation included, on every request. The
 * expressions are simple and evaluated a few million times at most: compiling never paid back. On
 * 4 December 2026 at 300,000 dossiers, the province-year indicators query took 1,160 ms with JIT
 * (860 ms of it compiling) and 230 ms without; the counts 391 against 297 ms. PGlite is built
 * without LLVM: nothing to switch off there.
 */
export function reportQuery<T>(db: SqlDriver, sql: string, params: unknown[]): Promise<SqlResult<T>> {
  if (db.kind === 'pglite') return db.query<T>(sql, params);
  return db.transaction(async (tx) => {
    await tx.query(`SET LOCAL jit = off`);
    return tx.query<T>(sql, params);
  });
}

/** Grouped by unit (the API's default). */
export const REPORT_SQL = reportSql({ groupBy: 'unit' });

/** One row per value of the `groupBy` column (the others are NULL); a single row without `groupBy`. */
type GroupRow = ReportCounts & { unit_code: string; field: string; procedure_code: string; procedure_name: string | null };

/** Throws `InvalidReportPeriod` (from `reportPeriod`) on a malformed or reversed period. */
export async function queryReport(db: SqlDriver, o: SqlReportOptions): Promise<Report> {
  const p = reportPeriod(o.from, o.to, o.timeZone);
  const population = o.population ?? defaultAccess(o, p);
  if (population === 'rollup') return (await queryRollup(db, o, p)).report;
  const sql = reportSql({ groupBy: o.groupBy, campaign: o.campaignId !== undefined, perspective: o.perspective, population });
  const params: unknown[] = [[...o.units], new Date(p.startMs).toISOString(), new Date(p.endMs).toISOString()];
  if (o.campaignId !== undefined) params.push(o.campaignId);
  const { rows } = await reportQuery<GroupRow>(db, sql, params);
  const unitKey = o.groupBy === 'unit' ? unitRowOf(o.unitCode, o.parentOf ?? (() => undefined), o.unitName ?? ((c) => c)) : undefined;
  let total = emptyCounts();
  const groups = new Map<string, { key: RowKey; counts: ReportCounts }>();
  for (const r of rows) {
    const counts = emptyCounts();
    for (const k of Object.keys(counts) as (keyof ReportCounts)[]) counts[k] = Number(r[k]);
    total = addCounts(total, counts);
    let key: RowKey | undefined;
    if (o.groupBy === 'unit') key = unitKey!({ unitCode: r.unit_code });
    else if (o.groupBy === 'field') key = { key: r.field, name: r.field };
    else if (o.groupBy === 'procedure') key = { key: r.procedure_code, name: o.procedureName?.(r.procedure_code) ?? r.procedure_name ?? r.procedure_code };
    if (!key) continue;
    const g = groups.get(key.key) ?? { key, counts: emptyCounts() };
    g.counts = addCounts(g.counts, counts);
    groups.set(key.key, g);
  }
  return assembleReport(o.unitCode, p, total, [...groups.values()]);
}
