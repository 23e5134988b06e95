import { createCalendarSource } from '../calendar/source';
import type { OfficeHours } from '../shared/types';
import { apologyCutoffResolver, type UnitWorkingHours } from './apology';

const hcm = (local: string): Date => new Date(`${local}:00+07:00`);
const wall = (d: Date): string => new Date(d.getTime() + 7 * 3_600_000).toISOString().slice(0, 16);
const TZ = 'Asia/Ho_Chi_Minh';
const LATE: OfficeHours = {
  sessions: [
    { start: '08:00', end: '12:00' },
    { start: '13:30', end: '17:30' },
  ],
};

describe('apologyCutoffResolver: one rule for apology_cutoff_at in every process', () => {
  it("uses the unit's office hours from the reference data, and the defaults for a unit it does not know", () => {
    const units = new Map<string, UnitWorkingHours>([['P', { timeZone: TZ, officeHours: LATE }]]);
    const cutoff = apologyCutoffResolver((code) => units.get(code));
    expect(wall(cutoff({ unitCode: 'P', timeZone: TZ }, hcm('2025-03-06T09:00')))).toBe('2025-03-05T17:30');
    expect(wall(cutoff({ unitCode: 'UNKNOWN', timeZone: TZ }, hcm('2025-03-06T09:00')))).toBe('2025-03-05T17:00');
    // no reference data at all: the dossier's zone, default hours, shipped calendars (Tết 2025)
    expect(wall(apologyCutoffResolver(() => undefined)({ unitCode: 'P', timeZone: TZ }, hcm('2025-02-03T09:00')))).toBe('2025-01-24T17:00');
  });

  it('follows an edit of the unit or of the calendars at once', () => {
    const units = new Map<string, UnitWorkingHours>([['P', { timeZone: TZ, officeHours: LATE }]]);
    let calendars = createCalendarSource();
    const cutoff = apologyCutoffResolver(
      (code) => units.get(code),
      () => calendars,
    );
    const dossier = { unitCode: 'P', timeZone: TZ };
    expect(wall(cutoff(dossier, hcm('2025-03-06T09:00')))).toBe('2025-03-05T17:30');
    units.set('P', { timeZone: TZ, officeHours: { sessions: [{ start: '07:00', end: '16:00' }] } });
    expect(wall(cutoff(dossier, hcm('2025-03-06T09:00')))).toBe('2025-03-05T16:00');
    // an admin makes Wednesday 5 March a holiday: the cut-off moves to Tuesday
    calendars = createCalendarSource([{ year: 2025, holidays: ['2025-03-05'], workingDays: [], version: 'admin-2025-r1', source: 'admin' }]);
    expect(wall(cutoff(dossier, hcm('2025-03-06T09:00')))).toBe('2025-03-04T16:00');
  });
});
