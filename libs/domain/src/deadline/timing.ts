/** Timing classes of resolved dossiers and the overdue test (Thông tư 01/2018, Chỉ số 1). */
import type { TimingClass } from '../shared/types';
import { localEpochDayOfMs } from '../time/zoned';

export type TimingMode = 'exact' | 'day';

/**
 * - `exact` (default): **late** = resolved after the due time; **early** = resolved on a local
 *   calendar day before the due day; otherwise **on-time** (on the due day, not after the due time).
 * - `day` (unit policy, count by date only): late iff the local resolution date is after the due
 *   date, early iff before, on-time on the due date whatever the hour.
 */
export function timingClass(resolvedAt: Date, dueAt: Date, timeZone: string, mode: TimingMode = 'exact'): TimingClass {
  const r = resolvedAt.getTime();
  const d = dueAt.getTime();
  if (!Number.isFinite(r) || !Number.isFinite(d)) throw new RangeError('timingClass: resolvedAt and dueAt must be valid Dates');
  const rDay = localEpochDayOfMs(r, timeZone);
  const dDay = localEpochDayOfMs(d, timeZone);
  if (mode === 'day') return rDay > dDay ? 'late' : rDay < dDay ? 'early' : 'on-time';
  if (mode !== 'exact') throw new RangeError(`timingClass: unknown mode ${JSON.stringify(mode)}`);
  if (r > d) return 'late';
  return rDay < dDay ? 'early' : 'on-time';
}

/** Overdue (quá hạn) strictly after the due time; at the due time itself a dossier is still in time. */
export function isOverdue(now: Date, dueAt: Date): boolean {
  return now.getTime() > dueAt.getTime();
}
