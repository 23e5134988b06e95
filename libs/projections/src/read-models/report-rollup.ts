/**
 * The report's daily roll-up (infra/migrations/0022_report_daily.sql, issue #20): what each
 * `dossier_summary` row contributes to the official report and to the QĐ 766 indicators, summed
 * per (competent unit, receiving unit, local day, working-day length). The contributions are
 * defined once, in SQL (`report_contributions`); this module keeps the table in step with the rows
 * (`applyRollup`, called by the summary projection in the same transaction) and answers a report
 * from it (`queryRollup`): a province's year sums a few hundred thousand small rows instead of
 * classifying millions of dossiers.
 *
 * Event columns count what happened on a day (a period sums its days); `*_delta` columns are +1
 * where a state starts and -1 where it ends, so the dossiers in that state at a local midnight are
 * the sum over the days before it (open: carried over at the start, pending at the end; overdue by
 * the clock in force; overdue after an apology; held by another agency; awaiting collection).
 */
import {
  assembleReport,
  addCounts,
  addTally,
  emptyCounts,
  emptyTally,
  INDICATOR_COUNT_KEYS,
  IndicatorTable,
  Report,
  ReportCounts,
  RowKey,
  unitRowOf,
  type ReportPeriod,
} from '@motcua/application';
import { SqlExecutor } from '@motcua/sql';
import type { SqlReportOptions } from './dossier-report';

/** The roll-up's count columns, in table order. */
export const ROLLUP_COLUMNS = [
  'new_direct',
  'new_online',
  'new_postal',
  'new_other',
  'open_delta',
  'early',
  'on_time',
  'late',
  'withdrawn',
  'late_apology',
  'late_apology_in_time',
  'overdue_delta',
  'overdue_apology_delta',
  'overdue_apology_in_time_delta',
  'satisfied',
  'neutral',
  'dissatisfied',
  'outside_delta',
  'returned',
  'awaiting_delta',
  'refused',
  'supplement_late',
  'digitised',
  'fee_due',
  'fee_paid_online',
  'electronic',
  'processing_measured',
  'processing_minutes',
] as const;
type RollupColumn = (typeof ROLLUP_COLUMNS)[number];

const isDelta = (c: RollupColumn) => c.endsWith('_delta');

/** The roll-up's days are local dates in UTC+7 (Asia/Ho_Chi_Minh): days since 1970-01-01, as `report_day` computes them. */
const OFFSET_MS = 7 * 3_600_000;
const DAY_MS = 86_400_000;

/**
 * The period as a range of roll-up days [start, end), when both its bounds are local midnights in
 * UTC+7 (a unit in Vietnam); undefined otherwise (another zone: the report counts the rows).
 */
export function rollupDays(p: Pick<ReportPeriod, 'startMs' | 'endMs'>): { start: number; end: number } | undefined {
  const start = (p.startMs + OFFSET_MS) / DAY_MS;
  const end = (p.endMs + OFFSET_MS) / DAY_MS;
  return Number.isInteger(start) && Number.isInteger(end) ? { start, end } : undefined;
}

/** Whether the roll-up can answer this report: by unit or in total, no campaign, a period of whole local days in UTC+7. */
export function rollupAnswers(o: Pick<SqlReportOptions, 'groupBy' | 'campaignId'>, p: Pick<ReportPeriod, 'startMs' | 'endMs'>): boolean {
  return (o.groupBy === undefined || o.groupBy === 'unit') && o.campaignId === undefined && rollupDays(p) !== undefined;
}

/**
 * Adds (`sign` 1) or takes away (-1) the contributions of the summary rows `ids` as they are now
 * (`report_rollup_apply`, 0022). The summary projection takes away the rows it is about to change
 * and adds them once written, in the same transaction: the roll-up always equals the sum over the
 * rows. Rows left all zero are deleted, so that the tables are the same however they were reached
 * (a rebuild compares them with the live ones).
 */
export async function applyRollup(tx: SqlExecutor, ids: readonly string[], sign: 1 | -1): Promise<void> {
  if (ids.length > 0) await tx.query(`SELECT report_rollup_apply($1::text[], $2::int)`, [ids, sign]);
}

/**
 * The whole roll-up computed again from `dossier_summary`, as the migration does (rows written
 * without the projection: the statistics benchmark's generated read model).
 */
export async function recomputeRollup(tx: SqlExecutor): Promise<void> {
  await tx.exec('DELETE FROM report_daily; DELETE FROM report_monthly; SELECT report_rollup_apply(ARRAY(SELECT id FROM dossier_summary), 1)');
}

/** The day number of the first day of the month of day number `day` (`report_month` in 0022). */
export function monthOf(day: number): number {
  const d = new Date(day * DAY_MS);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) / DAY_MS;
}

/**
 * $1 units, $2 the period's first day S, $3 the day after its last E, $4 the first day of S's
 * month, $5 the first day of E's month. Sums before a day X are the months before X's month
 * (report_monthly) and the days of X's month before X (report_daily): `e` marks what is before E,
 * `s` what is before S. Events in the period are (before E) - (before S); the states at the end
 * are the `*_delta` sums before E; carried over is `open_delta` before S. A period of whole months
 * reads no daily row at all (`$2 <= $3` is always true: it only gives $2 and $3 their type then).
 */
export function rollupSql(perspective: SqlReportOptions['perspective'], edges: { start: boolean; end: boolean }): string {
  const unit = perspective === 'receiving' ? 'unit_code' : 'competent_unit_code';
  const days = [edges.start && 'day >= $4 AND day < $2', edges.end && 'day >= $5 AND day < $3'].filter(Boolean);
  const cols = ROLLUP_COLUMNS.join(', ');
  return `
SELECT unit_code, day_minutes,
  ${ROLLUP_COLUMNS.map((c) =>
    isDelta(c)
      ? `COALESCE(sum(${c}) FILTER (WHERE e), 0)::bigint AS ${c}`
      : `(COALESCE(sum(${c}) FILTER (WHERE e), 0) - COALESCE(sum(${c}) FILTER (WHERE s), 0))::bigint AS ${c}`,
  ).join(',\n  ')},
  COALESCE(sum(open_delta) FILTER (WHERE s), 0)::bigint AS carried_over
FROM (
  SELECT ${unit} AS unit_code, day_minutes, true AS e, month < $4 AS s, ${cols}
  FROM report_monthly WHERE ${unit} = ANY($1::text[]) AND month < $5 AND $2::int <= $3::int${
    days.length > 0
      ? `
  UNION ALL
  SELECT ${unit}, day_minutes, day >= $5 AND day < $3, day >= $4 AND day < $2, ${cols}
  FROM report_daily WHERE ${unit} = ANY($1::text[]) AND (${days.join(' OR ')})`
      : ''
  }
) r
GROUP BY 1, 2`;
}

type RollupRow = Record<RollupColumn | 'carried_over' | 'day_minutes', string | number> & { unit_code: string };

/** The report counts of one roll-up row (see ReportCounts and reportSql's categories). */
function countsOf(r: Record<RollupColumn | 'carried_over', number>): ReportCounts {
  return {
    newInPeriod: r.new_direct + r.new_online + r.new_postal + r.new_other,
    carriedOver: r.carried_over,
    direct: r.new_direct,
    online: r.new_online,
    postal: r.new_postal,
    early: r.early,
    onTime: r.on_time,
    late: r.late,
    withinTime: r.open_delta - r.overdue_delta,
    overdue: r.overdue_delta,
    withdrawn: r.withdrawn,
    apologiesRequired: r.late + r.overdue_delta,
    apologiesIssued: r.late_apology + r.overdue_apology_delta,
    apologiesIssuedInTime: r.late_apology_in_time + r.overdue_apology_in_time_delta,
    satisfied: r.satisfied,
    neutral: r.neutral,
    dissatisfied: r.dissatisfied,
    pendingOutside: r.outside_delta,
  };
}

/**
 * The report (counts and rows, as `queryReport` makes them) and the indicator table (as
 * `queryIndicatorTable`) read from the roll-up. Only where `rollupAnswers` says so.
 */
export async function queryRollup(db: SqlExecutor, o: SqlReportOptions, p: ReportPeriod): Promise<{ report: Report; table: IndicatorTable }> {
  const days = rollupDays(p);
  if (!days || !rollupAnswers(o, p)) throw new Error('the daily roll-up cannot answer this report (another zone, a campaign, or rows by field or procedure)');
  const [startMonth, endMonth] = [monthOf(days.start), monthOf(days.end)];
  const { rows } = await db.query<RollupRow>(rollupSql(o.perspective, { start: startMonth !== days.start, end: endMonth !== days.end }), [
    [...o.units],
    days.start,
    days.end,
    startMonth,
    endMonth,
  ]);
  const unitKey = o.groupBy === 'unit' ? unitRowOf(o.unitCode, o.parentOf ?? (() => undefined), o.unitName ?? ((c) => c)) : undefined;
  const byUnit = new Map<string, { counts: ReportCounts; tally: ReturnType<typeof emptyTally> }>();
  for (const raw of rows) {
    const r = Object.fromEntries([...ROLLUP_COLUMNS, 'carried_over'].map((c) => [c, Number(raw[c as RollupColumn])])) as Record<
      RollupColumn | 'carried_over',
      number
    >;
    const tally = emptyTally();
    tally.counts = {
      returned: r.returned,
      awaitingCollection: r.awaiting_delta,
      refusedAtReception: r.refused,
      supplementRequestsLate: r.supplement_late,
      digitised: r.digitised,
      feeDue: r.fee_due,
      feePaidOnline: r.fee_paid_online,
      electronicResults: r.electronic,
      processingMeasured: r.processing_measured,
    };
    const dayMinutes = Number(raw.day_minutes);
    if (dayMinutes >= 0 && r.processing_measured > 0) tally.processing.set(dayMinutes, r.processing_minutes);
    const u = byUnit.get(raw.unit_code) ?? { counts: emptyCounts(), tally: emptyTally() };
    u.counts = addCounts(u.counts, countsOf(r));
    addTally(u.tally, tally);
    byUnit.set(raw.unit_code, u);
  }
  let total = emptyCounts();
  const reportRows = new Map<string, { key: RowKey; counts: ReportCounts }>();
  const table: IndicatorTable = { total: emptyTally(), rows: new Map() };
  for (const [unitCode, u] of byUnit) {
    const key = unitKey?.({ unitCode });
    // a unit counts in the report when one of its dossiers is in the population or rated in the
    // period, in the indicators when one of their counts is not zero (as the row queries skip them)
    if (Object.values(u.counts).some((n) => n !== 0)) {
      total = addCounts(total, u.counts);
      if (key) {
        const row = reportRows.get(key.key) ?? { key, counts: emptyCounts() };
        row.counts = addCounts(row.counts, u.counts);
        reportRows.set(key.key, row);
      }
    }
    if (INDICATOR_COUNT_KEYS.some((k) => u.tally.counts[k] !== 0)) {
      addTally(table.total, u.tally);
      if (key) {
        const row = table.rows.get(key.key) ?? { key, tally: emptyTally() };
        addTally(row.tally, u.tally);
        table.rows.set(key.key, row);
      }
    }
  }
  return { report: assembleReport(o.unitCode, p, total, [...reportRows.values()]), table };
}
