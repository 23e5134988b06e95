/**
 * An Etc/GMT zone where it is about noon now, so that a count of an hour or two in a unit open
 * 00:00–23:59 never crosses the minute its office is closed at midnight (a test received "an hour
 * ago, due in 12 s" at 00:40 local would otherwise be due 60 s later than it expects).
 */
export function noonZone(now = new Date()): string {
  let offset = 12 - now.getUTCHours(); // local = utc + offset
  if (offset > 14) offset -= 24;
  if (offset < -12) offset += 24;
  return offset === 0 ? 'Etc/GMT' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
}
