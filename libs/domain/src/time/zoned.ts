/** Conversion between instants (`Date`) and local wall time in an IANA zone. */
import type { LocalDate, LocalTime } from '../shared/types';
import { fromEpochDay, toEpochDay } from './local-date';
import { parseLocalTime } from './local-time';
import { fixedOffsetRule, zoneOffsetMs } from './zone-offset';

export const MS_PER_MINUTE = 60_000;
export const MS_PER_DAY = 86_400_000;

/** A local wall-clock reading: the date (as epoch day and string) and the minute of the day. */
export interface LocalDateTime {
  date: LocalDate;
  epochDay: number;
  /** Milliseconds since local midnight (0 ≤ msOfDay < 86 400 000). */
  msOfDay: number;
}

function assertInstant(instant: Date): number {
  const t = instant instanceof Date ? instant.getTime() : NaN;
  if (!Number.isFinite(t)) throw new RangeError('Invalid instant: expected a valid Date');
  return t;
}

/** Epoch day of the local date of an instant (epoch ms). */
export function localEpochDayOfMs(epochMs: number, timeZone: string): number {
  return Math.floor((epochMs + zoneOffsetMs(epochMs, timeZone)) / MS_PER_DAY);
}

/** The local date and time of an instant in `timeZone`. */
export function localDateTimeOf(instant: Date, timeZone: string): LocalDateTime {
  const t = assertInstant(instant);
  const wall = t + zoneOffsetMs(t, timeZone);
  const epochDay = Math.floor(wall / MS_PER_DAY);
  return { date: fromEpochDay(epochDay), epochDay, msOfDay: wall - epochDay * MS_PER_DAY };
}

/** The local calendar date of an instant in `timeZone`. */
export function localDateOf(instant: Date, timeZone: string): LocalDate {
  const t = assertInstant(instant);
  return fromEpochDay(localEpochDayOfMs(t, timeZone));
}

/**
 * The instant (epoch ms) of a wall-clock reading, given as epoch day + minute of the day.
 * In DST zones a skipped wall time maps forward by the gap and a repeated one to its first
 * occurrence (the "compatible" rule of Temporal / RFC 5545).
 */
export function instantMsAt(epochDay: number, minuteOfDay: number, timeZone: string): number {
  const wall = epochDay * MS_PER_DAY + minuteOfDay * MS_PER_MINUTE;
  const rule = fixedOffsetRule(timeZone);
  if (rule && wall - rule.offsetMs >= rule.sinceMs) return wall - rule.offsetMs;
  const before = zoneOffsetMs(wall - MS_PER_DAY, timeZone);
  const after = zoneOffsetMs(wall + MS_PER_DAY, timeZone);
  let best = Infinity;
  for (const off of before === after ? [before] : [before, after]) {
    const t = wall - off;
    if (zoneOffsetMs(t, timeZone) === off && t < best) best = t;
  }
  // In a gap no offset fits: read the wall time with the offset in force before the gap.
  return Number.isFinite(best) ? best : wall - before;
}

/** The instant at which the wall clock of `timeZone` shows `localTime` on `localDate`. */
export function instantAt(localDate: LocalDate, localTime: LocalTime, timeZone: string): Date {
  return new Date(instantMsAt(toEpochDay(localDate), parseLocalTime(localTime), timeZone));
}
