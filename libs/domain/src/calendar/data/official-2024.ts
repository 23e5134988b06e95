import type { YearCalendar } from '../year-calendar';

/** Official 2024 days off for civil servants (domain.md table; Labour Code Art. 112, annual swaps). */
export const OFFICIAL_2024: YearCalendar = {
  year: 2024,
  version: 'official-2024-v1',
  source: 'official',
  holidays: [
    '2024-01-01',
    // Tết Giáp Thìn: 29 tháng Chạp – mùng 5 (8–14 Feb, weekend included).
    '2024-02-08', '2024-02-09', '2024-02-10', '2024-02-11', '2024-02-12', '2024-02-13', '2024-02-14',
    '2024-04-18', // Hùng Kings (10/3 lunar)
    // 30 Apr + 1 May, plus Mon 29 Apr swapped against Sat 4 May (27–28 Apr are the weekend).
    '2024-04-29', '2024-04-30', '2024-05-01',
    '2024-09-02', '2024-09-03', // National Day + adjacent day
  ],
  workingDays: ['2024-05-04'],
};
