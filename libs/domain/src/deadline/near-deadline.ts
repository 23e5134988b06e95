/** When a pending dossier becomes "nearly due" (sắp đến hạn): a configurable alert policy. */
import { isWorkingEpochDay, nextWorkingEpochDay } from '../calendar/working-day';
import { instantMsAt, localEpochDayOfMs } from '../time/zoned';
import type { WorkingTimeContext } from './context';
import { compileOfficeHours } from './office-hours';
import { addWorkingMs, workingMsWithin } from './working-time';

export type NearDeadlinePolicy =
  /** `fraction` (0–1) of the working time between the clock start and the due time is used. */
  | { kind: 'fraction-used'; fraction: number }
  /** Opening of office hours on the `days`-th working day before the due day (0 = the due day). */
  | { kind: 'working-days-before'; days: number };

/**
 * The near-deadline alert instant, clamped to [clockStartedAt, dueAt] (never later than the due
 * time; an alert whose moment lies before the clock start fires at the clock start).
 *
 * - `fraction-used`: the allowed working time is the office-hours time from `clockStartedAt`
 *   (reception, or supplement received) to `dueAt`; the alert is when `fraction` of it has
 *   elapsed, e.g. 0.75 → 75 % used.
 * - `working-days-before`: the first session opening of the `days`-th working day before the
 *   local due date (days = 1: opening of the last working day before the due day; days = 0:
 *   opening of the due day, or of the last working day before it if the due day is a day off).
 */
export function nearDeadlineAt(ctx: WorkingTimeContext, clockStartedAt: Date, dueAt: Date, policy: NearDeadlinePolicy): Date {
  const startMs = clockStartedAt.getTime();
  const dueMs = dueAt.getTime();
  if (!Number.isFinite(startMs) || !Number.isFinite(dueMs)) throw new RangeError('nearDeadlineAt: dates must be valid');
  if (startMs >= dueMs) return new Date(dueMs);
  let atMs: number;
  if (policy.kind === 'fraction-used') {
    const f = policy.fraction;
    if (typeof f !== 'number' || !(f >= 0 && f <= 1)) throw new RangeError(`Near-deadline fraction must be in [0, 1], got ${f}`);
    const allowed = workingMsWithin(ctx, startMs, dueMs);
    atMs = allowed === 0 ? dueMs : addWorkingMs(ctx, startMs, Math.round(allowed * f));
  } else if (policy.kind === 'working-days-before') {
    const n = policy.days;
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`Near-deadline days must be a whole number ≥ 0, got ${n}`);
    let day = localEpochDayOfMs(dueMs, ctx.timeZone);
    if (n === 0 && !isWorkingEpochDay(ctx.calendars, day)) day = nextWorkingEpochDay(ctx.calendars, day, -1);
    for (let i = 0; i < n; i++) day = nextWorkingEpochDay(ctx.calendars, day, -1);
    atMs = instantMsAt(day, compileOfficeHours(ctx.officeHours).opening, ctx.timeZone);
  } else {
    throw new RangeError(`Unknown near-deadline policy ${JSON.stringify((policy as { kind?: unknown }).kind)}`);
  }
  return new Date(Math.min(dueMs, Math.max(startMs, atMs)));
}
