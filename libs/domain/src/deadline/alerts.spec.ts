import { addWorkingTime } from './add-working-time';
import { apologyCutoff } from './apology';
import { nearDeadlineAt } from './near-deadline';
import { workingMinutesBetween, workingTimeRemaining } from './remaining';
import { createWorkingTimeContext } from './context';
import { isOverdue, timingClass } from './timing';

/** An HCMC wall time `YYYY-MM-DDTHH:MM` as an instant (+07:00). */
const hcm = (local: string): Date => new Date(`${local}:00+07:00`);
/** The HCMC wall time of an instant, `YYYY-MM-DDTHH:MM`. */
const wall = (d: Date): string => new Date(d.getTime() + 7 * 3_600_000).toISOString().slice(0, 16);
const HCMC = createWorkingTimeContext();

const TZ = 'Asia/Ho_Chi_Minh';

describe('working minutes', () => {
  it('counts only office hours of working days', () => {
    expect(workingMinutesBetween(HCMC, hcm('2025-03-04T11:10'), hcm('2025-03-04T13:40'))).toBe(60);
    expect(workingMinutesBetween(HCMC, hcm('2025-03-04T07:30'), hcm('2025-03-05T07:30'))).toBe(480);
    expect(workingMinutesBetween(HCMC, hcm('2025-04-29T17:00'), hcm('2025-05-05T07:30'))).toBe(0);
    expect(workingMinutesBetween(HCMC, hcm('2025-04-25T10:00'), hcm('2025-04-29T17:00'))).toBe(90 + 240 + 3 * 480);
  });

  it('is signed: negative when `to` is before `from`, zero when equal', () => {
    expect(workingMinutesBetween(HCMC, hcm('2025-03-04T13:40'), hcm('2025-03-04T11:10'))).toBe(-60);
    expect(workingMinutesBetween(HCMC, hcm('2025-03-04T10:00'), hcm('2025-03-04T10:00'))).toBe(0);
  });

  it('workingTimeRemaining is negative once overdue in working time', () => {
    const due = hcm('2025-03-04T17:00');
    expect(workingTimeRemaining(HCMC, hcm('2025-03-04T16:00'), due)).toBe(60);
    expect(workingTimeRemaining(HCMC, due, due)).toBe(0);
    expect(workingTimeRemaining(HCMC, hcm('2025-03-04T18:00'), due)).toBe(0);
    expect(isOverdue(hcm('2025-03-04T18:00'), due)).toBe(true);
    expect(workingTimeRemaining(HCMC, hcm('2025-03-05T08:30'), due)).toBe(-60);
  });

  it('addWorkingTime', () => {
    expect(wall(addWorkingTime(HCMC, hcm('2025-03-04T11:10'), 60))).toBe('2025-03-04T13:40');
    expect(wall(addWorkingTime(HCMC, hcm('2025-03-04T17:30'), 0))).toBe('2025-03-05T07:30');
  });
});

describe('apologyCutoff (Nghị định 61/2018 Art. 19.9)', () => {
  it('is the end of office hours of the last working day before the due date', () => {
    expect(wall(apologyCutoff(HCMC, hcm('2025-04-29T17:00')))).toBe('2025-04-28T17:00');
    expect(wall(apologyCutoff(HCMC, hcm('2025-04-28T17:00')))).toBe('2025-04-26T17:00'); // make-up Saturday
    expect(wall(apologyCutoff(HCMC, hcm('2024-02-15T17:00')))).toBe('2024-02-07T17:00'); // before Tết
    expect(wall(apologyCutoff(HCMC, hcm('2025-03-04T13:40')))).toBe('2025-03-03T17:00');
  });
});

describe('nearDeadlineAt', () => {
  const start = hcm('2025-03-03T07:30'); // Monday
  const due = hcm('2025-03-06T17:00'); // Thursday: 4 working days = 1920 min allowed

  it('fraction-used: 75 % of the allowed working time', () => {
    expect(wall(nearDeadlineAt(HCMC, start, due, { kind: 'fraction-used', fraction: 0.75 }))).toBe('2025-03-05T17:00'); // 1440 of 1920 min, ends at a session end
    expect(wall(nearDeadlineAt(HCMC, start, due, { kind: 'fraction-used', fraction: 0.5 }))).toBe('2025-03-04T17:00');
    expect(nearDeadlineAt(HCMC, start, due, { kind: 'fraction-used', fraction: 1 })).toEqual(due);
    expect(() => nearDeadlineAt(HCMC, start, due, { kind: 'fraction-used', fraction: 1.5 })).toThrow(/\[0, 1\]/);
  });

  it('working-days-before: opening of the N-th working day before the due day', () => {
    expect(wall(nearDeadlineAt(HCMC, start, due, { kind: 'working-days-before', days: 1 }))).toBe('2025-03-05T07:30');
    expect(wall(nearDeadlineAt(HCMC, start, due, { kind: 'working-days-before', days: 0 }))).toBe('2025-03-06T07:30');
    // Never before the clock start, never after the due time.
    expect(nearDeadlineAt(HCMC, start, due, { kind: 'working-days-before', days: 10 })).toEqual(start);
    const shortDue = hcm('2025-03-03T08:30');
    expect(nearDeadlineAt(HCMC, start, shortDue, { kind: 'working-days-before', days: 0 })).toEqual(start);
  });
});

describe('timingClass', () => {
  const due = hcm('2025-04-29T17:00');
  it('exact mode', () => {
    expect(timingClass(hcm('2025-04-28T16:00'), due, TZ)).toBe('early');
    expect(timingClass(hcm('2025-04-29T07:00'), due, TZ)).toBe('on-time');
    expect(timingClass(due, due, TZ)).toBe('on-time');
    expect(timingClass(hcm('2025-04-29T17:01'), due, TZ)).toBe('late');
    expect(timingClass(hcm('2025-05-05T08:00'), due, TZ)).toBe('late');
  });
  it('day mode counts dates only', () => {
    expect(timingClass(hcm('2025-04-29T17:01'), due, TZ, 'day')).toBe('on-time');
    expect(timingClass(hcm('2025-04-29T23:59'), due, TZ, 'day')).toBe('on-time');
    expect(timingClass(hcm('2025-04-30T00:00'), due, TZ, 'day')).toBe('late');
    expect(timingClass(hcm('2025-04-28T23:59'), due, TZ, 'day')).toBe('early');
  });
  it('isOverdue is strict', () => {
    expect(isOverdue(due, due)).toBe(false);
    expect(isOverdue(new Date(due.getTime() + 1), due)).toBe(true);
  });
});
