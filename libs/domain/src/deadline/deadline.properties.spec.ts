/**
 * Property tests of the deadline maths against brute-force oracles that only read the raw
 * calendar lists and step minute by minute / day by day (UTC+7, no shared code paths).
 */
import fc from 'fast-check';
import { defaultCalendarSource } from '../calendar/source';
import type { ProcessingTime } from '../shared/types';
import { apologyCutoff } from './apology';
import { computeDueAt } from './due-at';
import { nearDeadlineAt } from './near-deadline';
import { workingMinutesBetween, workingTimeRemaining } from './remaining';
import { createWorkingTimeContext, type WorkingTimeContext } from './context';
import { timingClass } from './timing';

const HCMC = createWorkingTimeContext();
const HANOI = createWorkingTimeContext({
  officeHours: {
    sessions: [
      { start: '08:00', end: '12:00' },
      { start: '13:00', end: '17:00' },
    ],
  },
});

const TZ = 'Asia/Ho_Chi_Minh';
const MIN = 60_000;
const OFFSET = 7 * 60 * MIN;
const DAY = 86_400_000;
const START_DAY = Date.UTC(2023, 11, 20) / DAY;
const END_DAY = Date.UTC(2027, 11, 20) / DAY;
const START = START_DAY * DAY - OFFSET;
const END = END_DAY * DAY - OFFSET;

// ---- oracle ---------------------------------------------------------------------------------
const localDate = (t: number): string => new Date(t + OFFSET).toISOString().slice(0, 10);
const localMinute = (t: number): number => Math.floor(((t + OFFSET) % 86_400_000) / MIN);
const workingCache = new Map<string, boolean>();
function naiveIsWorkingDay(date: string): boolean {
  let w = workingCache.get(date);
  if (w === undefined) {
    const cal = defaultCalendarSource.forYear(Number(date.slice(0, 4)));
    const dow = new Date(`${date}T00:00:00Z`).getUTCDay();
    w = cal.workingDays.includes(date) || (dow !== 0 && dow !== 6 && !cal.holidays.includes(date));
    workingCache.set(date, w);
  }
  return w;
}
const sessionsOf = (ctx: WorkingTimeContext) =>
  ctx.officeHours.sessions.map((s) => ({
    start: Number(s.start.slice(0, 2)) * 60 + Number(s.start.slice(3)),
    end: Number(s.end.slice(0, 2)) * 60 + Number(s.end.slice(3)),
  }));
/** Is the minute starting at t a working minute? */
function naiveWorkingMinute(ctx: WorkingTimeContext, t: number): boolean {
  const m = localMinute(t);
  return naiveIsWorkingDay(localDate(t)) && sessionsOf(ctx).some((s) => m >= s.start && m < s.end);
}
function naiveAddWorkingMinutes(ctx: WorkingTimeContext, from: number, minutes: number): number {
  let t = from;
  let left = minutes;
  while (left > 0) {
    if (naiveWorkingMinute(ctx, t)) left--;
    t += MIN;
  }
  return t;
}
function naiveNthWorkingDayAfter(date: string, n: number): string {
  let d = date;
  for (let count = 0; count < n;) {
    d = new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    if (naiveIsWorkingDay(d)) count++;
  }
  return d;
}

// ---- arbitraries ----------------------------------------------------------------------------
const BOUNDARIES = ['00:00', '07:29', '07:30', '08:00', '11:29', '11:30', '12:00', '12:59', '13:00', '16:59', '17:00', '23:59'];
const minuteInstant = fc.integer({ min: START / MIN, max: END / MIN }).map((m) => m * MIN);
const boundaryInstant = fc
  .tuple(fc.integer({ min: START_DAY, max: END_DAY }), fc.constantFrom(...BOUNDARIES))
  .map(([day, hhmm]) => day * DAY + (Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3))) * MIN - OFFSET);
const instant = fc.oneof(minuteInstant, boundaryInstant);
const ctxArb = fc.constantFrom(HCMC, HANOI);
const dayLimit = fc.integer({ min: 1, max: 20 }).map((amount): ProcessingTime => ({ amount, unit: 'working_day' }));
const hourLimit = fc.oneof(
  fc.integer({ min: 1, max: 24 }).map((amount): ProcessingTime => ({ amount, unit: 'working_hour' })),
  fc.integer({ min: 1, max: 6 }).map((amount): ProcessingTime => ({ amount, unit: 'half_day' })),
);
const limit = fc.oneof(dayLimit, hourLimit);
const hoursOf = (pt: ProcessingTime) => (pt.unit === 'half_day' ? pt.amount * 4 : pt.amount);

describe('deadline properties', () => {
  it('the due time is inside office hours of a working day (a session end for day limits) and after the reception', () => {
    fc.assert(
      fc.property(ctxArb, instant, limit, (ctx, received, pt) => {
        const { dueAt, calendarVersion } = computeDueAt(ctx, new Date(received), pt);
        const t = dueAt.getTime();
        expect(t).toBeGreaterThan(received);
        expect(workingTimeRemaining(ctx, dueAt, dueAt)).toBe(0);
        expect(naiveIsWorkingDay(localDate(t))).toBe(true);
        const m = localMinute(t);
        expect(t % MIN).toBe(0);
        const sessions = sessionsOf(ctx);
        expect(sessions.some((s) => m > s.start && m <= s.end)).toBe(true);
        if (pt.unit === 'working_day') expect(m).toBe(sessions[sessions.length - 1].end);
        expect(calendarVersion).toContain(`${localDate(received).slice(0, 4)}:`);
        expect(calendarVersion).toContain(`${localDate(t).slice(0, 4)}:`);
      }),
      { numRuns: 500 },
    );
  });

  it('is monotonic: a later reception or a longer limit never gives an earlier due time', () => {
    fc.assert(
      fc.property(ctxArb, instant, fc.integer({ min: 0, max: 5 * 24 * 60 }), limit, fc.integer({ min: 0, max: 5 }), (ctx, r, delta, pt, extra) => {
        const a = computeDueAt(ctx, new Date(r), pt).dueAt.getTime();
        const later = computeDueAt(ctx, new Date(r + delta * MIN), pt).dueAt.getTime();
        const longer = computeDueAt(ctx, new Date(r), { ...pt, amount: pt.amount + extra }).dueAt.getTime();
        expect(later).toBeGreaterThanOrEqual(a);
        expect(longer).toBeGreaterThanOrEqual(a);
      }),
      { numRuns: 400 },
    );
  });

  it('hour limits: exactly amount × 60 working minutes from the reception (or the next opening)', () => {
    fc.assert(
      fc.property(ctxArb, instant, hourLimit, (ctx, received, pt) => {
        const { dueAt } = computeDueAt(ctx, new Date(received), pt);
        expect(workingMinutesBetween(ctx, new Date(received), dueAt)).toBe(hoursOf(pt) * 60);
        expect(dueAt.getTime()).toBe(naiveAddWorkingMinutes(ctx, received, hoursOf(pt) * 60));
      }),
      { numRuns: 150 },
    );
  });

  it('day limits: the due date is the N-th working day after the reception date (brute force)', () => {
    fc.assert(
      fc.property(ctxArb, instant, dayLimit, (ctx, received, pt) => {
        const { dueAt } = computeDueAt(ctx, new Date(received), pt);
        expect(localDate(dueAt.getTime())).toBe(naiveNthWorkingDayAfter(localDate(received), pt.amount));
      }),
      { numRuns: 500 },
    );
  });

  it('timing classes are consistent', () => {
    fc.assert(
      fc.property(minuteInstant, minuteInstant, fc.constantFrom<'exact' | 'day'>('exact', 'day'), (resolved, due, mode) => {
        const c = timingClass(new Date(resolved), new Date(due), TZ, mode);
        if (c === 'early') expect(localDate(resolved) < localDate(due)).toBe(true);
        if (mode === 'exact') expect(c === 'late').toBe(resolved > due);
        else expect(c === 'late').toBe(localDate(resolved) > localDate(due));
        if (c === 'on-time') expect(localDate(resolved)).toBe(localDate(due));
      }),
      { numRuns: 500 },
    );
  });

  it('apologyCutoff is before the due time, at closing of the last working day before the due date', () => {
    fc.assert(
      fc.property(ctxArb, instant, limit, (ctx, received, pt) => {
        const { dueAt } = computeDueAt(ctx, new Date(received), pt);
        const cutoff = apologyCutoff(ctx, dueAt).getTime();
        expect(cutoff).toBeLessThan(dueAt.getTime());
        const cDate = localDate(cutoff);
        const dDate = localDate(dueAt.getTime());
        expect(cDate < dDate).toBe(true);
        expect(naiveIsWorkingDay(cDate)).toBe(true);
        expect(naiveNthWorkingDayAfter(cDate, 1) >= dDate).toBe(true); // no working day in between
        expect(localMinute(cutoff)).toBe(sessionsOf(ctx).at(-1)!.end);
      }),
      { numRuns: 300 },
    );
  });

  it('working minutes: remaining(due, due) = 0, antisymmetric, additive, equal to a minute count', () => {
    fc.assert(
      fc.property(ctxArb, instant, fc.integer({ min: -3 * 1440, max: 3 * 1440 }), fc.integer({ min: 0, max: 2 * 1440 }), (ctx, a, d1, d2) => {
        const A = new Date(a);
        const B = new Date(a + d1 * MIN);
        const C = new Date(a + d1 * MIN + d2 * MIN);
        expect(workingTimeRemaining(ctx, A, A)).toBe(0);
        expect(workingMinutesBetween(ctx, B, A) + workingMinutesBetween(ctx, A, B)).toBe(0);
        expect(workingMinutesBetween(ctx, A, C)).toBe(workingMinutesBetween(ctx, A, B) + workingMinutesBetween(ctx, B, C));
        let n = 0;
        for (let t = B.getTime(); t < C.getTime(); t += MIN) if (naiveWorkingMinute(ctx, t)) n++;
        expect(workingMinutesBetween(ctx, B, C)).toBe(n);
      }),
      { numRuns: 100 },
    );
  });

  it('nearDeadlineAt lies between the clock start and the due time, later for a larger fraction', () => {
    fc.assert(
      fc.property(
        ctxArb,
        instant,
        limit,
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 0, max: 5 }),
        (ctx, r, pt, f1, f2, days) => {
          const start = new Date(r);
          const { dueAt } = computeDueAt(ctx, start, pt);
          const [lo, hi] = f1 <= f2 ? [f1, f2] : [f2, f1];
          const a = nearDeadlineAt(ctx, start, dueAt, { kind: 'fraction-used', fraction: lo }).getTime();
          const b = nearDeadlineAt(ctx, start, dueAt, { kind: 'fraction-used', fraction: hi }).getTime();
          const c = nearDeadlineAt(ctx, start, dueAt, { kind: 'working-days-before', days }).getTime();
          for (const x of [a, b, c]) {
            expect(x).toBeGreaterThanOrEqual(r);
            expect(x).toBeLessThanOrEqual(dueAt.getTime());
          }
          expect(a).toBeLessThanOrEqual(b);
        },
      ),
      { numRuns: 300 },
    );
  });
});
