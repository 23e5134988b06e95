/**
 * Calendar of a year without official data, from the fixed rules of Labour Code 2019 Art. 112
 * and the compensation rule of Art. 111.3. The government's yearly swaps and make-up Saturdays
 * cannot be predicted, so a fallback year has none.
 */
import type { LocalDate } from '../shared/types';
import { addDays, dayOfWeek, formatLocalDate } from '../time/local-date';
import { withWeekendCompensation } from './compensation';
import { hungKingsDay, lunarNewYear } from './lunar';
import { CalendarYearOutOfRange, isCalendarYear } from './range';
import type { YearCalendar } from './year-calendar';

/**
 * The day that accompanies 2 Sep (Art. 112.1.đ "2 Sep and one adjacent day, before or after").
 * Rule used (matches 2021–2025 practice): a weekday neighbour; if both are weekdays, the one that
 * extends a weekend (Mon 1 Sep / Fri 3 Sep); otherwise the day before (1 Sep).
 */
export function nationalDayAdjacentDay(year: number): LocalDate {
  const before = formatLocalDate(year, 9, 1);
  const after = formatLocalDate(year, 9, 3);
  const beforeDow = dayOfWeek(before);
  const afterDow = dayOfWeek(after);
  if (beforeDow >= 6) return after;
  if (afterDow >= 6) return before;
  if (afterDow === 5 && beforeDow !== 1) return after;
  return before;
}

/** Statutory holidays of `year` before compensation (Art. 112.1). */
export function statutoryHolidays(year: number): LocalDate[] {
  const tet = lunarNewYear(year);
  return [
    formatLocalDate(year, 1, 1),
    // Tết: 5 days. The exact days are decided each year; usual practice: eve + mùng 1–4.
    addDays(tet, -1),
    tet,
    addDays(tet, 1),
    addDays(tet, 2),
    addDays(tet, 3),
    hungKingsDay(year),
    formatLocalDate(year, 4, 30),
    formatLocalDate(year, 5, 1),
    formatLocalDate(year, 9, 2),
    nationalDayAdjacentDay(year),
  ];
}

/** Version string of a fallback year: stable as long as the rules in this file do not change. */
export const fallbackVersion = (year: number): string => `fallback-${year}`;

/** Weekends + Art. 112 holidays + Art. 111.3 compensation; `source: 'fallback'`. */
export function fallbackCalendar(year: number): YearCalendar {
  if (!isCalendarYear(year)) throw new CalendarYearOutOfRange(year);
  const { daysOff, compensation } = withWeekendCompensation(statutoryHolidays(year));
  const comp = compensation.length ? ` Compensation days (Art. 111.3): ${compensation.join(', ')}.` : '';
  return {
    year,
    holidays: daysOff,
    workingDays: [],
    version: fallbackVersion(year),
    source: 'fallback',
    note:
      `No official data for ${year}: computed from Labour Code Art. 112 (Tết taken as lunar new year's eve ` +
      `plus mùng 1–4, the usual practice) with weekend compensation (Art. 111.3); no swaps or make-up days.${comp}`,
  };
}
