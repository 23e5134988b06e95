import fc from 'fast-check';
import { instantAt, localDateOf, localDateTimeOf } from './zoned';
import { assertTimeZone, zoneOffsetMinutes } from './zone-offset';

const HCM = 'Asia/Ho_Chi_Minh';

/** Independent oracle: Intl formatter, fresh per zone. */
function intlDate(instant: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant);
}

describe('zoned time', () => {
  it('converts HCMC wall time (UTC+7) both ways', () => {
    expect(instantAt('2025-04-29', '17:00', HCM).toISOString()).toBe('2025-04-29T10:00:00.000Z');
    expect(localDateOf(new Date('2025-04-29T16:59:59Z'), HCM)).toBe('2025-04-29');
    expect(localDateOf(new Date('2025-04-29T17:00:00Z'), HCM)).toBe('2025-04-30');
    expect(zoneOffsetMinutes(new Date('2025-01-01T00:00:00Z'), HCM)).toBe(420);
  });

  it('uses the historic UTC+8 offset of Saigon before 13 June 1975', () => {
    expect(zoneOffsetMinutes(new Date('1970-01-01T00:00:00Z'), HCM)).toBe(480);
    expect(instantAt('1970-01-01', '08:00', HCM).toISOString()).toBe('1970-01-01T00:00:00.000Z');
  });

  it('handles DST zones: gaps move forward, repeated times take the first occurrence', () => {
    expect(instantAt('2025-03-30', '02:30', 'Europe/Paris').toISOString()).toBe('2025-03-30T01:30:00.000Z');
    expect(instantAt('2025-10-26', '02:30', 'Europe/Paris').toISOString()).toBe('2025-10-26T00:30:00.000Z');
    expect(instantAt('2025-07-01', '09:00', 'Europe/Paris').toISOString()).toBe('2025-07-01T07:00:00.000Z');
  });

  it('rejects unknown zones with a clear error', () => {
    expect(() => assertTimeZone('Asia/Hanoi_City')).toThrow(/Unknown time zone "Asia\/Hanoi_City"/);
    expect(() => localDateOf(new Date(NaN), HCM)).toThrow(/valid Date/);
  });

  it.each([HCM, 'Asia/Bangkok', 'Europe/Paris', 'America/New_York', 'Etc/GMT-7', 'UTC'])(
    'localDateOf agrees with Intl and instantAt round-trips in %s (property)',
    (zone) => {
      const instants = fc.integer({ min: Date.UTC(1950, 0, 1), max: Date.UTC(2100, 0, 1) }).map((t) => new Date(t));
      fc.assert(
        fc.property(instants, (instant) => {
          expect(localDateOf(instant, zone)).toBe(intlDate(instant, zone));
          const { date, msOfDay } = localDateTimeOf(instant, zone);
          const minute = Math.floor(msOfDay / 60_000);
          const hhmm = `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
          const back = instantAt(date, hhmm, zone);
          const wholeMinute = instant.getTime() - (msOfDay % 60_000);
          // Exact unless the wall time is repeated (DST fall-back): then the first occurrence.
          expect(back.getTime() === wholeMinute || back.getTime() === wholeMinute - 3_600_000).toBe(true);
        }),
        { numRuns: 300 },
      );
    },
  );
});
