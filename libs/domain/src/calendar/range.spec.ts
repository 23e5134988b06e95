import { computeDueAt, createWorkingTimeContext, DEFAULT_OFFICE_HOURS } from '../index';
import { fallbackCalendar } from './fallback';
import { CalendarYearOutOfRange, isCalendarYear, isSupportedInstant, isSupportedLocalDate, SUPPORTED_DATES } from './range';
import { defaultCalendarSource } from './source';

describe('the calendar’s supported range (one rule for the API, the import and the decider)', () => {
  it('covers 1901–2099, with a day kept off each end so every time zone stays inside', () => {
    expect(SUPPORTED_DATES).toEqual({ first: '1901-01-02', last: '2099-12-30' });
    expect([1900, 1901, 2099, 2100, 2999, 1901.5].map(isCalendarYear)).toEqual([false, true, true, false, false, false]);
    expect(['1901-01-01', '1901-01-02', '2099-12-30', '2099-12-31'].map(isSupportedLocalDate)).toEqual([false, true, true, false]);
    expect(isSupportedInstant(new Date('1901-01-01T23:59:59.999Z'))).toBe(false);
    expect(isSupportedInstant(new Date('1901-01-02T00:00:00Z'))).toBe(true);
    expect(isSupportedInstant(new Date('2099-12-30T23:59:59.999Z'))).toBe(true);
    expect(isSupportedInstant(new Date('2099-12-31T00:00:00Z'))).toBe(false);
    expect(isSupportedInstant(new Date(NaN))).toBe(false);
  });

  it('the calendar throws a typed RangeError outside it (also from a due-time computation crossing 2099)', () => {
    expect(() => fallbackCalendar(2100)).toThrow(CalendarYearOutOfRange);
    expect(() => fallbackCalendar(2100)).toThrow(RangeError);
    const ctx = createWorkingTimeContext({ timeZone: 'Asia/Ho_Chi_Minh', officeHours: DEFAULT_OFFICE_HOURS, calendars: defaultCalendarSource });
    expect(() => computeDueAt(ctx, new Date('2099-12-28T03:00:00Z'), { amount: 10, unit: 'working_day' })).toThrow(CalendarYearOutOfRange);
  });
});
