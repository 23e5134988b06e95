/**
 * The QĐ 766 indicator tallies (issue #18, libs/application/src/reports/indicators.ts) counted in
 * SQL over `dossier_summary` (infra/migrations/0016_report_indicators.sql), with the same
 * definitions as the pure `tallyDossier`. A second, separate scan: the Biểu 06 query
 * (./dossier-report.ts) stays as it was (bench/statistics.bench.ts measures both side by side).
 * Grouped by (row key, working-day length) so that the mean processing time is exact.
 */
import {
  addTally,
  emptyTally,
  IndicatorCounts,
  IndicatorTable,
  INDICATOR_COUNT_KEYS,
  ReportPerspective,
  reportPeriod,
  Report,
  RowKey,
  unitRowOf,
} from '@motcua/application';
import { SqlDriver } from '@motcua/sql';
import { defaultAccess, queryReport, reportQuery, type ReportGroupBy, type SqlReportOptions } from './dossier-report';
import { queryRollup } from './report-rollup';

/** $1 units, $2 start of the period (inclusive), $3 its end (exclusive), $4 the campaign (when given). */
export function indicatorsSql(o: { groupBy?: ReportGroupBy; campaign?: boolean; perspective?: ReportPerspective }): string {
  // the unit a dossier counts under, as in the Biểu 06 query (issue #16)
  const unitColumn = o.perspective === 'receiving' ? 'unit_code' : 'competent_unit_code';
  const column = { unit: unitColumn, field: 'field', procedure: 'procedure_code' } as const;
  const key = o.groupBy ? column[o.groupBy] : undefined;
  const select = (c: string) => (c === 'unit_code' && key === unitColumn ? `s.${unitColumn} AS unit_code` : c === key ? `s.${c}` : `NULL::text AS ${c}`);
  const inPeriod = (c: string) => `s.${c} >= $2 AND s.${c} < $3`;
  const kept = 's.refused_at IS NULL';
  return `
SELECT ${select('unit_code')}, ${select('field')}, ${select('procedure_code')}, max(s.procedure_name) AS procedure_name,
  s.working_day_minutes AS day_minutes,
  count(*) FILTER (WHERE ${kept} AND ${inPeriod('returned_at')})::int AS "returned",
  count(*) FILTER (WHERE ${kept} AND s.resolved_at < $3 AND (s.returned_at IS NULL OR s.returned_at >= $3))::int AS "awaitingCollection",
  count(*) FILTER (WHERE ${inPeriod('refused_at')})::int AS "refusedAtReception",
  COALESCE(sum((SELECT count(*) FROM jsonb_array_elements_text(s.supplement_late_at) AS l(at)
                WHERE l.at::timestamptz >= $2 AND l.at::timestamptz < $3)) FILTER (WHERE ${kept} AND s.supplement_late_at IS NOT NULL), 0)::int
    AS "supplementRequestsLate",
  count(*) FILTER (WHERE ${kept} AND ${inPeriod('received_at')} AND s.digitised)::int AS "digitised",
  count(*) FILTER (WHERE ${kept} AND ${inPeriod('received_at')} AND s.fee_due)::int AS "feeDue",
  count(*) FILTER (WHERE ${kept} AND ${inPeriod('received_at')} AND s.fee_due AND s.fee_paid_online)::int AS "feePaidOnline",
  count(*) FILTER (WHERE ${kept} AND ${inPeriod('resolved_at')} AND s.electronic_result)::int AS "electronicResults",
  count(*) FILTER (WHERE ${kept} AND ${inPeriod('resolved_at')} AND s.processing_working_minutes IS NOT NULL AND s.working_day_minutes IS NOT NULL)::int
    AS "processingMeasured",
  COALESCE(sum(s.processing_working_minutes) FILTER (WHERE ${kept} AND ${inPeriod('resolved_at')} AND s.working_day_minutes IS NOT NULL), 0)::bigint
    AS processing_minutes
FROM dossier_summary s
WHERE s.${unitColumn} = ANY($1::text[]) AND s.received_at < $3${o.campaign ? ' AND s.campaign_id = $4' : ''}
  AND (s.resolved_at IS NULL OR s.resolved_at >= $2 OR s.returned_at IS NULL OR s.returned_at >= $2 OR s.supplement_late_at IS NOT NULL)
GROUP BY ${key ? `s.${key}, ` : ''}s.working_day_minutes`;
}

type GroupRow = IndicatorCounts & {
  unit_code: string;
  field: string;
  procedure_code: string;
  procedure_name: string | null;
  day_minutes: number | null;
  processing_minutes: string | number;
};

/** The indicator tallies of the total and of the rows `queryReport` makes for the same options. */
export async function queryIndicatorTable(db: SqlDriver, o: SqlReportOptions): Promise<IndicatorTable> {
  const p = reportPeriod(o.from, o.to, o.timeZone);
  // the roll-up where it answers (`population: 'rollup'`, or by default); otherwise one pass over the rows
  if ((o.population ?? defaultAccess(o, p)) === 'rollup') return (await queryRollup(db, o, p)).table;
  const params: unknown[] = [[...o.units], new Date(p.startMs).toISOString(), new Date(p.endMs).toISOString()];
  if (o.campaignId !== undefined) params.push(o.campaignId);
  const { rows } = await reportQuery<GroupRow>(
    db,
    indicatorsSql({ groupBy: o.groupBy, campaign: o.campaignId !== undefined, perspective: o.perspective }),
    params,
  );
  const unitKey = o.groupBy === 'unit' ? unitRowOf(o.unitCode, o.parentOf ?? (() => undefined), o.unitName ?? ((c) => c)) : undefined;
  const table: IndicatorTable = { total: emptyTally(), rows: new Map() };
  for (const r of rows) {
    const one = emptyTally();
    for (const k of INDICATOR_COUNT_KEYS) one.counts[k] = Number(r[k]);
    if (r.day_minutes !== null && r.day_minutes !== undefined && one.counts.processingMeasured > 0)
      one.processing.set(Number(r.day_minutes), Number(r.processing_minutes));
    if (INDICATOR_COUNT_KEYS.every((k) => one.counts[k] === 0)) continue;
    addTally(table.total, one);
    let key: RowKey | undefined;
    if (o.groupBy === 'unit') key = unitKey!({ unitCode: r.unit_code });
    else if (o.groupBy === 'field') key = { key: r.field, name: r.field };
    else if (o.groupBy === 'procedure') key = { key: r.procedure_code, name: o.procedureName?.(r.procedure_code) ?? r.procedure_name ?? r.procedure_code };
    if (!key) continue;
    const row = table.rows.get(key.key) ?? { key, tally: emptyTally() };
    addTally(row.tally, one);
    table.rows.set(key.key, row);
  }
  return table;
}

/**
 * The report and its indicator table: one read of the roll-up where it answers; otherwise the two
 * scans side by side (on PostgreSQL on two of the pool's connections, two backends; on PGlite one
 * after the other).
 */
export async function queryReportAndIndicators(db: SqlDriver, o: SqlReportOptions): Promise<{ report: Report; table: IndicatorTable }> {
  const p = reportPeriod(o.from, o.to, o.timeZone);
  if ((o.population ?? defaultAccess(o, p)) === 'rollup') return queryRollup(db, o, p);
  const [report, table] = await Promise.all([queryReport(db, o), queryIndicatorTable(db, o)]);
  return { report, table };
}
