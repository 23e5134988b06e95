import { fallbackCalendar, nationalDayAdjacentDay } from './fallback';
import { hungKingsDay, lunarNewYear } from './lunar';
import { createCalendarSource } from './source';
import { validateYearCalendar } from './validate-calendar';
import { isWorkingDay } from './working-day';
import { withWeekendCompensation } from './compensation';

describe('lunar dates (lunar-javascript)', () => {
  it.each([
    [2024, '2024-02-10', '2024-04-18'],
    [2025, '2025-01-29', '2025-04-07'],
    [2026, '2026-02-17', '2026-04-26'],
    [2027, '2027-02-06', '2027-04-16'],
  ])('%i: Tết %s, Hùng Kings %s (domain.md)', (year, tet, hung) => {
    expect(lunarNewYear(year)).toBe(tet);
    expect(hungKingsDay(year)).toBe(hung);
  });
});

describe('fallbackCalendar', () => {
  const cal2027 = fallbackCalendar(2027);

  it('2027: Tết eve + mùng 1–4 (5–9 Feb) with Sat 6 / Sun 7 compensated on 10–11 Feb', () => {
    for (const d of ['2027-02-05', '2027-02-06', '2027-02-07', '2027-02-08', '2027-02-09', '2027-02-10', '2027-02-11']) {
      expect(cal2027.holidays).toContain(d);
    }
    expect(cal2027.holidays).not.toContain('2027-02-04');
    expect(cal2027.holidays).not.toContain('2027-02-12');
    const src = createCalendarSource();
    expect(isWorkingDay(src, '2027-02-12')).toBe(true);
    expect(isWorkingDay(src, '2027-02-11')).toBe(false);
  });

  it('2027: Hùng Kings on Fri 16 Apr; 1 May (Sat) compensated Mon 3 May; 2–3 Sep; 1 Jan', () => {
    expect(cal2027.holidays).toEqual([
      '2027-01-01',
      '2027-02-05',
      '2027-02-06',
      '2027-02-07',
      '2027-02-08',
      '2027-02-09',
      '2027-02-10',
      '2027-02-11',
      '2027-04-16',
      '2027-04-30',
      '2027-05-01',
      '2027-05-03',
      '2027-09-02',
      '2027-09-03',
    ]);
    expect(cal2027.workingDays).toEqual([]);
  });

  it('is marked as fallback with a stable version and a note', () => {
    expect(cal2027.source).toBe('fallback');
    expect(cal2027.version).toBe('fallback-2027');
    expect(cal2027.note).toMatch(/No official data for 2027/);
    expect(cal2027.note).toMatch(/eve/);
    expect(() => validateYearCalendar(cal2027)).not.toThrow();
    expect(fallbackCalendar(2027)).toEqual(cal2027);
  });

  it('compensates a weekend Hùng Kings day (2026: Sun 26 Apr → Mon 27 Apr) and 1 Jan on a weekend', () => {
    expect(fallbackCalendar(2026).holidays).toContain('2026-04-27');
    expect(fallbackCalendar(2028).holidays).toContain('2028-01-03'); // 1 Jan 2028 is a Saturday
    expect(fallbackCalendar(2033).holidays).toContain('2033-01-03'); // 1 Jan 2033 is a Saturday
  });

  it('gives consecutive compensation days for consecutive weekend holidays', () => {
    expect(withWeekendCompensation(['2027-05-01', '2027-05-02']).compensation).toEqual(['2027-05-03', '2027-05-04']);
    expect(withWeekendCompensation(['2027-04-30', '2027-05-01']).daysOff).toEqual(['2027-04-30', '2027-05-01', '2027-05-03']);
  });

  it('picks the day adjacent to 2 Sep like 2021–2025 practice', () => {
    expect(nationalDayAdjacentDay(2021)).toBe('2021-09-03'); // Thu → Fri
    expect(nationalDayAdjacentDay(2022)).toBe('2022-09-01'); // Fri → Thu
    expect(nationalDayAdjacentDay(2023)).toBe('2023-09-01'); // Sat → Fri
    expect(nationalDayAdjacentDay(2024)).toBe('2024-09-03'); // Mon → Tue
    expect(nationalDayAdjacentDay(2025)).toBe('2025-09-01'); // Tue → Mon
    expect(nationalDayAdjacentDay(2026)).toBe('2026-09-01'); // Wed → Tue (tie: the day before)
    expect(nationalDayAdjacentDay(2029)).toBe('2029-09-03'); // Sun → Mon
  });

  it('refuses years outside the lunar library range', () => {
    expect(() => fallbackCalendar(2100)).toThrow(/1901–2099/);
  });
});
