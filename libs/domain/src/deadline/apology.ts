/** Apology cut-off (Nghị định 61/2018 Art. 19.9). */
import { nextWorkingEpochDay } from '../calendar/working-day';
import { instantMsAt, localEpochDayOfMs } from '../time/zoned';
import type { WorkingTimeContext } from './context';
import { compileOfficeHours } from './office-hours';

/**
 * The last moment to send the apology and re-appointment slip in time. Art. 19.9 requires it "at
 * the latest one day before the due date": the end of office hours (closing of the last session)
 * of the last working day strictly before the local date of `dueAt`. Always before `dueAt`.
 */
export function apologyCutoff(ctx: WorkingTimeContext, dueAt: Date): Date {
  const dueMs = dueAt.getTime();
  if (!Number.isFinite(dueMs)) throw new RangeError('apologyCutoff: dueAt must be a valid Date');
  const dueDay = localEpochDayOfMs(dueMs, ctx.timeZone);
  const day = nextWorkingEpochDay(ctx.calendars, dueDay, -1);
  return new Date(instantMsAt(day, compileOfficeHours(ctx.officeHours).closing, ctx.timeZone));
}
