/**
 * Vietnamese date and time wording of the printed forms, in the unit's time zone.
 * - a moment: `10 giờ 00 phút, ngày 25/04/2025`
 * - a day: `25/04/2025`
 * - the place-and-date line: `TP. Hồ Chí Minh, ngày 25 tháng 4 năm 2025` (Nghị định 30/2020:
 *   a day below 10 and the months 1 and 2 take a leading zero: `ngày 05 tháng 02 năm 2025`).
 */
import { localDateTimeOf } from '@motcua/domain';

export type Instant = string | Date;

interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

function parts(instant: Instant, timeZone: string): LocalParts {
  const at = instant instanceof Date ? instant : new Date(instant);
  const local = localDateTimeOf(at, timeZone);
  const [year, month, day] = local.date.split('-').map(Number);
  const minutes = Math.floor(local.msOfDay / 60_000);
  return { year, month, day, hour: Math.floor(minutes / 60), minute: minutes % 60 };
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** `25/04/2025` */
export function viDate(instant: Instant, timeZone: string): string {
  const p = parts(instant, timeZone);
  return `${pad2(p.day)}/${pad2(p.month)}/${p.year}`;
}

/** `10 giờ 00 phút` */
export function viTime(instant: Instant, timeZone: string): string {
  const p = parts(instant, timeZone);
  return `${pad2(p.hour)} giờ ${pad2(p.minute)} phút`;
}

/** `10 giờ 00 phút, ngày 25/04/2025` */
export function viDateTime(instant: Instant, timeZone: string): string {
  return `${viTime(instant, timeZone)}, ngày ${viDate(instant, timeZone)}`;
}

/** `ngày 25 tháng 4 năm 2025` (administrative style). */
export function viLongDate(instant: Instant, timeZone: string): string {
  const p = parts(instant, timeZone);
  return `ngày ${pad2(p.day)} tháng ${p.month <= 2 ? pad2(p.month) : p.month} năm ${p.year}`;
}

/** `TP. Hồ Chí Minh, ngày 25 tháng 4 năm 2025` */
export function viPlaceDate(place: string, instant: Instant, timeZone: string): string {
  return `${place}, ${viLongDate(instant, timeZone)}`;
}
