import fc from 'fast-check';
import { addDays, dayOfWeek, daysBetween, fromEpochDay, isLocalDate, toEpochDay, isWeekend } from './local-date';
import { formatLocalTime, parseLocalTime } from './local-time';

describe('local dates', () => {
  it('validates YYYY-MM-DD', () => {
    expect(isLocalDate('2024-02-29')).toBe(true);
    expect(isLocalDate('2025-02-29')).toBe(false);
    expect(isLocalDate('2025-13-01')).toBe(false);
    expect(isLocalDate('2025-1-01')).toBe(false);
    expect(() => addDays('2025-02-30', 1)).toThrow(/Invalid date "2025-02-30"/);
  });

  it('adds days across months, leap days and years', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2024-02-29', 1)).toBe('2024-03-01');
    expect(addDays('2025-12-31', 1)).toBe('2026-01-01');
    expect(addDays('2026-01-01', -1)).toBe('2025-12-31');
    expect(daysBetween('2025-01-01', '2026-01-01')).toBe(365);
  });

  it('gives ISO days of week (1 = Monday … 7 = Sunday)', () => {
    expect(dayOfWeek('2025-04-25')).toBe(5); // Friday
    expect(dayOfWeek('2025-04-26')).toBe(6);
    expect(dayOfWeek('2025-04-27')).toBe(7);
    expect(dayOfWeek('1970-01-01')).toBe(4);
    expect(isWeekend('2026-04-26')).toBe(true);
  });

  it('agrees with Date for epoch days and weekdays (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -100_000, max: 100_000 }), (n) => {
        const iso = new Date(n * 86_400_000).toISOString().slice(0, 10);
        expect(fromEpochDay(n)).toBe(iso);
        expect(toEpochDay(iso)).toBe(n);
        expect(dayOfWeek(iso) % 7).toBe(new Date(n * 86_400_000).getUTCDay());
      }),
    );
  });

  it('parses and formats HH:MM', () => {
    expect(parseLocalTime('07:30')).toBe(450);
    expect(formatLocalTime(1020)).toBe('17:00');
    expect(() => parseLocalTime('24:00')).toThrow(/HH:MM/);
    expect(() => parseLocalTime('7:30')).toThrow(/HH:MM/);
  });
});
