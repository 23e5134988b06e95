/**
 * Random report worlds for the property tests (pure report, projection + SQL): a unit tree,
 * procedures, and dossier streams over two years (receptions, assignments, supplements,
 * apologies, resolutions, withdrawals, ratings, deadline alerts, pauses and resumes, returns of the
 * result, corrections of a resolve or a return), with business times on day boundaries and ties;
 * plus the brute-force oracle that folds raw events (`foldDossier`), a corrected step being one that
 * never happened.
 */
import fc from 'fast-check';
import {
  addDays,
  apologyCutoff,
  createWorkingTimeContext,
  eventOccurredAt,
  foldDossier,
  instantAt,
  isClockRunning,
  isOpenDossier,
  timingClass,
  workingMinutesBetween,
  type Channel,
  type DossierEvent,
  type DossierState,
  type Rating,
} from '@motcua/domain';
import type { ReportCounts } from '../report';

export const TZ = 'Asia/Ho_Chi_Minh';
const DAY = 86_400_000;
const MIN = 60_000;
/** Local midnight, 1 Jan 2024 (UTC+7). */
const T0 = Date.UTC(2024, 0, 1) - 7 * 3_600_000;
const DAYS = 730;

export interface WorldUnit {
  code: string;
  name: string;
  parentCode?: string;
}
export interface WorldDossier {
  id: string;
  events: DossierEvent[];
}
export interface World {
  units: WorldUnit[];
  dossiers: WorldDossier[];
  /** Report unit and period. */
  root: string;
  from: string;
  to: string;
}

const PROCEDURES = [
  { code: 'P1', name: 'Đăng ký khai sinh', field: 'Hộ tịch' },
  { code: 'P2', name: 'Cấp giấy phép xây dựng', field: 'Xây dựng' },
  { code: 'P3', name: 'Đăng ký kinh doanh hộ', field: 'Kinh tế' },
  { code: 'P4', name: 'Trích lục hộ tịch', field: 'Hộ tịch' },
];

const localDate = (epochDay: number) => addDays('2024-01-01', epochDay);

/** A time of day in minutes: midnight, office closing, or anything. */
const minuteOfDay = fc.oneof(fc.constant(0), fc.constant(17 * 60), fc.constant(7 * 60 + 30), fc.integer({ min: 0, max: 1439 }));
const instant = fc.tuple(fc.integer({ min: -20, max: DAYS + 20 }), minuteOfDay).map(([d, m]) => T0 + d * DAY + m * MIN);
/** A gap between steps: none (ties), minutes, or days. */
const gap = fc.oneof(
  fc.constant(0),
  fc.integer({ min: 1, max: 600 }).map((m) => m * MIN),
  fc.integer({ min: 1, max: 60 }).map((d) => d * DAY),
  fc.integer({ min: 1, max: 30 }).map((d) => d * DAY - (7 * 60 + 30) * MIN),
);
const duration = fc.oneof(
  fc.integer({ min: 1, max: 30 }).map((d) => d * DAY),
  fc.integer({ min: 30, max: 2000 }).map((m) => m * MIN),
);

type Step =
  | { kind: 'assign'; gap: number }
  | {
      kind: 'supplement';
      gap: number;
      wait: number;
      due: number;
      arrives: boolean;
      items?: { name: string }[];
      withinLegalTime?: boolean;
    }
  | { kind: 'apology'; gap: number; extra: number }
  | { kind: 'alert'; gap: number }
  | { kind: 'pause'; gap: number; wait: number; resumes: boolean; moves: number }
  | { kind: 'correct-assign'; gap: number }
  | { kind: 'transfer'; gap: number; due: number; back?: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('assign' as const), gap }),
  fc.record({
    kind: fc.constant('supplement' as const),
    gap,
    wait: gap,
    due: duration,
    arrives: fc.constantFrom(true, true, false),
    // the one complete list (form 02) and the 3-working-day rule recorded on the event (absent: an old event)
    items: fc.option(fc.array(fc.record({ name: fc.constantFrom('Bản sao giấy khai sinh', 'Ảnh 4x6', 'Tờ khai') }), { minLength: 1, maxLength: 3 }), {
      nil: undefined,
    }),
    withinLegalTime: fc.option(fc.boolean(), { nil: undefined }),
  }),
  fc.record({ kind: fc.constant('apology' as const), gap, extra: duration }),
  fc.record({ kind: fc.constant('alert' as const), gap }),
  fc.record({ kind: fc.constant('pause' as const), gap, wait: gap, resumes: fc.constantFrom(true, true, false), moves: fc.oneof(fc.constant(0), duration) }),
  fc.record({ kind: fc.constant('correct-assign' as const), gap }),
  fc.record({ kind: fc.constant('transfer' as const), gap, due: duration, back: fc.option(gap, { nil: undefined }) }),
);

/** What happens after a resolution: nothing, a return of the result, a mistaken return undone, the resolve undone (and resolved again). */
const afterResolve = fc.record({
  then: fc.constantFrom('none', 'none', 'return', 'return-undone', 'resolve-undone', 'resolve-undone-again' as const),
  gap1: gap,
  gap2: gap,
});

const dossierSpec = fc.record({
  unit: fc.nat(),
  procedure: fc.integer({ min: 0, max: PROCEDURES.length - 1 }),
  channel: fc.constantFrom<Channel>('direct', 'online', 'postal'),
  receivedAt: instant,
  due: duration,
  steps: fc.array(step, { maxLength: 5 }),
  end: fc.constantFrom('resolve', 'resolve', 'resolve', 'withdraw', 'open' as const),
  endGap: gap,
  endAt: fc.constantFrom('gap', 'gap', 'atDue', 'beforeDue'),
  rating: fc.option(fc.tuple(fc.constantFrom<Rating>('satisfied', 'neutral', 'dissatisfied'), gap), { nil: undefined }),
  after: afterResolve,
  /** 0: refused at the counter (DossierRefusedAtReception alone): never received, counts nowhere. */
  refusal: fc.integer({ min: 0, max: 7 }),
  /** Another unit is competent (received at one commune's centre for another's procedure). */
  competent: fc.option(fc.nat(), { freq: 3, nil: undefined }),
});

type DossierSpec = typeof dossierSpec extends fc.Arbitrary<infer T> ? T : never;

const unitTree = fc.array(fc.nat(), { minLength: 0, maxLength: 7 }).map((parents): WorldUnit[] => {
  const units: WorldUnit[] = [{ code: 'U0', name: 'Tỉnh U0' }];
  parents.forEach((p, i) => units.push({ code: `U${i + 1}`, name: `Đơn vị U${i + 1}`, parentCode: units[p % units.length].code }));
  return units;
});

function buildDossier(index: number, units: WorldUnit[], s: DossierSpec): WorldDossier {
  const id = `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`;
  const unit = units[s.unit % units.length];
  const proc = PROCEDURES[s.procedure];
  let t = s.receivedAt;
  let due = t + s.due;
  let apologised = false;
  const iso = (ms: number) => new Date(ms).toISOString();
  if (s.refusal === 0) {
    const refused: DossierEvent = {
      type: 'DossierRefusedAtReception',
      data: {
        dossierId: id,
        code: `${unit.code}-${index}`,
        unitCode: unit.code,
        procedureCode: proc.code,
        procedureName: proc.name,
        field: proc.field,
        channel: s.channel,
        onlineLevel: 'none',
        applicant: { name: 'Nguyễn Văn A' },
        timeZone: TZ,
        refusedAt: iso(t),
        reason: 'không thuộc thẩm quyền',
        ...(index % 2 === 0 && { legalBasis: 'Điều 18 NĐ 61/2018' }),
      },
    };
    return { id, events: [refused] };
  }
  let requests = 0;
  const events: DossierEvent[] = [
    {
      type: 'DossierReceived',
      data: {
        dossierId: id,
        code: `${unit.code}-${index}`,
        unitCode: unit.code,
        procedureCode: proc.code,
        procedureName: proc.name,
        field: proc.field,
        channel: s.channel,
        onlineLevel: 'none',
        applicant: { name: 'Nguyễn Văn A' },
        processingTime: { amount: 3, unit: 'working_day' },
        timeZone: TZ,
        receivedAt: iso(t),
        dueAt: iso(due),
        calendarVersion: 'test',
        ...(s.competent !== undefined && units[s.competent % units.length].code !== unit.code && { competentUnitCode: units[s.competent % units.length].code }),
        // facts of the QĐ 766 indicators, absent on some (older events)
        ...(index % 3 !== 2 && { digitised: index % 3 === 0 }),
        ...(index % 4 !== 3 && { feeDue: index % 4 !== 2, feePaidOnline: index % 4 === 0 }),
      },
    },
  ];
  let stoppedForever = false;
  let pausedSince: number | undefined;
  let assigned = 0;
  const resume = (at: number, moves: number) => {
    const previousDueAt = iso(due);
    due += moves;
    events.push({
      type: 'ProcessingResumed',
      data: { resumedAt: iso(at), dueAt: iso(due), previousDueAt, pausedWorkingMinutes: moves / MIN, calendarVersion: 'test' },
    });
    pausedSince = undefined;
  };
  let transfers = 0;
  const returns: DossierEvent[] = [];
  for (const st of s.steps) {
    t += st.gap;
    switch (st.kind) {
      case 'assign':
        assigned++;
        events.push({ type: 'DossierAssigned', data: { assignee: `officer-${index % 3}`, assignedAt: iso(t) } });
        break;
      case 'correct-assign':
        if (assigned === 0) break;
        assigned--;
        events.push({ type: 'StepCorrected', data: { undo: 'assign', reason: 'giao nhầm', correctedAt: iso(t) } });
        break;
      case 'pause':
        // only while the clock runs, never after an apology (the decider's rules)
        if (stoppedForever || apologised || pausedSince !== undefined) break;
        events.push({ type: 'ProcessingPaused', data: { kind: 'fee', reason: 'chờ nộp phí', pausedAt: iso(t) } });
        pausedSince = t;
        if (st.resumes) {
          t += st.wait;
          resume(t, st.moves);
        }
        break;
      case 'supplement': {
        if (stoppedForever || pausedSince !== undefined) break;
        requests++;
        events.push({
          type: 'SupplementRequested',
          data: {
            reason: 'thiếu giấy tờ',
            requestedAt: iso(t),
            ...(st.items !== undefined && { items: st.items }),
            ...(st.withinLegalTime !== undefined && { withinLegalTime: st.withinLegalTime, sequence: requests }),
          },
        });
        if (!st.arrives) {
          stoppedForever = true;
          break;
        }
        t += st.wait;
        const previousDueAt = iso(due);
        due = t + st.due;
        events.push({ type: 'SupplementReceived', data: { receivedAt: iso(t), dueAt: iso(due), calendarVersion: 'test', previousDueAt } });
        break;
      }
      case 'apology':
        if (apologised || stoppedForever || pausedSince !== undefined) break;
        apologised = true;
        events.push({ type: 'ApologyIssued', data: { reason: 'quá tải', newDueAt: iso(due + st.extra), issuedAt: iso(t), previousDueAt: iso(due) } });
        break;
      case 'alert':
        // alerts are stamped with the clock's `now`: anything after the reception
        events.push({ type: 'DossierOverdue', data: { kind: 'overdue', dueAt: iso(due), raisedAt: iso(t + st.gap * 3), unitCode: unit.code } });
        break;
      case 'transfer': {
        const transferId = `t${++transfers}`;
        const transferDue = t + st.due;
        events.push({
          type: 'DossierTransferred',
          data: {
            transferId,
            toUnitCode: units[transfers % units.length].code,
            task: 'thẩm định',
            dueAt: iso(transferDue),
            calendarVersion: 'test',
            timeZone: TZ,
            transferredAt: iso(t),
          },
        });
        if (st.back !== undefined) {
          const back = t + st.back;
          returns.push({
            type: 'TransferReturned',
            data: { transferId, outcome: 'done', returnedAt: iso(back), timing: timingClass(new Date(back), new Date(transferDue), TZ) },
          });
        }
        break;
      }
    }
  }
  // the agencies' returns, in business-time order (some after the lead's resolution)
  returns.sort((a, b) => Date.parse(eventOccurredAt(a)) - Date.parse(eventOccurredAt(b)));
  events.push(...returns);
  t += s.endGap;
  if (s.endAt === 'atDue') t = Math.max(t, due);
  else if (s.endAt === 'beforeDue') t = Math.max(t, due - 60 * MIN);
  if (s.end === 'resolve') {
    // a paused dossier is resumed before it is resolved
    if (pausedSince !== undefined) resume(t, 0);
    const resolvedAt = t;
    events.push({
      type: 'DossierResolved',
      data: { outcome: index % 5 === 0 ? 'refused' : 'approved', resolvedAt: iso(t), ...(index % 3 !== 1 && { electronicResult: index % 2 === 0 }) },
    });
    const { then, gap1, gap2 } = s.after;
    if (then === 'return' || then === 'return-undone') {
      t += gap1;
      events.push({ type: 'ResultReturned', data: { method: 'counter', recipient: { name: 'Trần Thị B' }, returnedAt: iso(t) } });
      if (then === 'return-undone') events.push({ type: 'StepCorrected', data: { undo: 'return-result', reason: 'trả nhầm', correctedAt: iso(t + gap2) } });
    } else if (then === 'resolve-undone' || then === 'resolve-undone-again') {
      t += gap1;
      events.push({ type: 'StepCorrected', data: { undo: 'resolve', reason: 'giải quyết nhầm', correctedAt: iso(t) } });
      if (then === 'resolve-undone-again') {
        t += gap2;
        events.push({ type: 'DossierResolved', data: { outcome: 'approved', resolvedAt: iso(t) } });
      }
    }
    if (s.rating) events.push({ type: 'SatisfactionRated', data: { rating: s.rating[0], ratedAt: iso(resolvedAt + s.rating[1]) } });
  } else if (s.end === 'withdraw') {
    events.push({ type: 'DossierWithdrawn', data: { reason: 'rút hồ sơ', withdrawnAt: iso(t) } });
  }
  return { id, events };
}

export function worldArb(maxDossiers = 40, minDossiers = 0): fc.Arbitrary<World> {
  return unitTree.chain((units) =>
    fc
      .record({
        specs: fc.array(dossierSpec, { minLength: minDossiers, maxLength: maxDossiers, size: 'medium' }),
        root: fc.integer({ min: 0, max: units.length - 1 }),
        fromDay: fc.integer({ min: -10, max: DAYS + 10 }),
        length: fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 500 })),
      })
      .map(({ specs, root, fromDay, length }) => ({
        units,
        dossiers: specs.map((s, i) => buildDossier(i, units, s)),
        root: units[root].code,
        from: localDate(fromDay),
        to: localDate(fromDay + length),
      })),
  );
}

export function subtreeOf(units: WorldUnit[], root: string): string[] {
  const out = [root];
  for (let i = 0; i < out.length; i++) for (const u of units) if (u.parentCode === out[i]) out.push(u.code);
  return out;
}

/* ---------------- the oracle: fold raw events, as of each instant ---------------- */

function stateAt(events: readonly DossierEvent[], atMs: number): DossierState {
  return foldDossier(withoutCorrectedSteps(events).filter((e) => Date.parse(eventOccurredAt(e)) < atMs));
}

/**
 * The stream as if the corrected steps had never been recorded: each correction of a resolve or a
 * return removes itself and the last such step before it (a correction of an assignment changes no
 * figure and is left in).
 */
function withoutCorrectedSteps(events: readonly DossierEvent[]): DossierEvent[] {
  const out: DossierEvent[] = [];
  for (const e of events) {
    if (e.type === 'StepCorrected' && e.data.undo !== 'assign') {
      const undone = e.data.undo === 'resolve' ? 'DossierResolved' : 'ResultReturned';
      const i = out.map((x) => x.type).lastIndexOf(undone);
      if (i >= 0) out.splice(i, 1);
      continue;
    }
    out.push(e);
  }
  return out;
}

/** Half-up percentage by integer quotient and remainder (independent of `percent`). */
export function oraclePercent(part: number, whole: number): number | null {
  if (whole === 0) return null;
  const scaled = part * 10000;
  let q = Math.floor(scaled / whole);
  if (2 * (scaled - q * whole) >= whole) q += 1;
  return q / 100;
}

const ctx = createWorkingTimeContext({ timeZone: TZ });

/** The report counts by brute force: replay each dossier's events up to the period's edges. */
export function oracleCounts(
  world: Pick<World, 'dossiers'>,
  units: readonly string[],
  from: string,
  to: string,
  rowFilter?: (unitCode: string) => boolean,
  perspective: 'competent' | 'receiving' = 'competent',
  keep?: (first: DossierEvent) => boolean,
): ReportCounts {
  const startMs = instantAt(from, '00:00', TZ).getTime();
  const endMs = instantAt(addDays(to, 1), '00:00', TZ).getTime();
  const c: ReportCounts = {
    newInPeriod: 0,
    carriedOver: 0,
    direct: 0,
    online: 0,
    postal: 0,
    early: 0,
    onTime: 0,
    late: 0,
    withinTime: 0,
    overdue: 0,
    withdrawn: 0,
    apologiesRequired: 0,
    apologiesIssued: 0,
    apologiesIssuedInTime: 0,
    satisfied: 0,
    neutral: 0,
    dissatisfied: 0,
    pendingOutside: 0,
  };
  for (const d of world.dossiers) {
    const rec = d.events[0];
    if (rec.type !== 'DossierReceived') continue;
    const unitOf = perspective === 'receiving' ? rec.data.unitCode : (rec.data.competentUnitCode ?? rec.data.unitCode);
    if (!units.includes(unitOf)) continue;
    if (rowFilter && !rowFilter(unitOf)) continue;
    if (keep && !keep(rec)) continue;
    for (const e of d.events) {
      if (e.type !== 'SatisfactionRated') continue;
      const t = Date.parse(e.data.ratedAt);
      if (t >= startMs && t < endMs) c[e.data.rating]++;
    }
    const s0 = stateAt(d.events, startMs);
    const s1 = stateAt(d.events, endMs);
    // a refusal at reception is never received (its stream starts with DossierRefusedAtReception)
    if (s1.status === 'none' || s1.status === 'refused-at-reception') continue;
    if (s0.status === 'resolved' || s0.status === 'returned' || s0.status === 'withdrawn') continue;
    if (s0.status === 'none') {
      c.newInPeriod++;
      c[s1.channel]++;
    } else c.carriedOver++;
    let late = false;
    if (s1.status === 'resolved' || s1.status === 'returned') {
      const resolvedEvent = d.events.find((e) => e.type === 'DossierResolved' && e.data.resolvedAt === s1.resolvedAt);
      const mode = resolvedEvent?.type === 'DossierResolved' ? (resolvedEvent.data.timingMode ?? 'exact') : 'exact';
      const cls = timingClass(new Date(s1.resolvedAt), new Date(s1.dueAt), s1.timeZone, mode);
      if (cls === 'early') c.early++;
      else if (cls === 'on-time') c.onTime++;
      else {
        c.late++;
        late = true;
      }
    } else if (s1.status === 'withdrawn') c.withdrawn++;
    else if (isOpenDossier(s1)) {
      // pending: overdue only while the clock runs (not awaiting a supplement, not paused)
      if (isClockRunning(s1) && endMs > Date.parse(s1.dueAt)) {
        c.overdue++;
        late = true;
      } else c.withinTime++;
      // held by another agency at the end: a transfer sent before the end and not back before it
      if (s1.transfers.some((tr) => tr.returnedAt === undefined)) c.pendingOutside++;
    }
    if (late) {
      c.apologiesRequired++;
      if (s1.apology) {
        c.apologiesIssued++;
        if (Date.parse(s1.apology.issuedAt) <= apologyCutoff(ctx, new Date(s1.apology.previousDueAt)).getTime()) c.apologiesIssuedInTime++;
      }
    }
  }
  return c;
}

/** The report JSON blocks from oracle counts, with rates by `oraclePercent`. */
export function oracleBlocks(c: ReportCounts) {
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
      rate: oraclePercent(resolved, received),
      withinDeadlineRate: oraclePercent(c.early + c.onTime, resolved),
      earlyRate: oraclePercent(c.early, resolved),
      lateRate: oraclePercent(c.late, resolved),
    },
    pending: {
      total: pending,
      withinTime: c.withinTime,
      overdue: c.overdue,
      rate: oraclePercent(pending, received),
      inside: pending - c.pendingOutside,
      outside: c.pendingOutside,
    },
    withdrawn: c.withdrawn,
    apologies: {
      required: c.apologiesRequired,
      issued: c.apologiesIssued,
      issuedInTime: c.apologiesIssuedInTime,
      coverageRate: oraclePercent(c.apologiesIssued, c.apologiesRequired),
    },
    satisfaction: {
      responses,
      satisfied: c.satisfied,
      neutral: c.neutral,
      dissatisfied: c.dissatisfied,
      satisfiedRate: oraclePercent(c.satisfied, responses),
      neutralRate: oraclePercent(c.neutral, responses),
      dissatisfiedRate: oraclePercent(c.dissatisfied, responses),
    },
  };
}

/** Oracle rows for groupBy=unit: each direct child of root (its subtree), and root's own dossiers. */
export function oracleUnitRows(world: World, perspective: 'competent' | 'receiving' = 'competent') {
  const sub = subtreeOf(world.units, world.root);
  const rows: { key: string; own?: true; blocks: ReturnType<typeof oracleBlocks> }[] = [];
  const own = oracleCounts(world, [world.root], world.from, world.to, undefined, perspective);
  const nonEmpty = (c: ReportCounts) => Object.values(c).some((n) => n > 0);
  if (nonEmpty(own)) rows.push({ key: world.root, own: true, blocks: oracleBlocks(own) });
  for (const child of world.units.filter((u) => u.parentCode === world.root)) {
    const c = oracleCounts(
      world,
      subtreeOf(world.units, child.code).filter((u) => sub.includes(u)),
      world.from,
      world.to,
      undefined,
      perspective,
    );
    if (nonEmpty(c)) rows.push({ key: child.code, blocks: oracleBlocks(c) });
  }
  return rows.sort((a, b) => (!!a.own === !!b.own ? (a.key < b.key ? -1 : 1) : a.own ? -1 : 1));
}

/* ---------------- the oracle of the QĐ 766 indicators (issue #18) ---------------- */

/** Half-up to one decimal of part ÷ whole by integer quotient and remainder (independent of `meanWorkingDays`). */
function oracleTenths(part: number, whole: number): number | null {
  if (whole === 0) return null;
  const scaled = part * 10;
  let q = Math.floor(scaled / whole);
  if (2 * (scaled - q * whole) >= whole) q += 1;
  return q / 10;
}

/** Working minutes of one working day with the default office hours (07:30–11:30, 13:00–17:00). */
const ORACLE_DAY_MINUTES = 8 * 60;

/**
 * Processing time by brute force over the raw events (corrected steps removed): the working time from
 * the last clock restart (reception, or the last supplement's arrival) to the resolution, minus the
 * working time of every stop after it (a supplement awaited, a pause) up to its restart or the
 * resolution. Working minutes, rounded.
 */
function oracleProcessingMinutes(events: readonly DossierEvent[], resolvedAt: string): number {
  const stream = withoutCorrectedSteps(events);
  const end = stream.findIndex((e) => e.type === 'DossierResolved' && e.data.resolvedAt === resolvedAt);
  const before = stream.slice(0, end);
  let start = 0;
  before.forEach((e, i) => {
    if (e.type === 'DossierReceived' || e.type === 'SupplementReceived') start = i;
  });
  const startEvent = before[start];
  const from = Date.parse(startEvent.type === 'DossierReceived' ? startEvent.data.receivedAt : eventOccurredAt(startEvent));
  const to = Date.parse(resolvedAt);
  let ms = workingMinutesBetween(ctx, new Date(from), new Date(to)) * MIN;
  let stoppedAt: number | undefined;
  for (const e of before.slice(start + 1)) {
    if (e.type === 'SupplementRequested' || e.type === 'ProcessingPaused') stoppedAt ??= Date.parse(eventOccurredAt(e));
    if (e.type === 'ProcessingResumed' && stoppedAt !== undefined) {
      ms -= workingMinutesBetween(ctx, new Date(stoppedAt), new Date(Math.min(Date.parse(e.data.resumedAt), to))) * MIN;
      stoppedAt = undefined;
    }
  }
  if (stoppedAt !== undefined) ms -= workingMinutesBetween(ctx, new Date(stoppedAt), new Date(to)) * MIN;
  return Math.round(ms / MIN);
}

export interface OracleIndicatorCounts {
  returned: number;
  awaitingCollection: number;
  refusedAtReception: number;
  supplementRequestsLate: number;
  digitised: number;
  feeDue: number;
  feePaidOnline: number;
  electronicResults: number;
  processingMeasured: number;
  processingMinutes: number;
}

/** The indicator counts by brute force, for the dossiers of `units` that `keep` keeps (by their first event). */
export function oracleIndicatorCounts(
  world: Pick<World, 'dossiers'>,
  units: readonly string[],
  from: string,
  to: string,
  keep: (first: DossierEvent) => boolean = () => true,
  perspective: 'competent' | 'receiving' = 'competent',
): OracleIndicatorCounts {
  const startMs = instantAt(from, '00:00', TZ).getTime();
  const endMs = instantAt(addDays(to, 1), '00:00', TZ).getTime();
  const inP = (iso: string | undefined) => iso !== undefined && Date.parse(iso) >= startMs && Date.parse(iso) < endMs;
  const c: OracleIndicatorCounts = {
    returned: 0,
    awaitingCollection: 0,
    refusedAtReception: 0,
    supplementRequestsLate: 0,
    digitised: 0,
    feeDue: 0,
    feePaidOnline: 0,
    electronicResults: 0,
    processingMeasured: 0,
    processingMinutes: 0,
  };
  for (const d of world.dossiers) {
    const first = d.events[0];
    if (first.type !== 'DossierReceived' && first.type !== 'DossierRefusedAtReception') continue;
    const unitOf = perspective === 'receiving' ? first.data.unitCode : (first.data.competentUnitCode ?? first.data.unitCode);
    if (!units.includes(unitOf) || !keep(first)) continue;
    if (first.type === 'DossierRefusedAtReception') {
      if (inP(first.data.refusedAt)) c.refusedAtReception++;
      continue;
    }
    for (const e of d.events) if (e.type === 'SupplementRequested' && e.data.withinLegalTime === false && inP(e.data.requestedAt)) c.supplementRequestsLate++;
    if (inP(first.data.receivedAt)) {
      if (first.data.digitised === true) c.digitised++;
      if (first.data.feeDue === true) c.feeDue++;
      if (first.data.feeDue === true && first.data.feePaidOnline === true) c.feePaidOnline++;
    }
    const s1 = stateAt(d.events, endMs);
    const s0 = stateAt(d.events, startMs);
    if (s1.status === 'resolved') c.awaitingCollection++;
    if (s1.status === 'returned' && s0.status !== 'returned') c.returned++;
    if ((s1.status === 'resolved' || s1.status === 'returned') && inP(s1.resolvedAt)) {
      const resolved = withoutCorrectedSteps(d.events).find((e) => e.type === 'DossierResolved' && e.data.resolvedAt === s1.resolvedAt);
      if (resolved?.type === 'DossierResolved' && resolved.data.electronicResult === true) c.electronicResults++;
      c.processingMeasured++;
      c.processingMinutes += oracleProcessingMinutes(d.events, s1.resolvedAt);
    }
  }
  return c;
}

/** The `indicators` object from oracle counts (Biểu 06 ones from `oracleCounts`). */
export function oracleIndicators(b: ReportCounts, i: OracleIndicatorCounts) {
  const resolved = b.early + b.onTime + b.late;
  return {
    averageProcessingWorkingDays: oracleTenths(i.processingMinutes, i.processingMeasured * ORACLE_DAY_MINUTES),
    onlineShare: oraclePercent(b.online, b.newInPeriod),
    earlyOrOnTimeRate: oraclePercent(b.early + b.onTime, resolved),
    returned: i.returned,
    awaitingCollection: i.awaitingCollection,
    refusedAtReception: i.refusedAtReception,
    supplementRequestsLate: i.supplementRequestsLate,
    processingMeasured: i.processingMeasured,
    digitised: i.digitised,
    digitisedShare: oraclePercent(i.digitised, b.newInPeriod),
    electronicResults: i.electronicResults,
    electronicResultShare: oraclePercent(i.electronicResults, resolved),
    feeDue: i.feeDue,
    feePaidOnline: i.feePaidOnline,
    feePaidOnlineShare: oraclePercent(i.feePaidOnline, i.feeDue),
  };
}

/**
 * Oracle rows with indicators, keyed: for groupBy=unit each direct child of root (its subtree) and
 * root's own; for groupBy=procedure each procedure. A row exists when Biểu 06 or the indicators count something.
 */
export function oracleIndicatorRows(world: World, groupBy: 'unit' | 'procedure'): Map<string, ReturnType<typeof oracleIndicators>> {
  const sub = subtreeOf(world.units, world.root);
  const out = new Map<string, ReturnType<typeof oracleIndicators>>();
  const add = (key: string, units: string[], keep?: (first: DossierEvent) => boolean) => {
    const b = oracleCounts(world, units, world.from, world.to, undefined, 'competent', keep);
    const i = oracleIndicatorCounts(world, units, world.from, world.to, keep);
    if (Object.values(b).some((n) => n > 0) || Object.values(i).some((n) => n > 0)) out.set(key, oracleIndicators(b, i));
  };
  if (groupBy === 'unit') {
    add(world.root, [world.root]);
    for (const child of world.units.filter((u) => u.parentCode === world.root))
      add(
        child.code,
        subtreeOf(world.units, child.code).filter((u) => sub.includes(u)),
      );
  } else {
    for (const p of PROCEDURES)
      add(p.code, sub, (first) => (first.type === 'DossierReceived' || first.type === 'DossierRefusedAtReception') && first.data.procedureCode === p.code);
  }
  return out;
}
