import { addDays } from '../time';
import { OFFICIAL_CALENDARS } from './data';
import { defaultCalendarSource as src } from './source';
import { validateYearCalendar } from './validate-calendar';
import { isWorkingDay } from './working-day';

/** Expand `from`..`to` inclusive. */
const range = (from: string, to: string): string[] => {
  const out = [from];
  while (out[out.length - 1] !== to) out.push(addDays(out[out.length - 1], 1));
  return out;
};

// domain.md, "Public holidays" table: days off besides weekends, and weekend days worked.
const TABLE: Record<number, { off: string[]; worked: string[]; unconfirmed?: string[] }> = {
  2024: {
    off: ['2024-01-01', ...range('2024-02-08', '2024-02-14'), '2024-04-18', ...range('2024-04-29', '2024-05-01'), '2024-09-02', '2024-09-03'],
    worked: ['2024-05-04'],
  },
  2025: {
    off: ['2025-01-01', ...range('2025-01-27', '2025-01-31'), '2025-04-07', ...range('2025-04-30', '2025-05-02'), '2025-09-01', '2025-09-02'],
    worked: ['2025-04-26'],
  },
  2026: {
    off: ['2026-01-01', '2026-01-02', ...range('2026-02-16', '2026-02-20'), '2026-04-27', '2026-04-30', '2026-05-01', '2026-09-01', '2026-09-02'],
    worked: ['2026-01-10'],
    unconfirmed: ['2026-04-27', '2026-09-01'],
  },
};

describe('shipped official calendars', () => {
  it.each([2024, 2025, 2026])('%i matches the domain.md table exactly', (year) => {
    const cal = src.forYear(year);
    const t = TABLE[year];
    expect(cal.source).toBe('official');
    expect(cal.version).toBe(`official-${year}-v1`);
    expect([...cal.holidays].sort()).toEqual([...t.off].sort());
    expect([...cal.workingDays]).toEqual(t.worked);
    expect(cal.unconfirmed ? [...cal.unconfirmed] : undefined).toEqual(t.unconfirmed);
    for (const d of t.off) expect(isWorkingDay(src, d)).toBe(false);
    for (const d of t.worked) expect(isWorkingDay(src, d)).toBe(true);
  });

  it('is valid data', () => {
    for (const cal of OFFICIAL_CALENDARS) expect(() => validateYearCalendar(cal)).not.toThrow();
  });

  it('counts every other weekday as working and every other weekend day as off', () => {
    for (const year of [2024, 2025, 2026]) {
      const t = TABLE[year];
      for (const d of range(`${year}-01-01`, `${year}-12-31`)) {
        if (t.off.includes(d) || t.worked.includes(d)) continue;
        const dow = new Date(`${d}T00:00:00Z`).getUTCDay();
        expect([d, isWorkingDay(src, d)]).toEqual([d, dow !== 0 && dow !== 6]);
      }
    }
  });

  it('knows the make-up Saturdays', () => {
    expect(isWorkingDay(src, '2024-05-04')).toBe(true);
    expect(isWorkingDay(src, '2025-04-26')).toBe(true);
    expect(isWorkingDay(src, '2026-01-10')).toBe(true);
    expect(isWorkingDay(src, '2025-04-27')).toBe(false); // the Sunday after stays off
  });
});
