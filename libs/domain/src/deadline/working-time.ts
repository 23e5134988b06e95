/**
 * Core working-time arithmetic on epoch milliseconds: the working intervals of a day, adding
 * working time to an instant and measuring working time between two instants.
 */
import { isWorkingEpochDay, nextWorkingEpochDay } from '../calendar/working-day';
import { instantMsAt, localEpochDayOfMs } from '../time/zoned';
import type { WorkingTimeContext } from './context';
import { compileOfficeHours } from './office-hours';

/** Working intervals [start, end) (epoch ms) of a local day; empty on a day off. */
export function workingIntervalsOf(ctx: WorkingTimeContext, epochDay: number): Array<[number, number]> {
  if (!isWorkingEpochDay(ctx.calendars, epochDay)) return [];
  const out: Array<[number, number]> = [];
  for (const s of compileOfficeHours(ctx.officeHours).sessions) {
    const start = instantMsAt(epochDay, s.start, ctx.timeZone);
    const end = instantMsAt(epochDay, s.end, ctx.timeZone);
    if (end > start) out.push([start, end]);
  }
  return out;
}

/**
 * The instant at which `amountMs` of working time has elapsed since `fromMs` (amountMs ≥ 0).
 * Time outside office hours does not count; a count that ends exactly at a session end is due at
 * that session end, not at the next opening. With amountMs = 0 this is the first working moment
 * at or after `fromMs`.
 */
export function addWorkingMs(ctx: WorkingTimeContext, fromMs: number, amountMs: number): number {
  if (!(amountMs >= 0) || !Number.isFinite(amountMs)) throw new RangeError(`Working time to add must be ≥ 0, got ${amountMs}`);
  let remaining = amountMs;
  let day = localEpochDayOfMs(fromMs, ctx.timeZone);
  for (;;) {
    for (const [s, e] of workingIntervalsOf(ctx, day)) {
      if (e <= fromMs) continue;
      const start = Math.max(s, fromMs);
      const available = e - start;
      if (remaining <= available) return start + remaining;
      remaining -= available;
    }
    day = nextWorkingEpochDay(ctx.calendars, day, 1);
  }
}

/** Working time (ms) in [fromMs, toMs); 0 when toMs ≤ fromMs. */
export function workingMsWithin(ctx: WorkingTimeContext, fromMs: number, toMs: number): number {
  if (toMs <= fromMs) return 0;
  const lastDay = localEpochDayOfMs(toMs, ctx.timeZone);
  let total = 0;
  for (let day = localEpochDayOfMs(fromMs, ctx.timeZone); day <= lastDay; day++) {
    for (const [s, e] of workingIntervalsOf(ctx, day)) {
      const overlap = Math.min(e, toMs) - Math.max(s, fromMs);
      if (overlap > 0) total += overlap;
    }
  }
  return total;
}
