import { createCalendarSource, defaultCalendarSource } from './source';
import type { YearCalendar } from './year-calendar';
import { addWorkingDays, isWorkingDay, nextWorkingDay, previousWorkingDay } from './working-day';

const admin2025: YearCalendar = {
  year: 2025,
  holidays: ['2025-01-01', '2025-06-02'],
  workingDays: ['2025-06-07'],
  version: 'admin-2025-3',
  source: 'admin',
};

describe('calendar sources', () => {
  it('default: official years, fallback for the others', () => {
    expect(defaultCalendarSource.forYear(2025).version).toBe('official-2025-v1');
    expect(defaultCalendarSource.forYear(2023).version).toBe('fallback-2023');
    expect(defaultCalendarSource.forYear(2023)).toBe(defaultCalendarSource.forYear(2023)); // cached
  });

  it('admin overrides replace a year', () => {
    const src = createCalendarSource([admin2025]);
    expect(src.forYear(2025).version).toBe('admin-2025-3');
    expect(src.forYear(2025).source).toBe('admin');
    expect(isWorkingDay(src, '2025-06-02')).toBe(false);
    expect(isWorkingDay(src, '2025-06-07')).toBe(true);
    expect(isWorkingDay(src, '2025-04-30')).toBe(true); // the override is the whole year
    expect(src.forYear(2024).version).toBe('official-2024-v1');
    expect(Object.isFrozen(src.forYear(2025).holidays)).toBe(true);
  });

  it('rejects inconsistent overrides with clear errors', () => {
    expect(() => createCalendarSource([{ ...admin2025, holidays: ['2024-12-31'] }])).toThrow(/not in 2025/);
    expect(() => createCalendarSource([{ ...admin2025, workingDays: ['2025-06-02'] }])).toThrow(/both as a holiday/);
    expect(() => createCalendarSource([{ ...admin2025, workingDays: ['2025-06-04'] }])).toThrow(/not a Saturday or Sunday/);
    expect(() => createCalendarSource([{ ...admin2025, holidays: ['2025-02-30'] }])).toThrow(/Invalid holidays date/);
    expect(() => createCalendarSource([admin2025, admin2025])).toThrow(/Two calendar overrides/);
    expect(() => createCalendarSource([{ ...admin2025, version: '' }])).toThrow(/version/);
  });

  it('walks working days', () => {
    const src = defaultCalendarSource;
    expect(nextWorkingDay(src, '2025-04-25')).toBe('2025-04-26'); // make-up Saturday
    expect(nextWorkingDay(src, '2025-04-29')).toBe('2025-05-05');
    expect(previousWorkingDay(src, '2025-05-05')).toBe('2025-04-29');
    expect(addWorkingDays(src, '2025-04-25', 3)).toBe('2025-04-29');
    expect(addWorkingDays(src, '2025-04-29', -3)).toBe('2025-04-25'); // 28, 26 (Sat), 25
  });

  it('fails clearly on a calendar without working days', () => {
    const allOff = (year: number): YearCalendar => {
      const days: string[] = [];
      for (let d = new Date(Date.UTC(year, 0, 1)); d.getUTCFullYear() === year; d.setUTCDate(d.getUTCDate() + 1)) {
        days.push(d.toISOString().slice(0, 10));
      }
      return { year, holidays: days, workingDays: [], version: 'x', source: 'admin' };
    };
    const src = createCalendarSource([allOff(2030), allOff(2031)]);
    expect(() => nextWorkingDay(src, '2030-01-01')).toThrow(/No working day/);
  });
});
