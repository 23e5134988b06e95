/**
 * Working days: Monday–Friday unless a holiday of the year's calendar, plus the weekend days the
 * calendar lists as worked (make-up Saturdays, làm bù).
 */
import type { LocalDate } from '../shared/types';
import { fromEpochDay, isoDayOfWeekOfEpochDay, toEpochDay, ymdFromEpochDay } from '../time/local-date';
import type { CalendarSource, YearCalendar } from './year-calendar';

interface CompiledYear {
  holidays: Set<number>;
  workingDays: Set<number>;
}

const compiled = new WeakMap<YearCalendar, CompiledYear>();

function compile(cal: YearCalendar): CompiledYear {
  let c = compiled.get(cal);
  if (!c) {
    c = { holidays: new Set(cal.holidays.map(toEpochDay)), workingDays: new Set(cal.workingDays.map(toEpochDay)) };
    compiled.set(cal, c);
  }
  return c;
}

/** The calendar a source gives for `year`, checked to be that year's. */
export function calendarForYear(source: CalendarSource, year: number): YearCalendar {
  const cal = source.forYear(year);
  if (!cal || cal.year !== year) throw new RangeError(`Calendar source returned no calendar for year ${year}`);
  return cal;
}

/** Working-day test on an epoch day (the hot path of deadline maths). */
export function isWorkingEpochDay(source: CalendarSource, epochDay: number): boolean {
  const c = compile(calendarForYear(source, ymdFromEpochDay(epochDay).year));
  if (c.workingDays.has(epochDay)) return true;
  return isoDayOfWeekOfEpochDay(epochDay) <= 5 && !c.holidays.has(epochDay);
}

export function isWorkingDay(source: CalendarSource, date: LocalDate): boolean {
  return isWorkingEpochDay(source, toEpochDay(date));
}

/** Longest run of days off tolerated before a calendar is declared broken (no working day). */
const MAX_DAYS_OFF_IN_A_ROW = 366;

/** The first working epoch day after (`step` = 1) or before (`step` = -1) `epochDay`, exclusive. */
export function nextWorkingEpochDay(source: CalendarSource, epochDay: number, step: 1 | -1 = 1): number {
  for (let i = 1; i <= MAX_DAYS_OFF_IN_A_ROW; i++) {
    const d = epochDay + step * i;
    if (isWorkingEpochDay(source, d)) return d;
  }
  throw new RangeError(`No working day within ${MAX_DAYS_OFF_IN_A_ROW} days of ${fromEpochDay(epochDay)}: check the calendar data`);
}

/** The first working day strictly after `date`. */
export function nextWorkingDay(source: CalendarSource, date: LocalDate): LocalDate {
  return fromEpochDay(nextWorkingEpochDay(source, toEpochDay(date), 1));
}

/** The last working day strictly before `date`. */
export function previousWorkingDay(source: CalendarSource, date: LocalDate): LocalDate {
  return fromEpochDay(nextWorkingEpochDay(source, toEpochDay(date), -1));
}

/**
 * The `n`-th working day after `date` (n ≥ 1; `date` itself is never counted — Civil Code
 * Art. 147: a period in days starts on the day after the event), or before it for n ≤ -1.
 */
export function addWorkingDays(source: CalendarSource, date: LocalDate, n: number): LocalDate {
  if (!Number.isInteger(n) || n === 0) throw new RangeError(`addWorkingDays: n must be a non-zero integer, got ${n}`);
  let d = toEpochDay(date);
  const step = n > 0 ? 1 : -1;
  for (let i = 0; i < Math.abs(n); i++) d = nextWorkingEpochDay(source, d, step);
  return fromEpochDay(d);
}
