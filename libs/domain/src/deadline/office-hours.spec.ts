import { createWorkingTimeContext } from './context';
import { compileOfficeHours } from './office-hours';

const s = (...pairs: Array<[string, string]>) => ({ sessions: pairs.map(([start, end]) => ({ start, end })) });

describe('office hours validation', () => {
  it('compiles valid sessions', () => {
    const c = compileOfficeHours(s(['07:30', '11:30'], ['13:00', '17:00']));
    expect(c).toMatchObject({ minutesPerDay: 480, opening: 450, closing: 1020 });
  });

  it('rejects unsorted, overlapping, empty or reversed sessions with a clear error', () => {
    expect(() => compileOfficeHours(s(['13:00', '17:00'], ['07:30', '11:30']))).toThrow(/session 2 07:30–11:30 overlaps or precedes session 1 13:00–17:00/);
    expect(() => compileOfficeHours(s(['08:00', '12:00'], ['11:00', '17:00']))).toThrow(/overlaps/);
    expect(() => compileOfficeHours(s(['12:00', '08:00']))).toThrow(/session 1 12:00–08:00 must start before it ends/);
    expect(() => compileOfficeHours(s(['08:00', '08:00']))).toThrow(/must start before/);
    expect(() => compileOfficeHours({ sessions: [] })).toThrow(/at least one session/);
    expect(() => compileOfficeHours(s(['8:00', '12:00']))).toThrow(/office hours session 1 start "8:00"/);
    expect(() => compileOfficeHours(s(['08:00', '24:00']))).toThrow(/HH:MM/);
  });

  it('allows a session to start when the previous one ends', () => {
    expect(() => compileOfficeHours(s(['08:00', '12:00'], ['12:00', '16:00']))).not.toThrow();
  });

  it('createWorkingTimeContext validates the zone and hours', () => {
    expect(() => createWorkingTimeContext({ timeZone: 'Mars/Olympus' })).toThrow(/Unknown time zone/);
    expect(() => createWorkingTimeContext({ officeHours: s(['17:00', '07:30']) })).toThrow(/Invalid office hours/);
    expect(createWorkingTimeContext().timeZone).toBe('Asia/Ho_Chi_Minh');
  });
});
