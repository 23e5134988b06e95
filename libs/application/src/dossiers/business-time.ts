import {
  CalendarYearOutOfRange,
  computeDueAt,
  DateOutOfRange,
  DueAt,
  ExistingDossier,
  isSupportedInstant,
  localDateOf,
  OccurredInFuture,
  ProcessingTime,
  resumedDueAt,
  ResumedDueAt,
  WorkingTimeContext,
} from '@motcua/domain';
import { CommandContext } from '../context';
import { RuleViolationError } from '../errors';

export const DEFAULT_EARLIEST_BUSINESS_DATE = '2000-01-01';

/**
 * A business time given by the client: not in the future (checked first), not before the
 * earliest business date, and inside what the working calendar can compute.
 */
export function checkBusinessTime(occurredAt: Date, now: Date, timeZone: string, earliest: string): void {
  if (occurredAt.getTime() > now.getTime()) throw new OccurredInFuture(occurredAt.toISOString(), now.toISOString());
  if (!isSupportedInstant(occurredAt)) throw new DateOutOfRange('occurredAt', occurredAt.toISOString());
  const day = localDateOf(occurredAt, timeZone);
  if (day < earliest) {
    throw new RuleViolationError(
      'occurred-too-early',
      `occurredAt ${occurredAt.toISOString()} (${day}) is before ${earliest}, the earliest business date this service accepts`,
      {
        field: 'occurredAt',
        earliest,
      },
    );
  }
}

/**
 * The request's context for a decision on the state just read. The server's `now` is taken after
 * the read, so it is never older than the stream it is appended to: a command sent without a
 * business time is not refused as "before the last step" because another request, started
 * later, was written first. (Between processes whose clocks differ by a few milliseconds, the
 * last step's time is used when it is ahead.)
 */
export function afterRead(request: CommandContext, state: ExistingDossier): CommandContext {
  let now = Math.max(request.now.getTime(), Date.now());
  if (request.occurredAt === undefined) {
    const last = Date.parse(state.lastStepOccurredAt);
    if (Number.isFinite(last) && last > now && last - now < 60_000) now = last;
  }
  return { ...request, now: new Date(now) };
}

/**
 * The due time, or a 422 when the calendar cannot compute it (a reception late in the last year
 * it covers) or it falls outside the supported range: never a RangeError (500).
 */
export function dueAtWithinRange(wt: WorkingTimeContext, from: Date, processingTime: ProcessingTime): DueAt {
  let due: DueAt;
  try {
    due = computeDueAt(wt, from, processingTime);
  } catch (err) {
    if (err instanceof CalendarYearOutOfRange) {
      throw new DateOutOfRange(
        'dueAt',
        `computed from ${from.toISOString()}`,
        `The due time computed from ${from.toISOString()} falls in ${err.year}, outside the dates the working calendar supports`,
      );
    }
    throw err;
  }
  if (!isSupportedInstant(due.dueAt)) {
    throw new DateOutOfRange(
      'dueAt',
      due.dueAt.toISOString(),
      `The due time computed from ${from.toISOString()} (${due.dueAt.toISOString()}) is outside the dates the working calendar supports`,
    );
  }
  return due;
}

/**
 * The due time after a pause (issue #14), or a 422 when the calendar cannot compute it or it falls
 * outside the supported range: never a RangeError (500). A resume dated before the pause is left to
 * the decider (occurred-before-previous-event): nothing is moved then.
 */
export function resumedDueAtWithinRange(wt: WorkingTimeContext, pausedAt: Date, resumedAt: Date, previousDueAt: Date): ResumedDueAt {
  if (resumedAt.getTime() < pausedAt.getTime()) return { dueAt: previousDueAt, pausedWorkingMinutes: 0, calendarVersion: 'unchanged' };
  let moved: ResumedDueAt;
  try {
    moved = resumedDueAt(wt, pausedAt, resumedAt, previousDueAt);
  } catch (err) {
    if (err instanceof CalendarYearOutOfRange) {
      throw new DateOutOfRange(
        'dueAt',
        `moved from ${previousDueAt.toISOString()}`,
        `The due time moved by the pause falls in ${err.year}, outside the dates the working calendar supports`,
      );
    }
    throw err;
  }
  if (!isSupportedInstant(moved.dueAt)) throw new DateOutOfRange('dueAt', moved.dueAt.toISOString());
  return moved;
}
