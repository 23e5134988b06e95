import type { YearCalendar } from '../year-calendar';

/** Official 2025 days off for civil servants (domain.md table; Labour Code Art. 112, annual swaps). */
export const OFFICIAL_2025: YearCalendar = {
  year: 2025,
  version: 'official-2025-v1',
  source: 'official',
  holidays: [
    '2025-01-01',
    // Tết Ất Tỵ: 28 tháng Chạp – mùng 3 (27–31 Jan).
    '2025-01-27', '2025-01-28', '2025-01-29', '2025-01-30', '2025-01-31',
    '2025-04-07', // Hùng Kings (10/3 lunar)
    // 30 Apr, 1 May, plus Fri 2 May swapped against Sat 26 Apr.
    '2025-04-30', '2025-05-01', '2025-05-02',
    '2025-09-01', '2025-09-02', // National Day: the adjacent day is Mon 1 Sep
  ],
  workingDays: ['2025-04-26'],
};
