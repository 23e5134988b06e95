/** Legal processing times (thời hạn giải quyết) as written in the procedure catalogue. */
import type { ProcessingTime } from '../shared/types';

/** Working hours in one half-day ("01 buổi"). */
export const HOURS_PER_HALF_DAY = 4;

/**
 * Throws a clear error unless the processing time is usable: a known unit and a positive finite
 * amount; a whole number of days for `working_day`.
 */
export function validateProcessingTime(pt: ProcessingTime): void {
  if (!pt || !['working_day', 'half_day', 'working_hour'].includes(pt.unit)) {
    throw new RangeError(`Invalid processing time unit ${JSON.stringify(pt?.unit)}: expected working_day, half_day or working_hour`);
  }
  if (typeof pt.amount !== 'number' || !Number.isFinite(pt.amount) || pt.amount <= 0) {
    throw new RangeError(`Invalid processing time amount ${JSON.stringify(pt.amount)}: expected a positive number`);
  }
  if (pt.unit === 'working_day' && !Number.isInteger(pt.amount)) {
    throw new RangeError(`Invalid processing time: ${pt.amount} working days is not a whole number of days`);
  }
}

/** Working time of an hour-based limit in milliseconds (half_day = 4 working hours). */
export function processingTimeMs(pt: ProcessingTime): number {
  const hours = pt.unit === 'half_day' ? pt.amount * HOURS_PER_HALF_DAY : pt.amount;
  return Math.round(hours * 3_600_000);
}
