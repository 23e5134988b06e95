/** Office hours: the sessions of a working day, e.g. 07:30–11:30 and 13:00–17:00 (unit policy). */
import type { OfficeHours } from '../shared/types';
import { parseLocalTime } from '../time/local-time';

/** A session in minutes since local midnight: work happens in [start, end). */
export interface SessionMinutes {
  start: number;
  end: number;
}

export interface CompiledOfficeHours {
  sessions: readonly SessionMinutes[];
  /** Working minutes of one working day. */
  minutesPerDay: number;
  /** Opening (first session start) and closing (last session end), minutes since midnight. */
  opening: number;
  closing: number;
}

const cache = new WeakMap<OfficeHours, CompiledOfficeHours>();

/**
 * Validates office hours and returns them in minutes. Rules: at least one session; each `HH:MM`
 * (00:00–23:59) with start < end; sessions sorted and non-overlapping (a session may start when
 * the previous one ends). Throws a RangeError naming the faulty session. Cached per object:
 * treat OfficeHours values as immutable.
 */
export function compileOfficeHours(hours: OfficeHours): CompiledOfficeHours {
  const hit = cache.get(hours);
  if (hit) return hit;
  if (!hours || !Array.isArray(hours.sessions) || hours.sessions.length === 0) {
    throw new RangeError('Invalid office hours: at least one session HH:MM–HH:MM is required');
  }
  const sessions: SessionMinutes[] = hours.sessions.map((s, i) => {
    const label = `session ${i + 1}`;
    const start = parseLocalTime(s?.start, `office hours ${label} start`);
    const end = parseLocalTime(s?.end, `office hours ${label} end`);
    if (start >= end) throw new RangeError(`Invalid office hours: ${label} ${s.start}–${s.end} must start before it ends`);
    return { start, end };
  });
  for (let i = 1; i < sessions.length; i++) {
    if (sessions[i].start < sessions[i - 1].end) {
      const a = hours.sessions[i - 1];
      const b = hours.sessions[i];
      throw new RangeError(
        `Invalid office hours: session ${i + 1} ${b.start}–${b.end} overlaps or precedes session ${i} ${a.start}–${a.end} (sessions must be sorted and must not overlap)`,
      );
    }
  }
  const compiled: CompiledOfficeHours = Object.freeze({
    sessions: Object.freeze(sessions),
    minutesPerDay: sessions.reduce((sum, s) => sum + s.end - s.start, 0),
    opening: sessions[0].start,
    closing: sessions[sessions.length - 1].end,
  });
  cache.set(hours, compiled);
  return compiled;
}

/** Throws a clear error unless the office hours are valid. */
export function validateOfficeHours(hours: OfficeHours): void {
  compileOfficeHours(hours);
}
