/**
 * UTC offsets of IANA time zones.
 *
 * Fast path: zones known to have had one fixed offset since a given instant (Asia/Ho_Chi_Minh has
 * been UTC+7 without DST since 13 June 1975; it was UTC+8 before) are answered by arithmetic.
 * Other zones, and instants before the fixed period, go through `Intl.DateTimeFormat`, with one
 * cached formatter per zone (creating formatters is the expensive part).
 */

const MS_PER_MINUTE = 60_000;
const MS_PER_HOUR = 3_600_000;

interface FixedOffsetRule {
  /** Offset east of UTC, in milliseconds. */
  offsetMs: number;
  /** First instant (epoch ms) from which the offset holds; -Infinity for ever. */
  sinceMs: number;
}

/** Zones with a single offset and no DST since `since` (per the IANA tz database). */
const KNOWN_FIXED_ZONES: Record<string, FixedOffsetRule> = {
  // tzdb: "8:00 - +08 1975 Jun 13" then "7:00 - +07" (transition at local midnight, UTC+8).
  'Asia/Ho_Chi_Minh': { offsetMs: 7 * MS_PER_HOUR, sinceMs: Date.UTC(1975, 5, 12, 16, 0) },
  'Asia/Saigon': { offsetMs: 7 * MS_PER_HOUR, sinceMs: Date.UTC(1975, 5, 12, 16, 0) },
  'Asia/Bangkok': { offsetMs: 7 * MS_PER_HOUR, sinceMs: Date.UTC(1920, 3, 1) },
  UTC: { offsetMs: 0, sinceMs: -Infinity },
  'Etc/UTC': { offsetMs: 0, sinceMs: -Infinity },
  'Etc/GMT': { offsetMs: 0, sinceMs: -Infinity },
};

const ETC_GMT_RE = /^Etc\/GMT([+-])(\d{1,2})$/;

const fixedRuleCache = new Map<string, FixedOffsetRule | null>();
const formatterCache = new Map<string, Intl.DateTimeFormat>();

/** The fixed-offset rule of a zone, if it has one (cached). */
export function fixedOffsetRule(timeZone: string): FixedOffsetRule | null {
  let rule = fixedRuleCache.get(timeZone);
  if (rule !== undefined) return rule;
  rule = KNOWN_FIXED_ZONES[timeZone] ?? null;
  const m = rule ? null : ETC_GMT_RE.exec(timeZone);
  if (m) {
    // POSIX-style sign: Etc/GMT-7 is UTC+7.
    const hours = Number(m[2]);
    rule = { offsetMs: (m[1] === '-' ? 1 : -1) * hours * MS_PER_HOUR, sinceMs: -Infinity };
  }
  if (!rule) formatterFor(timeZone); // validates the zone name early, with a clear error
  fixedRuleCache.set(timeZone, rule);
  return rule;
}

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatterCache.get(timeZone);
  if (f) return f;
  try {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch {
    throw new RangeError(`Unknown time zone ${JSON.stringify(timeZone)}: expected an IANA name such as Asia/Ho_Chi_Minh`);
  }
  formatterCache.set(timeZone, f);
  return f;
}

/** Offset through Intl: wall-clock fields read back as if UTC, minus the instant. */
function intlOffsetMs(epochMs: number, timeZone: string): number {
  const parts = formatterFor(timeZone).formatToParts(new Date(epochMs));
  let year = 0,
    month = 1,
    day = 1,
    hour = 0,
    minute = 0,
    second = 0,
    bc = false;
  for (const p of parts) {
    switch (p.type) {
      case 'year':
        year = Number(p.value);
        break;
      case 'month':
        month = Number(p.value);
        break;
      case 'day':
        day = Number(p.value);
        break;
      case 'hour':
        hour = Number(p.value);
        break;
      case 'minute':
        minute = Number(p.value);
        break;
      case 'second':
        second = Number(p.value);
        break;
      case 'era':
        bc = p.value.startsWith('B');
        break;
    }
  }
  const d = new Date(0);
  d.setUTCFullYear(bc ? 1 - year : year, month - 1, day);
  d.setUTCHours(hour, minute, second, 0);
  const truncated = epochMs - (((epochMs % 1000) + 1000) % 1000);
  return d.getTime() - truncated;
}

/** Offset east of UTC (ms) of `timeZone` at the instant `epochMs`. */
export function zoneOffsetMs(epochMs: number, timeZone: string): number {
  if (!Number.isFinite(epochMs)) throw new RangeError('Invalid instant (NaN date)');
  const rule = fixedOffsetRule(timeZone);
  if (rule && epochMs >= rule.sinceMs) return rule.offsetMs;
  return intlOffsetMs(epochMs, timeZone);
}

/** Offset east of UTC in minutes (may be fractional for historic local mean time). */
export function zoneOffsetMinutes(instant: Date, timeZone: string): number {
  return zoneOffsetMs(instant.getTime(), timeZone) / MS_PER_MINUTE;
}

/** Throws a clear error for a name that is not a usable IANA time zone. */
export function assertTimeZone(timeZone: string): void {
  if (typeof timeZone !== 'string' || timeZone.length === 0) {
    throw new RangeError(`Invalid time zone ${JSON.stringify(timeZone)}`);
  }
  fixedOffsetRule(timeZone);
}
