/** The due time after a pause (issue #14): moved later by the working time spent paused. */
import { ymdFromEpochDay } from '../time/local-date';
import { localEpochDayOfMs } from '../time/zoned';
import { calendarVersionOf } from './calendar-version';
import type { WorkingTimeContext } from './context';
import { addWorkingMs, workingMsWithin } from './working-time';

const MS_PER_MINUTE = 60_000;

export interface ResumedDueAt {
  dueAt: Date;
  /** Working minutes (office hours of working days of the unit) between the pause and the resume, rounded to the minute. */
  pausedWorkingMinutes: number;
  /** Versions of the calendars of every year used, from the pause to the new due time. */
  calendarVersion: string;
}

/**
 * Unlike a supplement, a pause does not restart the clock: the due time in force moves later by the
 * working time that passed between `pausedAt` and `resumedAt`, counted in the unit's office hours and
 * holiday calendar (a weekend or a holiday inside the pause does not count, nor do evenings), and
 * added to the due time in the same working time (so a due time at a session end moves into the next
 * session). Rounded to the minute; a pause entirely outside office hours moves nothing.
 */
export function resumedDueAt(ctx: WorkingTimeContext, pausedAt: Date, resumedAt: Date, previousDueAt: Date): ResumedDueAt {
  const from = pausedAt.getTime();
  const to = resumedAt.getTime();
  const due = previousDueAt.getTime();
  if (![from, to, due].every(Number.isFinite)) throw new RangeError('resumedDueAt: every instant must be a valid Date');
  if (to < from) throw new RangeError('resumedDueAt: the resume is before the pause');
  const minutes = Math.round(workingMsWithin(ctx, from, to) / MS_PER_MINUTE);
  const dueMs = minutes === 0 ? due : addWorkingMs(ctx, due, minutes * MS_PER_MINUTE);
  const fromYear = ymdFromEpochDay(localEpochDayOfMs(Math.min(from, due), ctx.timeZone)).year;
  const toYear = ymdFromEpochDay(localEpochDayOfMs(Math.max(dueMs, to), ctx.timeZone)).year;
  return { dueAt: new Date(dueMs), pausedWorkingMinutes: minutes, calendarVersion: calendarVersionOf(ctx.calendars, fromYear, toYear) };
}
