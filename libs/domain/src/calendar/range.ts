/**
 * The dates the working calendar can compute: the Labour-Code fallback needs lunar dates, which
 * are known for 1901–2099 (the official data lies inside). Every date a request carries is checked
 * against this one rule, by the API (request validation), the import and the decider alike.
 *
 * Local dates are accepted from {@link SUPPORTED_DATES}.first to .last, inclusive; instants from
 * the first day 00:00 UTC to the last day 24:00 UTC, exclusive. One day is kept off each end so
 * that an instant in range has a local date inside the calendar's years in every time zone
 * (UTC−12 … UTC+14).
 */
export const CALENDAR_FIRST_YEAR = 1901;
export const CALENDAR_LAST_YEAR = 2099;

export const SUPPORTED_DATES = { first: `${CALENDAR_FIRST_YEAR}-01-02`, last: `${CALENDAR_LAST_YEAR}-12-30` } as const;

const FIRST_MS = Date.UTC(CALENDAR_FIRST_YEAR, 0, 2);
const END_MS = Date.UTC(CALENDAR_LAST_YEAR, 11, 31); // exclusive

/** "from 1901-01-02 to 2099-12-30": what messages say about the range. */
export const SUPPORTED_RANGE_TEXT = `from ${SUPPORTED_DATES.first} to ${SUPPORTED_DATES.last}`;

export function isCalendarYear(year: number): boolean {
  return Number.isInteger(year) && year >= CALENDAR_FIRST_YEAR && year <= CALENDAR_LAST_YEAR;
}

/** A local date YYYY-MM-DD (assumed well-formed) inside the supported range. */
export function isSupportedLocalDate(date: string): boolean {
  return date >= SUPPORTED_DATES.first && date <= SUPPORTED_DATES.last;
}

/** An instant inside the supported range (false for an invalid Date). */
export function isSupportedInstant(instant: Date): boolean {
  const t = instant instanceof Date ? instant.getTime() : NaN;
  return t >= FIRST_MS && t < END_MS;
}

/** The message for a date field outside the range, naming the field. */
export function outOfRangeMessage(field: string, value: string): string {
  return `${field} ${value} is outside the dates the working calendar supports: use a date ${SUPPORTED_RANGE_TEXT}`;
}

/**
 * Thrown by the calendar (and so by every deadline computation) for a year it cannot compute. A
 * RangeError, as before; the application turns it into a 422 where a request caused it.
 */
export class CalendarYearOutOfRange extends RangeError {
  constructor(
    readonly year: number,
    message = `fallbackCalendar: year must be an integer in ${CALENDAR_FIRST_YEAR}–${CALENDAR_LAST_YEAR}, got ${year}`,
  ) {
    super(message);
    this.name = 'CalendarYearOutOfRange';
  }
}
