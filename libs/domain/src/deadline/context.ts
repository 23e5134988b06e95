/** What deadline maths needs to know about a unit: its zone, office hours and holiday calendars. */
import { defaultCalendarSource } from '../calendar/source';
import type { CalendarSource } from '../calendar/year-calendar';
import { DEFAULT_OFFICE_HOURS, DEFAULT_TIME_ZONE, type OfficeHours } from '../shared/types';
import { assertTimeZone } from '../time/zone-offset';
import { compileOfficeHours } from './office-hours';

export interface WorkingTimeContext {
  /** IANA zone of the unit, e.g. Asia/Ho_Chi_Minh. */
  timeZone: string;
  officeHours: OfficeHours;
  calendars: CalendarSource;
}

/**
 * A validated context; omitted fields default to Asia/Ho_Chi_Minh, HCMC office hours
 * (07:30–11:30, 13:00–17:00) and the shipped calendars with Labour Code fallback.
 */
export function createWorkingTimeContext(options: Partial<WorkingTimeContext> = {}): WorkingTimeContext {
  const ctx: WorkingTimeContext = {
    timeZone: options.timeZone ?? DEFAULT_TIME_ZONE,
    officeHours: options.officeHours ?? DEFAULT_OFFICE_HOURS,
    calendars: options.calendars ?? defaultCalendarSource,
  };
  assertTimeZone(ctx.timeZone);
  compileOfficeHours(ctx.officeHours);
  return ctx;
}
