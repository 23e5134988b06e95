/**
 * Issue #18: subtotals by level for `groupBy=unit` (Biểu 06 "rows by unit, with subtotals by
 * level") and the period presets (`period=2026-11`, `2026-Q4`, `2026`) with the reporting
 * cut-off of Nghị định 09/2019/NĐ-CP (`cutoff=nd09`: from the 15th of the previous month to the
 * 14th). Pure.
 */
import { addDays, type LocalDate } from '@motcua/domain';
import { addTally, emptyTally, indicatorsOf, type IndicatorTable, type Indicators } from './indicators';
import { addCounts, emptyCounts, reportBlocks, type Report, type ReportBlocks, type ReportCounts } from './report';

export type UnitLevel = 'province' | 'district' | 'commune';

/** Display names of the level subtotals (Biểu 06 "Cấp tỉnh / Cấp huyện / Cấp xã"). */
export const LEVEL_NAMES: Record<UnitLevel, string> = {
  province: 'Cộng cấp tỉnh (sở, ban, ngành)',
  district: 'Cộng cấp huyện',
  commune: 'Cộng cấp xã',
};
const LEVEL_ORDER: UnitLevel[] = ['province', 'district', 'commune'];

export interface LevelSubtotal extends ReportBlocks {
  level: UnitLevel;
  name: string;
  /** The row keys it adds up. */
  keys: string[];
  indicators?: Indicators;
}

/** The counts a block was made of (every count is in the blocks). */
export function countsOfBlocks(b: ReportBlocks): ReportCounts {
  return {
    newInPeriod: b.received.newInPeriod,
    carriedOver: b.received.carriedOver,
    direct: b.received.byChannel.direct,
    online: b.received.byChannel.online,
    postal: b.received.byChannel.postal,
    early: b.resolved.early,
    onTime: b.resolved.onTime,
    late: b.resolved.late,
    withinTime: b.pending.withinTime,
    overdue: b.pending.overdue,
    withdrawn: b.withdrawn,
    apologiesRequired: b.apologies.required,
    apologiesIssued: b.apologies.issued,
    apologiesIssuedInTime: b.apologies.issuedInTime,
    satisfied: b.satisfaction.satisfied,
    neutral: b.satisfaction.neutral,
    dissatisfied: b.satisfaction.dissatisfied,
    pendingOutside: b.pending.outside,
  };
}

/**
 * One subtotal per level among the rows, in the order province, district, commune, when the rows
 * span at least two levels (else none). A row's level is its unit's (`levelOf`); a row of unknown
 * level is in no subtotal. Indicators from the rows' tallies (exact means) when `table` is given.
 */
export function levelSubtotals(report: Report, levelOf: (code: string) => UnitLevel | undefined, table?: IndicatorTable): LevelSubtotal[] {
  const byLevel = new Map<UnitLevel, string[]>();
  for (const r of report.rows) {
    const level = levelOf(r.key);
    if (level) byLevel.set(level, [...(byLevel.get(level) ?? []), r.key]);
  }
  if (byLevel.size < 2) return [];
  const rows = new Map(report.rows.map((r) => [r.key, r]));
  return LEVEL_ORDER.filter((l) => byLevel.has(l)).map((level) => {
    const keys = byLevel.get(level)!;
    let counts = emptyCounts();
    const tally = emptyTally();
    for (const k of keys) {
      counts = addCounts(counts, countsOfBlocks(rows.get(k)!));
      const t = table?.rows.get(k)?.tally;
      if (t) addTally(tally, t);
    }
    const blocks = reportBlocks(counts);
    return { level, name: LEVEL_NAMES[level], keys, ...blocks, ...(table && { indicators: indicatorsOf(blocks, tally) }) };
  });
}

export class InvalidPeriodPreset extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidPeriodPreset';
  }
}

export type ReportCutoff = 'calendar' | 'nd09';

const pad = (n: number) => String(n).padStart(2, '0');
const lastDay = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

/**
 * The dates of a period preset: `YYYY-MM` (a month), `YYYY-Qn` (a quarter), `YYYY` (a year).
 * `calendar`: the calendar month / quarter / year. `nd09` (Nghị định 09/2019/NĐ-CP, Art. 12: the
 * reporting period closes on the 14th): from the 15th of the month before the first month to the
 * 14th of the last month (e.g. 2026-11 → 2026-10-15 … 2026-11-14; 2026 → 2025-12-15 … 2026-12-14).
 */
export function presetPeriod(period: string, cutoff: ReportCutoff = 'calendar'): { from: LocalDate; to: LocalDate } {
  const m = /^(\d{4})(?:-(0[1-9]|1[0-2])|-Q([1-4]))?$/.exec(period);
  if (!m) throw new InvalidPeriodPreset(`period must be YYYY, YYYY-MM or YYYY-Qn, got ${JSON.stringify(period)}`);
  const year = Number(m[1]);
  if (year < 1900 || year > 2999) throw new InvalidPeriodPreset(`period year out of range: ${year}`);
  const [first, last] = m[2] ? [Number(m[2]), Number(m[2])] : m[3] ? [Number(m[3]) * 3 - 2, Number(m[3]) * 3] : [1, 12];
  if (cutoff === 'nd09') {
    const to = `${year}-${pad(last)}-14`;
    const from = addDays(`${year}-${pad(first)}-15`, -lastDay(first === 1 ? year - 1 : year, first === 1 ? 12 : first - 1));
    return { from, to };
  }
  return { from: `${year}-${pad(first)}-01`, to: `${year}-${pad(last)}-${pad(lastDay(year, last))}` };
}
