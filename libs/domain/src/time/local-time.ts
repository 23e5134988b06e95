/** Wall-clock times of day, `HH:MM` (24 h, 00:00–23:59). */
import type { LocalTime } from '../shared/types';

const LOCAL_TIME_RE = /^([01]\d|2[0-3]):([0-5]\d)$/;

export function isLocalTime(value: unknown): value is LocalTime {
  return typeof value === 'string' && LOCAL_TIME_RE.test(value);
}

/** Minutes since midnight of `HH:MM`; throws a clear error on bad input. */
export function parseLocalTime(value: LocalTime, what = 'time'): number {
  const m = typeof value === 'string' ? LOCAL_TIME_RE.exec(value) : null;
  if (!m) throw new RangeError(`Invalid ${what} ${JSON.stringify(value)}: expected HH:MM between 00:00 and 23:59`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/** `HH:MM` of minutes since midnight (0–1439). */
export function formatLocalTime(minutes: number): LocalTime {
  if (!Number.isInteger(minutes) || minutes < 0 || minutes >= 1440) {
    throw new RangeError(`formatLocalTime: minutes must be an integer in [0, 1440), got ${minutes}`);
  }
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return `${h < 10 ? '0' : ''}${h}:${m < 10 ? '0' : ''}${m}`;
}
