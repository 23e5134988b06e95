import type { YearCalendar } from '../year-calendar';

/**
 * Official 2026 days off for civil servants (domain.md table).
 * Two dates are inferred from the rules, not from a published decision, and are `unconfirmed`:
 * - 27 Apr: Hùng Kings day (10/3 lunar) falls on Sun 26 Apr → compensated on the next working
 *   day (Labour Code Art. 111.3).
 * - 1 Sep: 2 Sep is a Wednesday; Art. 112.1 grants "2 Sep and one adjacent day (before or
 *   after)". Neither neighbour joins a weekend, so the same rule as the fallback calendar applies
 *   (prefer a weekday neighbour that extends a weekend; on a tie the day before) → Tue 1 Sep.
 */
export const OFFICIAL_2026: YearCalendar = {
  year: 2026,
  version: 'official-2026-v1',
  source: 'official',
  holidays: [
    '2026-01-01', '2026-01-02', // New Year + Fri 2 Jan swapped against Sat 10 Jan
    // Tết Bính Ngọ: 29 tháng Chạp – mùng 4 (16–20 Feb).
    '2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19', '2026-02-20',
    '2026-04-27', // compensation for Hùng Kings on Sun 26 Apr (inferred)
    '2026-04-30', '2026-05-01',
    '2026-09-01', '2026-09-02', // National Day + adjacent day (1 Sep inferred)
  ],
  workingDays: ['2026-01-10'],
  unconfirmed: ['2026-04-27', '2026-09-01'],
  note: '27 Apr and 1 Sep are inferred from Labour Code Art. 111.3 / 112.1 and await the official notice.',
};
