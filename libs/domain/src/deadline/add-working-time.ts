/** Adding working time to an instant (e.g. for a re-appointment or a custom alert). */
import type { WorkingTimeContext } from './context';
import { addWorkingMs } from './working-time';

/**
 * The instant when `minutes` (≥ 0) working minutes have elapsed from `from`, counting only office
 * hours of working days; ends exactly at a session end when the count does.
 */
export function addWorkingTime(ctx: WorkingTimeContext, from: Date, minutes: number): Date {
  const t = from.getTime();
  if (!Number.isFinite(t)) throw new RangeError('addWorkingTime: from must be a valid Date');
  return new Date(addWorkingMs(ctx, t, Math.round(minutes * 60_000)));
}
