/** Validation of year calendars (shipped, fallback or admin-edited). */
import { assertLocalDate, isWeekend } from '../time';
import type { YearCalendar } from './year-calendar';

/** Throws a clear error unless `cal` is a consistent calendar of its year. */
export function validateYearCalendar(cal: YearCalendar): void {
  if (!Number.isInteger(cal.year) || cal.year < 1 || cal.year > 9999) {
    throw new RangeError(`Calendar year must be an integer in 1–9999, got ${cal.year}`);
  }
  const where = `calendar ${cal.year}`;
  if (typeof cal.version !== 'string' || cal.version.trim() === '') {
    throw new RangeError(`${where}: version must be a non-empty string`);
  }
  if (!['official', 'fallback', 'admin'].includes(cal.source)) {
    throw new RangeError(`${where}: source must be official, fallback or admin`);
  }
  const check = (list: unknown, name: string): Set<string> => {
    if (!Array.isArray(list)) throw new RangeError(`${where}: ${name} must be an array of dates`);
    for (const d of list) {
      assertLocalDate(d, `${name} date in ${where}`);
      if (Number(d.slice(0, 4)) !== cal.year) throw new RangeError(`${where}: ${name} date ${d} is not in ${cal.year}`);
    }
    return new Set(list as string[]);
  };
  const holidays = check(cal.holidays, 'holidays');
  const working = check(cal.workingDays, 'workingDays');
  for (const d of working) {
    if (holidays.has(d)) throw new RangeError(`${where}: ${d} is listed both as a holiday and as a working day`);
    if (!isWeekend(d)) throw new RangeError(`${where}: working day ${d} is not a Saturday or Sunday`);
  }
  if (cal.unconfirmed !== undefined) {
    for (const d of check(cal.unconfirmed, 'unconfirmed')) {
      if (!holidays.has(d) && !working.has(d)) {
        throw new RangeError(`${where}: unconfirmed date ${d} is neither a holiday nor a working day`);
      }
    }
  }
}
