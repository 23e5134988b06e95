/** The calendar version frozen into a deadline event (so a later calendar change never moves it). */
import { calendarForYear } from '../calendar/working-day';
import type { CalendarSource } from '../calendar/year-calendar';

/**
 * `YEAR:version` of every year from `fromYear` to `toYear`, comma-separated, e.g.
 * `2025:official-2025-v1` or `2025:official-2025-v1,2026:official-2026-v1`.
 */
export function calendarVersionOf(source: CalendarSource, fromYear: number, toYear: number): string {
  const parts: string[] = [];
  for (let y = Math.min(fromYear, toYear); y <= Math.max(fromYear, toYear); y++) {
    parts.push(`${y}:${calendarForYear(source, y).version}`);
  }
  return parts.join(',');
}
