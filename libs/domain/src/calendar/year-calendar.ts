/**
 * Per-year public-holiday data (Labour Code 2019 Art. 111–112): days off beyond weekends and
 * weekend days that are worked (làm bù). Data, not code: official years ship as data files, an
 * admin may override any year, and years without data fall back to the Labour Code rules.
 */
import type { LocalDate } from '../shared/types';

export type CalendarSourceKind = 'official' | 'fallback' | 'admin';

export interface YearCalendar {
  year: number;
  /** Days off besides weekends (including Art. 111.3 compensation days and swapped days). */
  holidays: LocalDate[];
  /** Weekend days that are working days (make-up Saturdays). */
  workingDays: LocalDate[];
  /** Stable identifier frozen into deadline events, e.g. `official-2025-v1`, `fallback-2027`. */
  version: string;
  source: CalendarSourceKind;
  /** Dates of `holidays`/`workingDays` inferred from the rules and not yet confirmed officially. */
  unconfirmed?: LocalDate[];
  note?: string;
}

/** Where deadline maths reads the calendar of a year. */
export interface CalendarSource {
  forYear(year: number): YearCalendar;
}
