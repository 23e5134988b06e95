/**
 * The official report (api-v1 "The report") counted in SQL over `dossier_summary` and
 * `dossier_clock`, with the same definitions as the pure `computeReport`
 * (libs/application/src/reports/report.ts): the database counts per (unit, field, procedure),
 * this module sums them into the total and the `rows`, and `reportBlocks` derives the rates.
 */
import { assembleReport, emptyCounts, addCounts, Report, ReportCounts, reportPeriod, RowKey, unitRowOf } from '@motcua/application';
import { SqlExecutor } from '@motcua/sql';

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
}

/**
 * $1 units, $2 start of the period (inclusive), $3 its end (exclusive). "At the end of the
 * period" is the state after every event strictly before $3; the legal clock in force then is
 * the last `dossier_clock` entry before $3 (a supplement received resets the due time; a stopped
 * clock is never overdue).
 */
export const REPORT_SQL = `
WITH d AS (
  SELECT s.unit_code, s.field, s.procedure_code, s.procedure_name, s.channel, s.received_at, s.timing,
         s.rating, s.rated_at, s.apology_issued_at, s.apology_cutoff_at,
         s.resolved_at IS NOT NULL AND s.resolved_at >= $2 AND s.resolved_at < $3 AS res,
         s.withdrawn_at IS NOT NULL AND s.withdrawn_at >= $2 AND s.withdrawn_at < $3 AS wd,
         (s.resolved_at IS NULL OR s.resolved_at >= $2) AND (s.withdrawn_at IS NULL OR s.withdrawn_at >= $2) AS in_pop,
         (s.resolved_at IS NULL OR s.resolved_at >= $3) AND (s.withdrawn_at IS NULL OR s.withdrawn_at >= $3) AS open_end,
         c.due_at AS due_end, COALESCE(c.stopped, false) AS stopped_end
  FROM dossier_summary s
  LEFT JOIN LATERAL (
    SELECT k.due_at, k.stopped FROM dossier_clock k
    WHERE k.dossier_id = s.id AND k.at < $3
      -- only dossiers still open at the end need the clock: a one-time filter per row skips the
      -- index probe for the (many) closed ones (bench/statistics.bench.ts: about 2x on a province-year)
      AND (s.resolved_at IS NULL OR s.resolved_at >= $3) AND (s.withdrawn_at IS NULL OR s.withdrawn_at >= $3)
    ORDER BY k.at DESC, k.version DESC LIMIT 1
  ) c ON true
  WHERE s.unit_code = ANY($1::text[]) AND s.received_at < $3
    AND (((s.resolved_at IS NULL OR s.resolved_at >= $2) AND (s.withdrawn_at IS NULL OR s.withdrawn_at >= $2))
         OR (s.rated_at >= $2 AND s.rated_at < $3))
), l AS (
  SELECT d.*,
         in_pop AND open_end AS pend,
         in_pop AND ((res AND timing = 'late') OR (open_end AND NOT stopped_end AND due_end < $3)) AS late
  FROM d
)
SELECT unit_code, field, procedure_code, max(procedure_name) AS procedure_name,
  count(*) FILTER (WHERE in_pop AND received_at >= $2)::int AS "newInPeriod",
  count(*) FILTER (WHERE in_pop AND received_at < $2)::int AS "carriedOver",
  count(*) FILTER (WHERE in_pop AND received_at >= $2 AND channel = 'direct')::int AS "direct",
  count(*) FILTER (WHERE in_pop AND received_at >= $2 AND channel = 'online')::int AS "online",
  count(*) FILTER (WHERE in_pop AND received_at >= $2 AND channel = 'postal')::int AS "postal",
  count(*) FILTER (WHERE in_pop AND res AND timing = 'early')::int AS "early",
  count(*) FILTER (WHERE in_pop AND res AND timing = 'on-time')::int AS "onTime",
  count(*) FILTER (WHERE in_pop AND res AND timing = 'late')::int AS "late",
  count(*) FILTER (WHERE pend AND NOT late)::int AS "withinTime",
  count(*) FILTER (WHERE pend AND late)::int AS "overdue",
  count(*) FILTER (WHERE in_pop AND wd)::int AS "withdrawn",
  count(*) FILTER (WHERE late)::int AS "apologiesRequired",
  count(*) FILTER (WHERE late AND apology_issued_at < $3)::int AS "apologiesIssued",
  count(*) FILTER (WHERE late AND apology_issued_at < $3 AND apology_issued_at <= apology_cutoff_at)::int AS "apologiesIssuedInTime",
  count(*) FILTER (WHERE rated_at >= $2 AND rated_at < $3 AND rating = 'satisfied')::int AS "satisfied",
  count(*) FILTER (WHERE rated_at >= $2 AND rated_at < $3 AND rating = 'neutral')::int AS "neutral",
  count(*) FILTER (WHERE rated_at >= $2 AND rated_at < $3 AND rating = 'dissatisfied')::int AS "dissatisfied"
FROM l
GROUP BY unit_code, field, procedure_code`;

type GroupRow = ReportCounts & { unit_code: string; field: string; procedure_code: string; procedure_name: string | null };

/** Throws `InvalidReportPeriod` (from `reportPeriod`) on a malformed or reversed period. */
export async function queryReport(db: SqlExecutor, o: SqlReportOptions): Promise<Report> {
  const p = reportPeriod(o.from, o.to, o.timeZone);
  const { rows } = await db.query<GroupRow>(REPORT_SQL, [[...o.units], new Date(p.startMs).toISOString(), new Date(p.endMs).toISOString()]);
  const unitKey =
    o.groupBy === 'unit' ? unitRowOf(o.unitCode, o.parentOf ?? (() => undefined), o.unitName ?? ((c) => c)) : undefined;
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
