/** Calendar sources: shipped official data, admin overrides, Labour Code fallback for other years. */
import { OFFICIAL_CALENDARS } from './data';
import { fallbackCalendar } from './fallback';
import { validateYearCalendar } from './validate-calendar';
import type { CalendarSource, YearCalendar } from './year-calendar';

function frozenCopy(cal: YearCalendar): YearCalendar {
  const copy: YearCalendar = {
    ...cal,
    holidays: Object.freeze([...cal.holidays].sort()) as string[],
    workingDays: Object.freeze([...cal.workingDays].sort()) as string[],
  };
  if (cal.unconfirmed) copy.unconfirmed = Object.freeze([...cal.unconfirmed].sort()) as string[];
  return Object.freeze(copy);
}

/**
 * A source answering, for each year: the override supplied by the application (admin-edited
 * years, `source: 'admin'` with a caller-chosen version), else the shipped official data, else
 * {@link fallbackCalendar}. Overrides are validated; at most one per year. Results are cached and
 * frozen, so the same object is returned for a year on every call.
 */
export function createCalendarSource(overrides: readonly YearCalendar[] = []): CalendarSource {
  const byYear = new Map<number, YearCalendar>();
  for (const cal of OFFICIAL_CALENDARS) byYear.set(cal.year, frozenCopy(cal));
  const seen = new Set<number>();
  for (const cal of overrides) {
    validateYearCalendar(cal);
    if (seen.has(cal.year)) throw new RangeError(`Two calendar overrides for year ${cal.year}`);
    seen.add(cal.year);
    byYear.set(cal.year, frozenCopy(cal));
  }
  return {
    forYear(year: number): YearCalendar {
      let cal = byYear.get(year);
      if (!cal) {
        cal = frozenCopy(fallbackCalendar(year));
        byYear.set(year, cal);
      }
      return cal;
    },
  };
}

/** Official data for 2024–2026, Labour Code fallback for every other year. */
export const defaultCalendarSource: CalendarSource = createCalendarSource();
