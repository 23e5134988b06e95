export type { YearCalendar, CalendarSource, CalendarSourceKind } from './year-calendar';
export { OFFICIAL_CALENDARS } from './data';
export { fallbackCalendar, fallbackVersion, statutoryHolidays, nationalDayAdjacentDay } from './fallback';
export {
  CALENDAR_FIRST_YEAR,
  CALENDAR_LAST_YEAR,
  SUPPORTED_DATES,
  SUPPORTED_RANGE_TEXT,
  isCalendarYear,
  isSupportedLocalDate,
  isSupportedInstant,
  outOfRangeMessage,
  CalendarYearOutOfRange,
} from './range';
export { withWeekendCompensation } from './compensation';
export { lunarNewYear, hungKingsDay } from './lunar';
export { createCalendarSource, defaultCalendarSource } from './source';
export { validateYearCalendar } from './validate-calendar';
export { isWorkingDay, nextWorkingDay, previousWorkingDay, addWorkingDays } from './working-day';
// Local date/time helpers (time/) are exposed through this barrel.
export {
  localDateOf,
  localDateTimeOf,
  instantAt,
  addDays,
  daysBetween,
  dayOfWeek,
  isWeekend,
  isLocalDate,
  assertLocalDate,
  compareLocalDates,
  isLocalTime,
  parseLocalTime,
  formatLocalTime,
  assertTimeZone,
  zoneOffsetMinutes,
  type LocalDateTime,
  type IsoDayOfWeek,
} from '../time';
