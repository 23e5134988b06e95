/**
 * Lunar-calendar dates needed by the Labour Code holidays, from `lunar-javascript`.
 *
 * Caveat: lunar-javascript computes the Chinese calendar (new moons reckoned at UTC+8); the
 * Vietnamese calendar reckons them at UTC+7, so the two can differ by a day in rare years
 * (e.g. Tết 1985, 2007). Verified equal to the Vietnamese Tết and Hùng Kings dates for 2024–2030.
 * Official year data always wins over this computation.
 */
import { Lunar } from 'lunar-javascript';
import type { LocalDate } from '../shared/types';

/** Gregorian date of a lunar date (regular, non-leap month) in the given lunar year. */
export function solarOfLunar(lunarYear: number, lunarMonth: number, lunarDay: number): LocalDate {
  return Lunar.fromYmd(lunarYear, lunarMonth, lunarDay).getSolar().toYmd();
}

/** Mùng 1 Tết (lunar new year) falling in Gregorian `year` (always between 21 Jan and 20 Feb). */
export function lunarNewYear(year: number): LocalDate {
  return solarOfLunar(year, 1, 1);
}

/** Hùng Kings commemoration day (Giỗ Tổ Hùng Vương): 10th day of the 3rd lunar month. */
export function hungKingsDay(year: number): LocalDate {
  return solarOfLunar(year, 3, 10);
}
