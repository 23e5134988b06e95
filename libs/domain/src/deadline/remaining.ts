/** Working time between instants, and working time left before a due time. */
import type { WorkingTimeContext } from './context';
import { workingMsWithin } from './working-time';

const MS_PER_MINUTE = 60_000;

function instantMs(d: Date, name: string): number {
  const t = d instanceof Date ? d.getTime() : NaN;
  if (!Number.isFinite(t)) throw new RangeError(`${name} must be a valid Date`);
  return t;
}

/**
 * Working minutes (office hours of working days) between two instants. Signed: negative when
 * `to` is before `from` (the working time from `to` to `from`, negated), 0 when equal. Fractional
 * when the instants are not on whole minutes.
 */
export function workingMinutesBetween(ctx: WorkingTimeContext, from: Date, to: Date): number {
  const a = instantMs(from, 'from');
  const b = instantMs(to, 'to');
  const ms = a <= b ? workingMsWithin(ctx, a, b) : -workingMsWithin(ctx, b, a);
  return ms === 0 ? 0 : ms / MS_PER_MINUTE;
}

/**
 * Working minutes left from `now` until `dueAt`: positive while pending in time, negative once
 * overdue (by the working time elapsed since the due time). Note that a dossier just past its due
 * time outside office hours (e.g. 18:00 after a 17:00 due) has 0 working minutes left yet is
 * overdue: use {@link isOverdue} for the state, this for the amount.
 */
export function workingTimeRemaining(ctx: WorkingTimeContext, now: Date, dueAt: Date): number {
  return workingMinutesBetween(ctx, now, dueAt);
}
