/**
 * Arithmetic on local calendar dates (`YYYY-MM-DD`, proleptic Gregorian).
 * Pure integer maths on "epoch days" (days since 1970-01-01): no Date, no time zone.
 */
import type { LocalDate } from '../shared/types';

const LOCAL_DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** ISO day of week: 1 = Monday … 7 = Sunday. */
export type IsoDayOfWeek = 1 | 2 | 3 | 4 | 5 | 6 | 7;

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1];
}

/** True for a well-formed, existing date such as `2024-02-29`. */
export function isLocalDate(value: unknown): value is LocalDate {
  if (typeof value !== 'string') return false;
  const m = LOCAL_DATE_RE.exec(value);
  if (!m) return false;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** Throws a clear error unless `value` is a valid `YYYY-MM-DD`. */
export function assertLocalDate(value: unknown, what = 'date'): asserts value is LocalDate {
  if (!isLocalDate(value)) {
    throw new RangeError(`Invalid ${what} ${JSON.stringify(value)}: expected an existing date YYYY-MM-DD`);
  }
}

/** Days from 1970-01-01 to y-m-d (Howard Hinnant's days_from_civil). */
export function epochDayFromYmd(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Inverse of {@link epochDayFromYmd} (civil_from_days). */
export function ymdFromEpochDay(epochDay: number): { year: number; month: number; day: number } {
  const z = epochDay + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

export function formatLocalDate(year: number, month: number, day: number): LocalDate {
  const y = year >= 0 && year < 10000 ? String(year).padStart(4, '0') : String(year);
  return `${y}-${pad2(month)}-${pad2(day)}`;
}

/** Epoch day of a local date (validated). */
export function toEpochDay(date: LocalDate): number {
  assertLocalDate(date);
  return epochDayFromYmd(Number(date.slice(0, 4)), Number(date.slice(5, 7)), Number(date.slice(8, 10)));
}

export function fromEpochDay(epochDay: number): LocalDate {
  const { year, month, day } = ymdFromEpochDay(epochDay);
  return formatLocalDate(year, month, day);
}

/** `date` plus `days` calendar days (negative to go back). */
export function addDays(date: LocalDate, days: number): LocalDate {
  if (!Number.isInteger(days)) throw new RangeError(`addDays: days must be an integer, got ${days}`);
  return fromEpochDay(toEpochDay(date) + days);
}

/** Calendar days from `a` to `b` (positive when b is later). */
export function daysBetween(a: LocalDate, b: LocalDate): number {
  return toEpochDay(b) - toEpochDay(a);
}

/** ISO day of week of an epoch day (1970-01-01 was a Thursday). */
export function isoDayOfWeekOfEpochDay(epochDay: number): IsoDayOfWeek {
  return (((((epochDay + 3) % 7) + 7) % 7) + 1) as IsoDayOfWeek;
}

/** ISO day of week: 1 = Monday … 6 = Saturday, 7 = Sunday. */
export function dayOfWeek(date: LocalDate): IsoDayOfWeek {
  return isoDayOfWeekOfEpochDay(toEpochDay(date));
}

export function isWeekend(date: LocalDate): boolean {
  return dayOfWeek(date) >= 6;
}

/** The year of a local date. */
export function yearOf(date: LocalDate): number {
  assertLocalDate(date);
  return Number(date.slice(0, 4));
}

/** Lexicographic order equals chronological order for `YYYY-MM-DD` (years 0000–9999). */
export function compareLocalDates(a: LocalDate, b: LocalDate): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
