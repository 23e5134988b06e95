/**
 * The official report (Biểu 06/VPCP/KSTT; api-v1 "The report"), computed from dossier facts.
 * Pure and framework-free: the SQL version (libs/projections read-models/dossier-report.ts)
 * counts the same things in the database and shares `reportBlocks` for the rates.
 *
 * Period: `from`/`to` are local dates, both inclusive, in `timeZone` (default Asia/Ho_Chi_Minh):
 * the period is the half-open instant range [start of `from`, start of the day after `to`).
 * "At the start of `from`" / "at the end of `to`" mean: taking into account every event whose
 * business time is strictly before that instant.
 */
import { addDays, DEFAULT_TIME_ZONE, instantAt, isLocalDate, type Channel, type LocalDate } from '@motcua/domain';
import type { ClockEntry, DossierFacts } from './dossier-facts';
import type { Indicators } from './indicators';
import type { LevelSubtotal } from './report-extras';

/** What the report counts; every block and rate derives from these. */
export interface ReportCounts {
  newInPeriod: number;
  carriedOver: number;
  direct: number;
  online: number;
  postal: number;
  early: number;
  onTime: number;
  late: number;
  withinTime: number;
  overdue: number;
  withdrawn: number;
  apologiesRequired: number;
  apologiesIssued: number;
  apologiesIssuedInTime: number;
  satisfied: number;
  neutral: number;
  dissatisfied: number;
  /** Pending at the end of the period and held by another agency then (an open liên thông transfer). */
  pendingOutside: number;
}

export const REPORT_COUNT_KEYS = [
  'newInPeriod',
  'carriedOver',
  'direct',
  'online',
  'postal',
  'early',
  'onTime',
  'late',
  'withinTime',
  'overdue',
  'withdrawn',
  'apologiesRequired',
  'apologiesIssued',
  'apologiesIssuedInTime',
  'satisfied',
  'neutral',
  'dissatisfied',
  'pendingOutside',
] as const satisfies readonly (keyof ReportCounts)[];

export function emptyCounts(): ReportCounts {
  return Object.fromEntries(REPORT_COUNT_KEYS.map((k) => [k, 0])) as unknown as ReportCounts;
}

export function addCounts(a: ReportCounts, b: ReportCounts): ReportCounts {
  return Object.fromEntries(REPORT_COUNT_KEYS.map((k) => [k, a[k] + b[k]])) as unknown as ReportCounts;
}

export interface ReportBlocks {
  received: { total: number; newInPeriod: number; carriedOver: number; byChannel: Record<Channel, number> };
  resolved: {
    total: number;
    early: number;
    onTime: number;
    late: number;
    rate: number | null;
    withinDeadlineRate: number | null;
    earlyRate: number | null;
    lateRate: number | null;
  };
  /** `inside`: held by the lead (competent) agency; `outside`: held by another agency (an open transfer). */
  pending: { total: number; withinTime: number; overdue: number; rate: number | null; inside: number; outside: number };
  withdrawn: number;
  apologies: { required: number; issued: number; issuedInTime: number; coverageRate: number | null };
  satisfaction: {
    responses: number;
    satisfied: number;
    neutral: number;
    dissatisfied: number;
    satisfiedRate: number | null;
    neutralRate: number | null;
    dissatisfiedRate: number | null;
  };
}

export interface ReportRow extends ReportBlocks {
  key: string;
  name: string;
  own?: true;
  /** QĐ 766 indicators (issue #18, ./indicators.ts); set by `withIndicators`. */
  indicators?: Indicators;
}

export interface Report extends ReportBlocks {
  unitCode: string;
  from: LocalDate;
  to: LocalDate;
  rows: ReportRow[];
  /** Set when the report counts only the dossiers received under this campaign window. */
  campaignId?: string;
  /** QĐ 766 indicators (issue #18, ./indicators.ts); set by `withIndicators`. */
  indicators?: Indicators;
  /** groupBy=unit, rows spanning levels: one subtotal per level (./report-extras.ts). */
  levelSubtotals?: LevelSubtotal[];
}

/**
 * `part / whole` as a percentage rounded half-up to 2 decimals; `null` when `whole` is 0.
 * Exact on integers (no floating-point drift at the .xx5 boundary).
 */
export function percent(part: number, whole: number): number | null {
  if (whole === 0) return null;
  return Math.floor((20000 * part + whole) / (2 * whole)) / 100;
}

export function reportBlocks(c: ReportCounts): ReportBlocks {
  const received = c.newInPeriod + c.carriedOver;
  const resolved = c.early + c.onTime + c.late;
  const pending = c.withinTime + c.overdue;
  const responses = c.satisfied + c.neutral + c.dissatisfied;
  return {
    received: { total: received, newInPeriod: c.newInPeriod, carriedOver: c.carriedOver, byChannel: { direct: c.direct, online: c.online, postal: c.postal } },
    resolved: {
      total: resolved,
      early: c.early,
      onTime: c.onTime,
      late: c.late,
      rate: percent(resolved, received),
      withinDeadlineRate: percent(c.early + c.onTime, resolved),
      earlyRate: percent(c.early, resolved),
      lateRate: percent(c.late, resolved),
    },
    pending: {
      total: pending,
      withinTime: c.withinTime,
      overdue: c.overdue,
      rate: percent(pending, received),
      inside: pending - c.pendingOutside,
      outside: c.pendingOutside,
    },
    withdrawn: c.withdrawn,
    apologies: {
      required: c.apologiesRequired,
      issued: c.apologiesIssued,
      issuedInTime: c.apologiesIssuedInTime,
      coverageRate: percent(c.apologiesIssued, c.apologiesRequired),
    },
    satisfaction: {
      responses,
      satisfied: c.satisfied,
      neutral: c.neutral,
      dissatisfied: c.dissatisfied,
      satisfiedRate: percent(c.satisfied, responses),
      neutralRate: percent(c.neutral, responses),
      dissatisfiedRate: percent(c.dissatisfied, responses),
    },
  };
}

export interface ReportPeriod {
  from: LocalDate;
  to: LocalDate;
  /** Start of `from` (inclusive), epoch ms. */
  startMs: number;
  /** Start of the day after `to` (exclusive), epoch ms. */
  endMs: number;
}

export class InvalidReportPeriod extends RangeError {
  constructor(
    readonly field: 'from' | 'to',
    message: string,
    readonly kind: 'malformed' | 'rule',
  ) {
    super(message);
    this.name = 'InvalidReportPeriod';
  }
}

export function reportPeriod(from: string, to: string, timeZone: string = DEFAULT_TIME_ZONE): ReportPeriod {
  if (!isLocalDate(from)) throw new InvalidReportPeriod('from', `from must be a date YYYY-MM-DD, got ${JSON.stringify(from)}`, 'malformed');
  if (!isLocalDate(to)) throw new InvalidReportPeriod('to', `to must be a date YYYY-MM-DD, got ${JSON.stringify(to)}`, 'malformed');
  if (from > to) throw new InvalidReportPeriod('to', `the period ends (${to}) before it starts (${from})`, 'rule');
  return {
    from,
    to,
    startMs: instantAt(from, '00:00', timeZone).getTime(),
    endMs: instantAt(addDays(to, 1), '00:00', timeZone).getTime(),
  };
}

/** The clock entry in force at `atMs`: the last one (by business time, then version) strictly before it. */
export function clockAt(clock: readonly ClockEntry[], atMs: number): ClockEntry | undefined {
  let best: ClockEntry | undefined;
  let bestAt = -Infinity;
  for (const e of clock) {
    const t = Date.parse(e.at);
    if (t >= atMs) continue;
    if (t > bestAt || (t === bestAt && best !== undefined && e.version > best.version)) {
      best = e;
      bestAt = t;
    }
  }
  return best;
}

const within = (iso: string | undefined, p: ReportPeriod) => {
  if (iso === undefined) return false;
  const t = Date.parse(iso);
  return t >= p.startMs && t < p.endMs;
};

/** Adds one dossier's contribution to `c` (mutates `c`). */
export function countDossier(c: ReportCounts, f: DossierFacts, p: ReportPeriod): void {
  if (within(f.ratedAt, p)) {
    if (f.rating === 'satisfied') c.satisfied++;
    else if (f.rating === 'neutral') c.neutral++;
    else if (f.rating === 'dissatisfied') c.dissatisfied++;
  }
  // refused at reception: never received, counts nowhere in Biểu 06
  if (f.refusedAt !== undefined) return;
  const received = Date.parse(f.receivedAt);
  const closed = f.resolvedAt ?? f.withdrawnAt;
  if (received >= p.endMs) return;
  if (closed !== undefined && Date.parse(closed) < p.startMs) return;
  if (received >= p.startMs) {
    c.newInPeriod++;
    c[f.channel]++;
  } else {
    c.carriedOver++;
  }
  let late = false;
  if (within(f.resolvedAt, p)) {
    if (f.timing === 'early') c.early++;
    else if (f.timing === 'on-time') c.onTime++;
    else {
      c.late++;
      late = true;
    }
  } else if (within(f.withdrawnAt, p)) {
    c.withdrawn++;
  } else {
    const entry = clockAt(f.clock, p.endMs);
    const overdue = entry !== undefined && !entry.stopped && p.endMs > Date.parse(entry.dueAt);
    if (overdue) {
      c.overdue++;
      late = true;
    } else {
      c.withinTime++;
    }
    if (transferOpenAt(f, p.endMs)) c.pendingOutside++;
  }
  if (late) {
    c.apologiesRequired++;
    if (f.apologyIssuedAt !== undefined && Date.parse(f.apologyIssuedAt) < p.endMs) {
      c.apologiesIssued++;
      if (f.apologyCutoffAt !== undefined && Date.parse(f.apologyIssuedAt) <= Date.parse(f.apologyCutoffAt)) c.apologiesIssuedInTime++;
    }
  }
}

/** True when a liên thông transfer of the dossier is open at `atMs` (sent strictly before, not back before). */
export function transferOpenAt(f: Pick<DossierFacts, 'transferOutAt' | 'transferBackAt'>, atMs: number): boolean {
  const out = f.transferOutAt ?? [];
  return out.some((o, i) => {
    const back = f.transferBackAt?.[i];
    return Date.parse(o) < atMs && (back === null || back === undefined || Date.parse(back) >= atMs);
  });
}

/** The unit a dossier counts under in a report: the competent unit (default) or the receiving one. */
export type ReportPerspective = 'competent' | 'receiving';

export function reportUnitOf(f: Pick<DossierFacts, 'unitCode' | 'competentUnitCode'>, perspective: ReportPerspective = 'competent'): string {
  return perspective === 'receiving' ? f.unitCode : (f.competentUnitCode ?? f.unitCode);
}

export interface RowKey {
  key: string;
  name: string;
  own?: true;
}

export interface ComputeReportOptions {
  /** The unit the report is about (echoed). */
  unitCode: string;
  /** Units whose dossiers count: usually the unit's subtree. */
  units: Iterable<string>;
  from: LocalDate;
  to: LocalDate;
  timeZone?: string;
  /** Row of a dossier (undefined: in no row). Without it, `rows` is empty. */
  rowOf?: (f: DossierFacts) => RowKey | undefined;
  /** Which unit a dossier counts under (default competent). */
  perspective?: ReportPerspective;
}

/** The report over `facts` (any superset of the units' dossiers). */
export function computeReport(facts: Iterable<DossierFacts>, o: ComputeReportOptions): Report {
  const p = reportPeriod(o.from, o.to, o.timeZone);
  const units = new Set(o.units);
  const total = emptyCounts();
  const rows = new Map<string, { key: RowKey; counts: ReportCounts }>();
  for (const f of facts) {
    if (!units.has(reportUnitOf(f, o.perspective))) continue;
    const one = emptyCounts();
    countDossier(one, f, p);
    if (REPORT_COUNT_KEYS.every((k) => one[k] === 0)) continue;
    Object.assign(total, addCounts(total, one));
    const unit = reportUnitOf(f, o.perspective);
    // rows follow the unit the dossier counts under
    const key = o.rowOf?.(unit === f.unitCode ? f : { ...f, unitCode: unit });
    if (!key) continue;
    const row = rows.get(key.key) ?? { key, counts: emptyCounts() };
    row.counts = addCounts(row.counts, one);
    rows.set(key.key, row);
  }
  return assembleReport(o.unitCode, p, total, [...rows.values()]);
}

export function assembleReport(unitCode: string, p: ReportPeriod, total: ReportCounts, rows: { key: RowKey; counts: ReportCounts }[]): Report {
  return {
    unitCode,
    from: p.from,
    to: p.to,
    ...reportBlocks(total),
    rows: rows
      .slice()
      .sort((a, b) => (a.key.own === b.key.own ? (a.key.key < b.key.key ? -1 : a.key.key > b.key.key ? 1 : 0) : a.key.own ? -1 : 1))
      .map((r) => ({ key: r.key.key, name: r.key.name, ...(r.key.own ? { own: true as const } : {}), ...reportBlocks(r.counts) })),
  };
}

/** Row keys for `groupBy=unit`: each direct child of `root` covers its subtree; `root`'s own dossiers get an `own` row. */
export function unitRowOf(
  root: string,
  parentOf: (code: string) => string | undefined,
  nameOf: (code: string) => string,
): (f: Pick<DossierFacts, 'unitCode'>) => RowKey | undefined {
  const cache = new Map<string, RowKey | undefined>();
  return (f) => {
    if (cache.has(f.unitCode)) return cache.get(f.unitCode);
    let key: RowKey | undefined;
    if (f.unitCode === root) key = { key: root, name: nameOf(root), own: true };
    else {
      const seen = new Set<string>();
      let cur: string | undefined = f.unitCode;
      while (cur !== undefined && !seen.has(cur)) {
        seen.add(cur);
        const parent = parentOf(cur);
        if (parent === root) {
          key = { key: cur, name: nameOf(cur) };
          break;
        }
        cur = parent;
      }
    }
    cache.set(f.unitCode, key);
    return key;
  };
}
