/** The due time (hạn trả kết quả) computed at reception. */
import { nextWorkingEpochDay } from '../calendar/working-day';
import type { ProcessingTime } from '../shared/types';
import { ymdFromEpochDay } from '../time/local-date';
import { instantMsAt, localEpochDayOfMs } from '../time/zoned';
import { calendarVersionOf } from './calendar-version';
import type { WorkingTimeContext } from './context';
import { compileOfficeHours } from './office-hours';
import { processingTimeMs, validateProcessingTime } from './processing-time';
import { addWorkingMs } from './working-time';

export interface DueAt {
  dueAt: Date;
  /** Versions of the calendars of every year used, e.g. `2025:official-2025-v1`. */
  calendarVersion: string;
}

/**
 * Due time of a dossier received at `receivedAt`.
 *
 * - `working_day` (Civil Code Art. 147–148): the day of reception is not counted, whatever the
 *   hour and even on a working day; the limit ends at the end of office hours (closing of the
 *   last session) of the N-th working day after the local reception date. A reception on a day
 *   off or after hours is therefore counted from the next working day too.
 * - `working_hour`, `half_day` (policy; 1 half day = 4 working hours): counted in office hours
 *   from the moment of reception; outside office hours the count starts at the next opening. A
 *   count ending exactly at a session end (11:30, 17:00) is due at that instant.
 */
export function computeDueAt(ctx: WorkingTimeContext, receivedAt: Date, processingTime: ProcessingTime): DueAt {
  validateProcessingTime(processingTime);
  const receivedMs = receivedAt instanceof Date ? receivedAt.getTime() : NaN;
  if (!Number.isFinite(receivedMs)) throw new RangeError('computeDueAt: receivedAt must be a valid Date');
  const hours = compileOfficeHours(ctx.officeHours);
  const receivedDay = localEpochDayOfMs(receivedMs, ctx.timeZone);

  let dueMs: number;
  if (processingTime.unit === 'working_day') {
    let day = receivedDay;
    for (let i = 0; i < processingTime.amount; i++) day = nextWorkingEpochDay(ctx.calendars, day, 1);
    dueMs = instantMsAt(day, hours.closing, ctx.timeZone);
  } else {
    dueMs = addWorkingMs(ctx, receivedMs, processingTimeMs(processingTime));
  }
  const fromYear = ymdFromEpochDay(receivedDay).year;
  const toYear = ymdFromEpochDay(localEpochDayOfMs(dueMs, ctx.timeZone)).year;
  return { dueAt: new Date(dueMs), calendarVersion: calendarVersionOf(ctx.calendars, fromYear, toYear) };
}
