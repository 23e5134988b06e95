/**
 * The supplement request's legal time (Nghị định 61/2018 Art. 19.4 as amended by Nghị định
 * 118/2025; domain.md "Steps a counter performs every day"): a dossier found incomplete after
 * reception must be returned with ONE complete list of what to add ("một lần đầy đủ") within 3
 * working days of its reception. The one definition of that limit: the day of reception is not
 * counted (as for every `working_day` limit, see `computeDueAt`), and the limit ends at the close of
 * office hours of the 3rd working day after it, in the unit's office hours and calendar.
 */
import type { WorkingTimeContext } from './context';
import { computeDueAt } from './due-at';

export const SUPPLEMENT_REQUEST_WORKING_DAYS = 3;

/** The last instant a supplement may be requested within the legal time, for a dossier received at `receivedAt`. */
export function supplementRequestLimit(ctx: WorkingTimeContext, receivedAt: Date): Date {
  return computeDueAt(ctx, receivedAt, { amount: SUPPLEMENT_REQUEST_WORKING_DAYS, unit: 'working_day' }).dueAt;
}

/** Whether a supplement requested at `requestedAt` is within the legal time (the limit itself included). */
export function isSupplementRequestWithinLegalTime(ctx: WorkingTimeContext, receivedAt: Date, requestedAt: Date): boolean {
  return requestedAt.getTime() <= supplementRequestLimit(ctx, receivedAt).getTime();
}
