/** Labour Code 2019 Art. 111.3: a holiday falling on a weekly rest day is taken on the next working day. */
import type { LocalDate } from '../shared/types';
import { isoDayOfWeekOfEpochDay, fromEpochDay, toEpochDay } from '../time/local-date';

/**
 * All days off: the statutory `holidays` plus one compensation day for each of them that falls on
 * a Saturday or Sunday — the next Monday–Friday that is not already off (processed in date order,
 * so consecutive weekend holidays get consecutive compensation days). Sorted, without duplicates.
 */
export function withWeekendCompensation(holidays: readonly LocalDate[]): { daysOff: LocalDate[]; compensation: LocalDate[] } {
  const days = [...new Set(holidays)].map(toEpochDay).sort((a, b) => a - b);
  const off = new Set(days);
  const compensation: number[] = [];
  for (const d of days) {
    if (isoDayOfWeekOfEpochDay(d) < 6) continue;
    let c = d + 1;
    while (isoDayOfWeekOfEpochDay(c) >= 6 || off.has(c)) c++;
    off.add(c);
    compensation.push(c);
  }
  return {
    daysOff: [...off].sort((a, b) => a - b).map(fromEpochDay),
    compensation: compensation.map(fromEpochDay),
  };
}
