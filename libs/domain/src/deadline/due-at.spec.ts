import { computeDueAt } from './due-at';
import { createWorkingTimeContext } from './context';

/** An HCMC wall time `YYYY-MM-DDTHH:MM` as an instant (+07:00). */
const hcm = (local: string): Date => new Date(`${local}:00+07:00`);
/** The HCMC wall time of an instant, `YYYY-MM-DDTHH:MM`. */
const wall = (d: Date): string => new Date(d.getTime() + 7 * 3_600_000).toISOString().slice(0, 16);
const HCMC = createWorkingTimeContext();
const HANOI = createWorkingTimeContext({
  officeHours: {
    sessions: [
      { start: '08:00', end: '12:00' },
      { start: '13:00', end: '17:00' },
    ],
  },
});

const days = (amount: number) => ({ amount, unit: 'working_day' as const });
const hours = (amount: number) => ({ amount, unit: 'working_hour' as const });
const halfDays = (amount: number) => ({ amount, unit: 'half_day' as const });

describe('computeDueAt — worked examples (HCMC, 07:30–11:30 / 13:00–17:00)', () => {
  it('3 working days from Fri 25 Apr 2025 10:00 → Tue 29 Apr 2025 17:00 (make-up Sat 26 Apr counts)', () => {
    const r = computeDueAt(HCMC, hcm('2025-04-25T10:00'), days(3));
    expect(r.dueAt.toISOString()).toBe('2025-04-29T10:00:00.000Z');
    expect(wall(r.dueAt)).toBe('2025-04-29T17:00');
    expect(r.calendarVersion).toBe('2025:official-2025-v1');
  });

  it('3 working days received on Thu 8 Feb 2024 (Tết) → Mon 19 Feb 2024 17:00', () => {
    expect(wall(computeDueAt(HCMC, hcm('2024-02-08T09:00'), days(3)).dueAt)).toBe('2024-02-19T17:00');
  });

  it('the reception day is not counted whatever the hour', () => {
    expect(wall(computeDueAt(HCMC, hcm('2025-03-04T07:00'), days(1)).dueAt)).toBe('2025-03-05T17:00');
    expect(wall(computeDueAt(HCMC, hcm('2025-03-04T07:30'), days(1)).dueAt)).toBe('2025-03-05T17:00');
    expect(wall(computeDueAt(HCMC, hcm('2025-03-04T23:59'), days(1)).dueAt)).toBe('2025-03-05T17:00');
  });

  it('1 working hour received at 11:10 → 13:40 the same day (lunch skipped)', () => {
    expect(wall(computeDueAt(HCMC, hcm('2025-03-04T11:10'), hours(1)).dueAt)).toBe('2025-03-04T13:40');
  });

  it('a half day (4 h) received at 16:30 → 11:00 the next working day', () => {
    expect(wall(computeDueAt(HCMC, hcm('2025-03-04T16:30'), halfDays(1)).dueAt)).toBe('2025-03-05T11:00');
    // Friday before the 30 Apr – 2 May holidays of 2025, then the weekend: next working day Mon 5 May.
    expect(wall(computeDueAt(HCMC, hcm('2025-04-29T16:30'), halfDays(1)).dueAt)).toBe('2025-05-05T11:00');
  });

  it('ends exactly at a session end rather than at the next opening', () => {
    expect(wall(computeDueAt(HCMC, hcm('2025-03-04T10:30'), hours(1)).dueAt)).toBe('2025-03-04T11:30');
    expect(wall(computeDueAt(HCMC, hcm('2025-03-04T13:00'), hours(4)).dueAt)).toBe('2025-03-04T17:00');
    expect(wall(computeDueAt(HCMC, hcm('2025-03-04T07:30'), halfDays(2)).dueAt)).toBe('2025-03-04T17:00');
  });

  it('outside office hours the count starts at the next opening', () => {
    expect(wall(computeDueAt(HCMC, hcm('2025-03-04T06:00'), hours(1)).dueAt)).toBe('2025-03-04T08:30');
    expect(wall(computeDueAt(HCMC, hcm('2025-03-04T11:30'), hours(1)).dueAt)).toBe('2025-03-04T14:00');
    expect(wall(computeDueAt(HCMC, hcm('2025-03-04T12:15'), hours(1)).dueAt)).toBe('2025-03-04T14:00');
    expect(wall(computeDueAt(HCMC, hcm('2025-03-04T17:00'), hours(1)).dueAt)).toBe('2025-03-05T08:30');
    expect(wall(computeDueAt(HCMC, hcm('2025-03-04T20:00'), hours(1)).dueAt)).toBe('2025-03-05T08:30');
  });

  it('a dossier received on a Sunday', () => {
    expect(wall(computeDueAt(HCMC, hcm('2025-03-09T14:00'), days(1)).dueAt)).toBe('2025-03-10T17:00');
    expect(wall(computeDueAt(HCMC, hcm('2025-03-09T14:00'), days(2)).dueAt)).toBe('2025-03-11T17:00');
    expect(wall(computeDueAt(HCMC, hcm('2025-03-09T14:00'), hours(2)).dueAt)).toBe('2025-03-10T09:30');
    expect(wall(computeDueAt(HCMC, hcm('2025-03-09T14:00'), halfDays(2)).dueAt)).toBe('2025-03-10T17:00');
  });

  it('1 working day received on the Friday before a holiday', () => {
    // Fri 29 Aug 2025; Sat–Sun, then Mon 1 – Tue 2 Sep (National Day) off → Wed 3 Sep.
    expect(wall(computeDueAt(HCMC, hcm('2025-08-29T15:00'), days(1)).dueAt)).toBe('2025-09-03T17:00');
    // Tue 29 Apr 2025 before 30 Apr – 2 May → Mon 5 May.
    expect(wall(computeDueAt(HCMC, hcm('2025-04-29T08:00'), days(1)).dueAt)).toBe('2025-05-05T17:00');
  });

  it('across the new-year boundary the calendar version names both years', () => {
    const r = computeDueAt(HCMC, hcm('2025-12-31T09:00'), days(2));
    expect(wall(r.dueAt)).toBe('2026-01-06T17:00'); // 1–2 Jan off, 3–4 weekend
    expect(r.calendarVersion).toBe('2025:official-2025-v1,2026:official-2026-v1');
    const f = computeDueAt(HCMC, hcm('2026-12-31T16:00'), hours(2));
    expect(wall(f.dueAt)).toBe('2027-01-04T08:30'); // 1 h on 31 Dec; 1 Jan 2027 (Fri) off, weekend
    expect(f.calendarVersion).toBe('2026:official-2026-v1,2027:fallback-2027');
    // Make-up Saturday 10 Jan 2026 counts.
    expect(wall(computeDueAt(HCMC, hcm('2026-01-09T09:00'), days(1)).dueAt)).toBe('2026-01-10T17:00');
  });

  it('Hanoi hours (08:00–12:00 / 13:00–17:00)', () => {
    expect(wall(computeDueAt(HANOI, hcm('2025-03-04T11:30'), hours(1)).dueAt)).toBe('2025-03-04T13:30');
    expect(wall(computeDueAt(HANOI, hcm('2025-03-04T08:00'), halfDays(1)).dueAt)).toBe('2025-03-04T12:00');
    expect(wall(computeDueAt(HANOI, hcm('2025-03-04T14:00'), halfDays(1)).dueAt)).toBe('2025-03-05T09:00');
    expect(wall(computeDueAt(HANOI, hcm('2025-03-04T07:45'), hours(1)).dueAt)).toBe('2025-03-04T09:00');
    expect(wall(computeDueAt(HANOI, hcm('2025-04-25T10:00'), days(3)).dueAt)).toBe('2025-04-29T17:00');
  });

  it('rejects bad processing times', () => {
    expect(() => computeDueAt(HCMC, hcm('2025-03-04T10:00'), days(1.5))).toThrow(/whole number/);
    expect(() => computeDueAt(HCMC, hcm('2025-03-04T10:00'), hours(0))).toThrow(/positive/);
    expect(() => computeDueAt(HCMC, hcm('2025-03-04T10:00'), { amount: 1, unit: 'week' as never })).toThrow(/unit/);
    expect(() => computeDueAt(HCMC, new Date(NaN), days(1))).toThrow(/valid Date/);
  });
});
