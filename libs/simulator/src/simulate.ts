/**
 * A year of dossiers for a made-up province, as NDJSON command lines for `POST /imports`, in time
 * order. Seeded: the same options give byte-identical output.
 *
 * Per dossier (rates are targets, measured over the whole output): reception during office hours
 * (online ones also evenings and early mornings) with a channel mix of ~45 % online, ~50 % direct,
 * ~5 % postal; assignment minutes to hours later; a supplement request for ~8 % (within 3 working
 * days, the complete dossier back 1 hour to 8 working days later, the clock restarting); ~2 %
 * withdrawn; ~6.5 % of the resolutions late, most of them with an apology (in time for ~90 % of
 * those); the rest resolved early or on time; ~3 % refusals; ~60 % of resolved dossiers rated,
 * ~98 % of the ratings satisfied. Commands after the end of the year are left out (the dossier is
 * still open then: it carries over).
 */
import {
  addWorkingTime,
  apologyCutoff,
  computeDueAt,
  createWorkingTimeContext,
  defaultCalendarSource,
  isWorkingDay,
  workingMinutesBetween,
  timingClass,
  type Channel,
  type ProcessingTime,
  type WorkingTimeContext,
} from '@motcua/domain';
import { procedureCatalogue, type SimProcedure } from './catalogue';
import { applicant, APOLOGY_REASONS, department, personName, REFUSAL_NOTES, SUPPLEMENT_REASONS, WITHDRAW_REASONS } from './people';
import { generateProvince, PROVINCE_CODE, REFORM_DATE, unitPutBody, type Province, type SimUnit, type UnitPutBody } from './province';
import { cumulative, Rng } from './rng';

export interface SimulationOptions {
  seed?: number;
  year?: number;
  /** Dossiers received over the period (default 100,000). */
  dossiers?: number;
  /** First and last month (1–12) of receptions; default the whole year. */
  months?: [number, number];
  /** Only this unit and its descendants (e.g. one district). */
  scope?: string;
  /**
   * Receptions from this local day to that one (`YYYY-MM-DD`, inclusive) instead of `year`/`months`,
   * e.g. the last 60 days for a demo.
   */
  period?: { from: string; to: string };
  /** Commands after this instant are left out (the dossier is still open then); default the end of the year (or of `period.to`'s year). */
  until?: Date;
  /** Called once per simulated day with the dossiers received so far. */
  onProgress?: (received: number, total: number) => void;
  /**
   * A campaign window (api-v1 "Campaign windows"), as Tân Bình's November 2021: its receptions are
   * a wave (`wave` times the usual per working day) and its procedures are resolved within the
   * shorter time, none late. `referenceData().campaigns` holds the `PUT /campaigns/{id}` body.
   */
  campaign?: CampaignOption;
}

export interface CampaignOption {
  id: string;
  name?: string;
  /** The unit (with its descendants) the campaign is for, e.g. a district. */
  unitCode: string;
  /** Local dates, inclusive. */
  from: string;
  to: string;
  /** Default: every procedure of 1–3 working days received at the unit's levels. */
  procedureCodes?: string[];
  /** Default: one half-day ("giải quyết ngay trong ngày"). */
  processingTime?: ProcessingTime;
  /** Receptions per working day inside the window, relative to the usual (default 1.5). */
  wave?: number;
}

export interface CampaignPutBody {
  id: string;
  name: string;
  unitCodes: string[];
  from: string;
  to: string;
  procedures: { procedureCode: string; processingTime: ProcessingTime }[];
}

export interface SimulationStats {
  dossiers: number;
  lines: number;
  byChannel: Record<Channel, number>;
  supplements: number;
  withdrawn: number;
  resolved: number;
  late: number;
  apologies: number;
  apologiesInTime: number;
  refused: number;
  rated: number;
  satisfied: number;
  /** Dossiers with a step after the end of the year (left out: they carry over). */
  openAtEnd: number;
  /** Dossiers received under the campaign (its units, procedures and dates). */
  campaign: number;
  /** Of those, resolved before their due day (early) and on the due day (on time). */
  campaignEarly: number;
  campaignOnTime: number;
  /** Liên thông (issue #16): dossiers handed to a province agency (back before the resolution), and of those, back after the agency's due time. */
  transfers: number;
  transfersLate: number;
}

export interface ReferenceData {
  units: (UnitPutBody & { code: string })[];
  /**
   * The 2025 merge through the API (issue #16): `POST /units/{code}/succession` for each old commune
   * listed, after the units (its new commune also names it in `predecessors`).
   */
  successions: { code: string; successorCode: string; effectiveDate: string }[];
  procedures: { code: string; name: string; field: string; processingTime: SimProcedure['processingTime']; onlineLevel: SimProcedure['onlineLevel'] }[];
  /** The campaign window, if the simulation has one (define it before importing the dossiers). */
  campaigns: CampaignPutBody[];
}

export interface Simulation {
  options: Required<Omit<SimulationOptions, 'onProgress' | 'scope' | 'period' | 'until' | 'campaign'>> &
    Pick<SimulationOptions, 'scope' | 'period' | 'until' | 'campaign'>;
  province: Province;
  procedures: SimProcedure[];
  /** Units (parents first) and procedures, as the bodies of `PUT /units/{code}` and `PUT /procedures/{code}`. */
  referenceData(): ReferenceData;
  /** The NDJSON lines (without newline), in time order; stats are complete once iterated. */
  lines(): Generator<string>;
  stats: SimulationStats;
}

/** What a province agency is asked for in a liên thông hand-off. */
const TRANSFER_TASKS = ['Xác nhận nghĩa vụ tài chính', 'Thẩm định hồ sơ', 'Xác minh thông tin', 'Cho ý kiến chuyên môn'];

const TARGET = {
  /** Of the dossiers resolved in time without a supplement: handed to a province agency and back. */
  transfer: 0.06,
  online: 0.45,
  postal: 0.05,
  supplementEligible: 0.138, // of dossiers whose procedure takes half a day or more (→ ~8 % overall)
  withdraw: 0.02,
  late: 0.065,
  apology: 0.85,
  apologyInTime: 0.9,
  refused: 0.03,
  rated: 0.6,
  satisfied: 0.98,
  neutral: 0.015,
};

const MIN = 60_000;
const HOUR = 60 * MIN;
const TZ_OFFSET = 7 * HOUR; // Asia/Ho_Chi_Minh, no DST
const sec = (t: number) => Math.floor(t / 1000) * 1000;

/** `2025-03-04T08:15:00+07:00`. */
export function isoLocal(t: number): string {
  return new Date(t + TZ_OFFSET).toISOString().slice(0, 19) + '+07:00';
}

function localDate(epochDay: number): string {
  return new Date(epochDay * 86_400_000).toISOString().slice(0, 10);
}

/** Local midnight of a UTC-epoch day number, as an instant. */
function midnight(epochDay: number): number {
  return epochDay * 86_400_000 - TZ_OFFSET;
}

interface Item {
  t: number;
  s: number;
  line: string;
}

/** Min-heap on (t, s). */
class Heap {
  private a: Item[] = [];
  get size(): number {
    return this.a.length;
  }
  peek(): Item | undefined {
    return this.a[0];
  }
  private less(x: Item, y: Item): boolean {
    return x.t < y.t || (x.t === y.t && x.s < y.s);
  }
  push(item: Item): void {
    const a = this.a;
    a.push(item);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(a[i], a[p])) break;
      [a[i], a[p]] = [a[p], a[i]];
      i = p;
    }
  }
  pop(): Item | undefined {
    const a = this.a;
    if (!a.length) return undefined;
    const top = a[0];
    const last = a.pop()!;
    if (a.length) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.less(a[l], a[m])) m = l;
        if (r < a.length && this.less(a[r], a[m])) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m], a[i]];
        i = m;
      }
    }
    return top;
  }
}

/** Share of receptions by level of unit (before / after the two-tier reform). */
const LEVEL_SHARE_BEFORE = { province: 0.1, district: 0.3, commune: 0.6 };
const LEVEL_SHARE_AFTER = { province: 0.15, district: 0, commune: 0.85 };

interface Era {
  units: SimUnit[];
  unitCum: number[];
  /** Procedures each unit may receive, by channel (cumulative weights alongside). */
  procs: Map<string, { list: SimProcedure[]; cum: number[] }>;
}

export function simulate(options: SimulationOptions = {}): Simulation {
  const opts = {
    seed: options.seed ?? 42,
    year: options.year ?? 2025,
    dossiers: options.dossiers ?? 100_000,
    months: options.months ?? ([1, 12] as [number, number]),
    scope: options.scope,
    period: options.period,
    until: options.until,
    campaign: options.campaign,
  };
  const day = (d: string, name: string) => {
    const t = /^\d{4}-\d{2}-\d{2}$/.test(d) ? Date.parse(`${d}T00:00:00Z`) : NaN;
    if (Number.isNaN(t)) throw new RangeError(`${name} "${d}" is not a date (YYYY-MM-DD)`);
    return t / 86_400_000;
  };
  const periodDays = opts.period ? [day(opts.period.from, 'period.from'), day(opts.period.to, 'period.to')] : undefined;
  if (periodDays && periodDays[0] > periodDays[1]) throw new RangeError(`period ${opts.period!.from}…${opts.period!.to} ends before it starts`);
  if (periodDays) opts.year = new Date(periodDays[1] * 86_400_000).getUTCFullYear();
  if (!Number.isInteger(opts.year) || opts.year < 2000 || opts.year > 2100) throw new RangeError(`year ${opts.year} out of range`);
  const [m1, m2] = opts.months;
  if (!(m1 >= 1 && m2 <= 12 && m1 <= m2)) throw new RangeError(`months ${m1}–${m2} out of range`);
  const province = generateProvince(new Rng(opts.seed));
  const procedures = procedureCatalogue();
  const inScope = (u: SimUnit): boolean => {
    if (!opts.scope) return true;
    for (let x: SimUnit | undefined = u; x; x = province.all.find((p) => p.code === x!.parentCode)) if (x.code === opts.scope) return true;
    return false;
  };
  if (opts.scope && !province.all.some((u) => u.code === opts.scope)) throw new RangeError(`unknown unit ${opts.scope} (see the reference data)`);

  const stats: SimulationStats = {
    dossiers: 0,
    lines: 0,
    byChannel: { online: 0, direct: 0, postal: 0 },
    supplements: 0,
    withdrawn: 0,
    resolved: 0,
    late: 0,
    apologies: 0,
    apologiesInTime: 0,
    refused: 0,
    rated: 0,
    satisfied: 0,
    openAtEnd: 0,
    campaign: 0,
    campaignEarly: 0,
    campaignOnTime: 0,
    transfers: 0,
    transfersLate: 0,
  };

  // the campaign window: its units (the unit and its descendants), procedures and days
  const campaign = opts.campaign ? campaignPlan(opts.campaign, province, procedures, day) : undefined;

  function era(after: boolean): Era {
    const share = after ? LEVEL_SHARE_AFTER : LEVEL_SHARE_BEFORE;
    const candidates = province.all.filter((u) => inScope(u) && (after ? !u.validTo : !u.validFrom) && share[u.level] > 0);
    const levelWeight = (lvl: SimUnit['level']) => candidates.filter((u) => u.level === lvl).reduce((s, u) => s + u.weight, 0);
    const totals = { province: levelWeight('province'), district: levelWeight('district'), commune: levelWeight('commune') };
    const units = candidates;
    const unitCum = cumulative(units.map((u) => (share[u.level] * u.weight) / totals[u.level]));
    const procs = new Map<string, { list: SimProcedure[]; cum: number[] }>();
    for (const level of ['province', 'district', 'commune'] as const) {
      const levels = after && level === 'commune' ? ['commune', 'district'] : [level];
      for (const channel of ['online', 'direct', 'postal'] as const) {
        const list = procedures.filter(
          (p) =>
            levels.includes(p.level) && (channel !== 'online' || p.onlineLevel !== 'none') && (channel !== 'postal' || p.processingTime.unit === 'working_day'),
        );
        procs.set(`${level}/${channel}`, { list, cum: cumulative(list.map((p) => p.weight)) });
      }
    }
    return { units, unitCum, procs };
  }

  function* lines(): Generator<string> {
    const rng = new Rng((opts.seed ^ 0x5bd1e995) >>> 0);
    const ctx: WorkingTimeContext = createWorkingTimeContext();
    const eras = { before: era(false), after: era(true) };
    const reformDay = Date.parse(REFORM_DATE) / 86_400_000;
    const firstDay = periodDays ? periodDays[0] : Date.UTC(opts.year, m1 - 1, 1) / 86_400_000;
    const lastDay = periodDays ? periodDays[1] : Date.UTC(opts.year, m2, 1) / 86_400_000 - 1;
    const horizon = opts.until ? opts.until.getTime() : midnight(Date.UTC(opts.year + 1, 0, 1) / 86_400_000) - 1000;
    // receptions per working day: Monday busiest, make-up Saturdays quieter
    const days: { day: number; w: number }[] = [];
    for (let d = firstDay; d <= lastDay; d++) {
      const date = localDate(d);
      if (!isWorkingDay(defaultCalendarSource, date)) continue;
      const e = d >= reformDay ? eras.after : eras.before;
      if (!e.units.length) continue;
      const dow = new Date(d * 86_400_000).getUTCDay();
      const wave = campaign && d >= campaign.firstDay && d <= campaign.lastDay ? campaign.wave : 1;
      days.push({ day: d, w: (dow === 1 ? 1.15 : dow === 5 ? 0.95 : dow === 6 ? 0.6 : 1) * wave });
    }
    if (!days.length && opts.dossiers > 0) throw new RangeError('no working day with units in scope in that period');
    const totalW = days.reduce((s, d) => s + d.w, 0);
    const heap = new Heap();
    let seq = 0;
    let cumW = 0;
    let allocated = 0;
    const officers = new Map<string, { id: string; name: string }[]>();
    const officersOf = (u: SimUnit) => {
      let list = officers.get(u.code);
      if (!list) {
        const r = new Rng((opts.seed * 31 + [...u.code].reduce((h, c) => (h * 33 + c.charCodeAt(0)) >>> 0, 5381)) >>> 0);
        const n = u.level === 'commune' ? 6 : u.level === 'district' ? 18 : 30;
        list = Array.from({ length: n }, (_, k) => ({ id: `cb-${u.code}-${String(k + 1).padStart(2, '0')}`, name: personName(r) }));
        officers.set(u.code, list);
      }
      return list;
    };
    const emit = function* (until: number): Generator<string> {
      while (heap.size && heap.peek()!.t < until) {
        stats.lines++;
        yield heap.pop()!.line;
      }
    };

    for (const { day, w } of days) {
      cumW += w;
      const target = Math.round((opts.dossiers * cumW) / totalW);
      const count = target - allocated;
      allocated = target;
      const e = day >= reformDay ? eras.after : eras.before;
      const start = midnight(day);
      // reception times first, sorted, so codes follow the clock
      const receptions: { t: number; channel: Channel }[] = [];
      for (let i = 0; i < count; i++) {
        const x = rng.next();
        const channel: Channel = x < TARGET.online ? 'online' : x < TARGET.online + TARGET.postal ? 'postal' : 'direct';
        let minute: number;
        if (channel === 'online') {
          const y = rng.next();
          minute = y < 0.72 ? rng.range(7 * 60, 17.5 * 60) : y < 0.94 ? rng.range(17.5 * 60, 23 * 60) : rng.range(5 * 60, 7 * 60);
        } else {
          minute = rng.chance(0.6) ? rng.range(7.5 * 60, 11.5 * 60) : rng.range(13 * 60, 17 * 60);
        }
        receptions.push({ t: sec(start + minute * MIN), channel });
      }
      receptions.sort((a, b) => a.t - b.t);
      for (const { t: t0, channel } of receptions) {
        if (t0 > horizon) break; // received after `until`: not yet
        const unit = e.units[rng.weighted(e.unitCum)];
        const pl = e.procs.get(`${unit.level}/${channel}`)!;
        const proc = pl.list[rng.weighted(pl.cum)];
        const id = rng.uuid();
        const commune = unit.level === 'commune' ? unit.name : rng.pick(province.all.filter((u) => u.level === 'commune')).name;
        stats.dossiers++;
        stats.byChannel[channel]++;
        const push = (t: number, body: Record<string, unknown>) => {
          if (t > horizon) return false;
          heap.push({ t, s: seq++, line: JSON.stringify({ ...body, occurredAt: isoLocal(t) }) });
          return true;
        };
        push(t0, {
          command: 'receive',
          dossierId: id,
          unitCode: unit.code,
          procedureCode: proc.code,
          channel,
          applicant: applicant(rng, proc.field, commune, channel === 'online'),
        });
        const inCampaign =
          campaign !== undefined && day >= campaign.firstDay && day <= campaign.lastDay && campaign.units.has(unit.code) && campaign.procs.has(proc.code);
        if (inCampaign) stats.campaign++;
        planLifecycle(rng, ctx, {
          id,
          unit,
          proc,
          t0,
          officer: rng.pick(officersOf(unit)),
          push,
          stats,
          ...(inCampaign && { campaign: campaign.processingTime }),
        });
      }
      options.onProgress?.(stats.dossiers, opts.dossiers);
      yield* emit(midnight(day + 1));
    }
    yield* emit(Infinity);
  }

  return {
    options: opts,
    province,
    procedures,
    stats,
    lines,
    referenceData: () =>
      withSuccessions({
        units: province.all
          .filter(inScope)
          .map((u) => ({ code: u.code, ...unitPutBody(u) }))
          .concat(
            // the scope's ancestors too, so that the tree is whole
            opts.scope
              ? province.all
                  .filter((u) => !inScope(u) && province.all.some((c) => inScope(c) && c.parentCode === u.code))
                  .map((u) => ({ code: u.code, ...unitPutBody(u) }))
              : [],
          )
          // parents first; within a level, the units before the merge first (a new commune names them as predecessors)
          .sort((a, b) => levelRank(a.level) - levelRank(b.level) || Number(a.predecessors !== undefined) - Number(b.predecessors !== undefined)),
        procedures: procedures.map((p) => ({ code: p.code, name: p.name, field: p.field, processingTime: p.processingTime, onlineLevel: p.onlineLevel })),
        campaigns: campaign ? [campaign.body] : [],
      }),
  };
}

/**
 * Tân Bình's November 2021 in a made-up district: 45,730 dossiers received in the month (by default)
 * under a campaign window over the whole month ("giải quyết hồ sơ ngay trong ngày": its 1–3 working
 * day procedures cut to one half-day, none resolved late), after a usual week (25–29 October) that
 * makes the month a wave (1.5 times the receptions per working day). `district` default: the first
 * district of the province the seed generates.
 */
export function campaignMonthOptions(o: { seed?: number; dossiers?: number; district?: string } = {}): SimulationOptions {
  const seed = o.seed ?? 42;
  const district = o.district ?? generateProvince(new Rng(seed)).all.find((u) => u.level === 'district')!.code;
  const wave = 1.5;
  const inMonth = o.dossiers ?? 45_730;
  // the usual week's weights (Mon 1.15 … Fri 0.95), and November 2021's (22 working days) times the wave
  const weights = (from: string, to: string, k: number) => {
    let w = 0;
    for (let d = Date.parse(`${from}T00:00:00Z`) / 86_400_000; d <= Date.parse(`${to}T00:00:00Z`) / 86_400_000; d++) {
      if (!isWorkingDay(defaultCalendarSource, localDate(d))) continue;
      const dow = new Date(d * 86_400_000).getUTCDay();
      w += (dow === 1 ? 1.15 : dow === 5 ? 0.95 : dow === 6 ? 0.6 : 1) * k;
    }
    return w;
  };
  const before = weights('2021-10-25', '2021-10-31', 1);
  const month = weights('2021-11-01', '2021-11-30', wave);
  // the total whose share after the usual week is exactly `inMonth` (the simulator rounds cumulatively)
  let dossiers = Math.round((inMonth * (before + month)) / month);
  for (let i = 0; i < 100 && dossiers - Math.round((dossiers * before) / (before + month)) !== inMonth; i++) {
    dossiers += inMonth - (dossiers - Math.round((dossiers * before) / (before + month)));
  }
  return {
    seed,
    dossiers,
    scope: district,
    period: { from: '2021-10-25', to: '2021-11-30' },
    until: new Date('2021-12-31T16:59:59Z'),
    campaign: { id: 'campaign-2021-11', unitCode: district, from: '2021-11-01', to: '2021-11-30', wave },
  };
}

interface CampaignPlan {
  body: CampaignPutBody;
  firstDay: number;
  lastDay: number;
  units: Set<string>;
  procs: Set<string>;
  processingTime: ProcessingTime;
  wave: number;
}

function campaignPlan(c: CampaignOption, province: Province, procedures: SimProcedure[], day: (d: string, name: string) => number): CampaignPlan {
  const root = province.all.find((u) => u.code === c.unitCode);
  if (!root) throw new RangeError(`unknown campaign unit ${c.unitCode} (see the reference data)`);
  const firstDay = day(c.from, 'campaign.from');
  const lastDay = day(c.to, 'campaign.to');
  if (firstDay > lastDay) throw new RangeError(`campaign ${c.from}…${c.to} ends before it starts`);
  const units = new Set([root.code]);
  for (let grew = true; grew;) {
    grew = false;
    for (const u of province.all) if (u.parentCode && units.has(u.parentCode) && !units.has(u.code)) grew = units.add(u.code) !== undefined;
  }
  const levels = new Set(province.all.filter((u) => units.has(u.code)).map((u) => u.level));
  const processingTime = c.processingTime ?? { amount: 1, unit: 'half_day' };
  const chosen = c.procedureCodes
    ? procedures.filter((p) => c.procedureCodes!.includes(p.code))
    : procedures.filter((p) => levels.has(p.level) && p.processingTime.unit === 'working_day' && p.processingTime.amount <= 3);
  return {
    body: {
      id: c.id,
      name: c.name ?? 'Tháng cao điểm tiếp nhận và giải quyết hồ sơ ngay trong ngày',
      unitCodes: [root.code],
      from: c.from,
      to: c.to,
      procedures: chosen.map((p) => ({ procedureCode: p.code, processingTime: { ...processingTime } })),
    },
    firstDay,
    lastDay,
    units,
    procs: new Set(chosen.map((p) => p.code)),
    processingTime,
    wave: c.wave ?? 1.5,
  };
}

/** Keeps the predecessors (and successions) among the units listed (a scope may leave some out). */
function withSuccessions(ref: Omit<ReferenceData, 'successions'>): ReferenceData {
  const listed = new Set(ref.units.map((u) => u.code));
  const units = ref.units.map(({ predecessors, ...u }): ReferenceData['units'][number] => {
    const kept = (predecessors ?? []).filter((p) => listed.has(p));
    return kept.length > 0 ? { ...u, predecessors: kept } : u;
  });
  const successions = units.flatMap((u) => (u.predecessors ?? []).map((code) => ({ code, successorCode: u.code, effectiveDate: u.validFrom ?? REFORM_DATE })));
  return { ...ref, units, successions };
}

function levelRank(level: string): number {
  return level === 'province' ? 0 : level === 'district' ? 1 : 2;
}

interface Plan {
  id: string;
  unit: SimUnit;
  proc: SimProcedure;
  t0: number;
  officer: { id: string; name: string };
  push: (t: number, body: Record<string, unknown>) => boolean;
  stats: SimulationStats;
  /** Received under a campaign: this shorter processing time, resolved within it (none late, no supplement). */
  campaign?: ProcessingTime;
}

/** Schedules the commands after the reception (each at or after the previous one). */
function planLifecycle(rng: Rng, ctx: WorkingTimeContext, p: Plan): void {
  const { id, proc, t0, push, stats } = p;
  const pt = p.campaign ?? proc.processingTime;
  const add = (from: number, minutes: number) => sec(addWorkingTime(ctx, new Date(from), Math.max(0, minutes)).getTime());
  let start = t0;
  let due = computeDueAt(ctx, new Date(t0), pt).dueAt.getTime();
  let W = workingMinutesBetween(ctx, new Date(start), new Date(due));
  const short = W <= 240;
  let open = true;
  const step = (t: number, body: Record<string, unknown>) => {
    if (!open) return false;
    if (!push(t, { dossierId: id, ...body })) {
      open = false;
      stats.openAtEnd++;
      return false;
    }
    return true;
  };
  const tA = add(t0, short ? rng.range(1, Math.max(2, W * 0.15)) : rng.range(10, 150));
  if (!step(tA, { command: 'assign', assignee: p.officer.id, assigneeName: p.officer.name, department: department(proc.field, p.unit.level) })) return;
  let last = tA;
  const withdraw = rng.chance(TARGET.withdraw);
  const supplement = !short && !p.campaign && rng.chance(TARGET.supplementEligible);
  const late = !p.campaign && rng.chance(TARGET.late);

  if (supplement) {
    let tR = add(last, rng.range(20, Math.max(30, Math.min(3 * 480, W * 0.6))));
    if (tR >= due) tR = Math.max(last, sec(due - 30 * MIN));
    if (!step(tR, { command: 'request-supplement', reason: rng.pick(SUPPLEMENT_REASONS) })) return;
    stats.supplements++;
    last = tR;
    if (withdraw && rng.chance(0.5)) {
      if (step(add(last, rng.range(240, 10 * 480)), { command: 'withdraw', reason: rng.pick(WITHDRAW_REASONS) })) stats.withdrawn++;
      return;
    }
    const tB = add(last, rng.range(60, 8 * 480));
    if (!step(tB, { command: 'receive-supplement' })) return;
    last = start = tB;
    due = computeDueAt(ctx, new Date(tB), pt).dueAt.getTime();
    W = workingMinutesBetween(ctx, new Date(start), new Date(due));
  }
  if (withdraw) {
    if (step(add(last, rng.range(5, Math.max(10, W * 0.8))), { command: 'withdraw', reason: rng.pick(WITHDRAW_REASONS) })) stats.withdrawn++;
    return;
  }

  let tRes: number;
  if (!late) {
    // mostly early: the share of the allowed working time used, skewed low
    const u = 0.05 + 0.93 * Math.pow(rng.next(), 1.6);
    tRes = add(start, W * u);
    if (tRes < last) tRes = Math.min(sec(last + rng.range(1, 10) * MIN), due);
    if (tRes < last) tRes = last;
  } else {
    const lateBy = short ? rng.range(10, 480) : rng.range(60, 5 * 480);
    tRes = Math.max(add(due, lateBy), sec(due + 10 * MIN), last);
    if (rng.chance(TARGET.apology)) {
      const cutoff = apologyCutoff(ctx, new Date(due)).getTime();
      const inTime = rng.chance(TARGET.apologyInTime);
      let tAp = inTime ? sec(cutoff - rng.range(10 * MIN, 6 * HOUR)) : sec(due + rng.range(0, 0.8) * (tRes - due));
      if (tAp < last) tAp = sec(last + rng.range(1, 30) * MIN);
      if (tAp < tRes) {
        const newDue = Math.max(add(due, lateBy * (rng.chance(0.9) ? 1.25 : 0.6)), sec(tAp + HOUR), sec(due + HOUR));
        if (
          !step(tAp, {
            command: 'apologise',
            reason: rng.pick(APOLOGY_REASONS),
            newDueAt: isoLocal(Math.ceil(newDue / MIN) * MIN),
            letterNumber: `${rng.int(1, 999)}/PXL-${p.unit.level === 'commune' ? 'UBND' : 'VP'}`,
          })
        )
          return;
        stats.apologies++;
        if (tAp <= cutoff) stats.apologiesInTime++;
      }
    }
  }
  if (!late && !supplement && !p.campaign) {
    // liên thông: a few dossiers go to a province agency for one working day and come back before the
    // resolution (drawn from the dossier's own generator: the rest of the file does not move)
    const xr = new Rng([...id].reduce((h, c) => (h * 33 + c.charCodeAt(0)) >>> 0, 5381));
    if (xr.chance(TARGET.transfer) && tRes - last > 2 * HOUR) {
      const tT = sec(last + (tRes - last) * xr.range(0.05, 0.3));
      const tX = sec(tT + (tRes - tT) * xr.range(0.5, 0.95));
      const transferId = xr.uuid();
      const agencyDue = Math.ceil(add(tT, 480) / MIN) * MIN;
      if (!step(tT, { command: 'transfer', transferId, toUnitCode: PROVINCE_CODE, task: xr.pick(TRANSFER_TASKS), dueAt: isoLocal(agencyDue) })) return;
      stats.transfers++;
      if (!step(tX, { command: 'transfer-return', transferId, outcome: 'done' })) return;
      if (tX > agencyDue) stats.transfersLate++;
    }
  }
  const refused = rng.chance(TARGET.refused);
  if (!step(tRes, refused ? { command: 'resolve', outcome: 'refused', note: rng.pick(REFUSAL_NOTES) } : { command: 'resolve', outcome: 'approved' })) return;
  stats.resolved++;
  if (tRes > due) stats.late++;
  if (p.campaign) {
    const timing = timingClass(new Date(tRes), new Date(due), ctx.timeZone);
    if (timing === 'early') stats.campaignEarly++;
    else if (timing === 'on-time') stats.campaignOnTime++;
  }
  if (refused) stats.refused++;
  if (rng.chance(TARGET.rated)) {
    const x = rng.next();
    const rating = x < TARGET.satisfied ? 'satisfied' : x < TARGET.satisfied + TARGET.neutral ? 'neutral' : 'dissatisfied';
    if (step(sec(tRes + rng.range(1 * MIN, 48 * HOUR)), { command: 'rate', rating })) {
      stats.rated++;
      if (rating === 'satisfied') stats.satisfied++;
    }
  }
}
