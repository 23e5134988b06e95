/**
 * QĐ 766/QĐ-TTg indicators on the report (issue #18; api-v1 "Indicators and exports"; formulas in
 * docs/report-indicators.md). Pure and framework-free like `report.ts`: the SQL version
 * (libs/projections read-models/dossier-indicators.ts) counts the same tallies in the database.
 * The rates that Biểu 06 already counts (online share, early-or-on-time rate) come from the row's
 * own blocks, so they can never disagree with the table.
 */
import type { DossierFacts } from './dossier-facts';
import {
  emptyCounts,
  percent,
  reportBlocks,
  reportPeriod,
  reportUnitOf,
  type ComputeReportOptions,
  type Report,
  type ReportPeriod,
  type ReportRow,
  type RowKey,
} from './report';

/** What the indicators count besides the Biểu 06 counts. */
export interface IndicatorCounts {
  returned: number;
  awaitingCollection: number;
  refusedAtReception: number;
  supplementRequestsLate: number;
  digitised: number;
  feeDue: number;
  feePaidOnline: number;
  electronicResults: number;
  /** Dossiers resolved in the period whose processing time is known (the mean's denominator). */
  processingMeasured: number;
}

export const INDICATOR_COUNT_KEYS = [
  'returned',
  'awaitingCollection',
  'refusedAtReception',
  'supplementRequestsLate',
  'digitised',
  'feeDue',
  'feePaidOnline',
  'electronicResults',
  'processingMeasured',
] as const satisfies readonly (keyof IndicatorCounts)[];

/** The counts, and the processing minutes summed per length of the working day (minutes): exact means. */
export interface IndicatorTally {
  counts: IndicatorCounts;
  /** working-day minutes → sum of processing working minutes. */
  processing: Map<number, number>;
}

export interface Indicators {
  /** Mean working days from reception (or the last supplement's arrival) to resolution, pauses left out; one decimal, half up. */
  averageProcessingWorkingDays: number | null;
  /** online ÷ newInPeriod (percent). */
  onlineShare: number | null;
  /** (early + onTime) ÷ resolved (percent). */
  earlyOrOnTimeRate: number | null;
  returned: number;
  awaitingCollection: number;
  refusedAtReception: number;
  supplementRequestsLate: number;
  /* additive (issue #18 step 2) */
  processingMeasured: number;
  digitised: number;
  digitisedShare: number | null;
  electronicResults: number;
  electronicResultShare: number | null;
  feeDue: number;
  feePaidOnline: number;
  feePaidOnlineShare: number | null;
}

export function emptyTally(): IndicatorTally {
  return { counts: Object.fromEntries(INDICATOR_COUNT_KEYS.map((k) => [k, 0])) as unknown as IndicatorCounts, processing: new Map() };
}

export function addTally(into: IndicatorTally, t: IndicatorTally): void {
  for (const k of INDICATOR_COUNT_KEYS) into.counts[k] += t.counts[k];
  for (const [d, m] of t.processing) into.processing.set(d, (into.processing.get(d) ?? 0) + m);
}

const isEmptyTally = (t: IndicatorTally) => INDICATOR_COUNT_KEYS.every((k) => t.counts[k] === 0) && t.processing.size === 0;

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/**
 * Σ_d (minutes_d ÷ d) ÷ n in working days, rounded half up to one decimal, exactly (integers over a
 * common denominator: no floating-point drift at the .x5 boundary); null when n is 0.
 */
export function meanWorkingDays(processing: ReadonlyMap<number, number>, n: number): number | null {
  if (n === 0) return null;
  let lcm = 1;
  for (const d of processing.keys()) if (d > 0) lcm = (lcm / gcd(lcm, d)) * d;
  let num = 0;
  for (const [d, m] of processing) if (d > 0) num += m * (lcm / d);
  const den = lcm * n;
  return Math.floor((20 * num + den) / (2 * den)) / 10;
}

const within = (iso: string | undefined, p: ReportPeriod) => {
  if (iso === undefined) return false;
  const t = Date.parse(iso);
  return t >= p.startMs && t < p.endMs;
};

/** Adds one dossier's contribution to `t` (mutates `t`). */
export function tallyDossier(t: IndicatorTally, f: DossierFacts, p: ReportPeriod): void {
  const c = t.counts;
  if (f.refusedAt !== undefined) {
    if (within(f.refusedAt, p)) c.refusedAtReception++;
    return;
  }
  for (const at of f.supplementLateAt ?? []) if (within(at, p)) c.supplementRequestsLate++;
  if (within(f.receivedAt, p)) {
    if (f.digitised) c.digitised++;
    if (f.feeDue) {
      c.feeDue++;
      if (f.feePaidOnline) c.feePaidOnline++;
    }
  }
  if (within(f.returnedAt, p)) c.returned++;
  if (f.resolvedAt !== undefined && Date.parse(f.resolvedAt) < p.endMs && (f.returnedAt === undefined || Date.parse(f.returnedAt) >= p.endMs))
    c.awaitingCollection++;
  if (within(f.resolvedAt, p)) {
    if (f.electronicResult) c.electronicResults++;
    if (f.processingWorkingMinutes !== undefined && f.workingDayMinutes !== undefined) {
      c.processingMeasured++;
      t.processing.set(f.workingDayMinutes, (t.processing.get(f.workingDayMinutes) ?? 0) + f.processingWorkingMinutes);
    }
  }
}

/** The indicators of a row (or the total) from its Biểu 06 blocks and its tally. */
export function indicatorsOf(blocks: Pick<ReportRow, 'received' | 'resolved'>, t: IndicatorTally): Indicators {
  const c = t.counts;
  return {
    averageProcessingWorkingDays: meanWorkingDays(t.processing, c.processingMeasured),
    onlineShare: percent(blocks.received.byChannel.online, blocks.received.newInPeriod),
    earlyOrOnTimeRate: percent(blocks.resolved.early + blocks.resolved.onTime, blocks.resolved.total),
    returned: c.returned,
    awaitingCollection: c.awaitingCollection,
    refusedAtReception: c.refusedAtReception,
    supplementRequestsLate: c.supplementRequestsLate,
    processingMeasured: c.processingMeasured,
    digitised: c.digitised,
    digitisedShare: percent(c.digitised, blocks.received.newInPeriod),
    electronicResults: c.electronicResults,
    electronicResultShare: percent(c.electronicResults, blocks.resolved.total),
    feeDue: c.feeDue,
    feePaidOnline: c.feePaidOnline,
    feePaidOnlineShare: percent(c.feePaidOnline, c.feeDue),
  };
}

/** Tallies of the total and of each row (keys as the report's rows). */
export interface IndicatorTable {
  total: IndicatorTally;
  rows: Map<string, { key: RowKey; tally: IndicatorTally }>;
}

/** The indicator tallies over `facts` (any superset of the units' dossiers), rows as `computeReport`'s. */
export function computeIndicatorTable(facts: Iterable<DossierFacts>, o: ComputeReportOptions): IndicatorTable {
  const p = reportPeriod(o.from, o.to, o.timeZone);
  const units = new Set(o.units);
  const table: IndicatorTable = { total: emptyTally(), rows: new Map() };
  for (const f of facts) {
    // the unit the dossier counts under, as in computeReport (issue #16's perspective)
    const unit = reportUnitOf(f, o.perspective);
    if (!units.has(unit)) continue;
    const one = emptyTally();
    tallyDossier(one, f, p);
    if (isEmptyTally(one)) continue;
    addTally(table.total, one);
    const key = o.rowOf?.(unit === f.unitCode ? f : { ...f, unitCode: unit });
    if (!key) continue;
    const row = table.rows.get(key.key) ?? { key, tally: emptyTally() };
    addTally(row.tally, one);
    table.rows.set(key.key, row);
  }
  return table;
}

/**
 * The report with `indicators` on the total and on every row. A group with indicators but nothing
 * in Biểu 06 (e.g. only refusals at reception) gets a row of zeros, sorted like the others.
 */
export function withIndicators(report: Report, table: IndicatorTable): Report {
  const zero = reportBlocks(emptyCounts());
  const rows: ReportRow[] = report.rows.map((r) => ({ ...r, indicators: indicatorsOf(r, table.rows.get(r.key)?.tally ?? emptyTally()) }));
  const known = new Set(report.rows.map((r) => r.key));
  for (const [k, { key, tally }] of table.rows) {
    if (known.has(k)) continue;
    rows.push({ key: key.key, name: key.name, ...(key.own ? { own: true as const } : {}), ...zero, indicators: indicatorsOf(zero, tally) });
  }
  rows.sort((a, b) => (!!a.own === !!b.own ? (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) : a.own ? -1 : 1));
  return { ...report, indicators: indicatorsOf(report, table.total), rows };
}
