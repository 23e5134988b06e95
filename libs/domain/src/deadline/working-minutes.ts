/** Working time spent on a dossier (issue #18: the average processing time of QĐ 766). */
import { defaultCalendarSource } from '../calendar/source';
import type { CalendarSource } from '../calendar/year-calendar';
import { DEFAULT_OFFICE_HOURS } from '../shared/types';
import type { DossierUnitRef, UnitWorkingHours } from './apology';
import { createWorkingTimeContext, type WorkingTimeContext } from './context';
import { compileOfficeHours } from './office-hours';
import { workingMsWithin } from './working-time';

export interface WorkingTimeMeasure {
  /** Working milliseconds (office hours of working days of the unit) in [fromMs, toMs); 0 when toMs ≤ fromMs. */
  ms(dossier: DossierUnitRef, fromMs: number, toMs: number): number;
  /** Working minutes of one working day of the unit (its office hours): the unit of "working days". */
  minutesPerDay(dossier: DossierUnitRef): number;
}

/**
 * The one working-time measure of a dossier's unit, for every process that projects the processing
 * time (the worker, rebuilds, the report replay): like `apologyCutoffResolver`, the unit's office
 * hours and zone from `unitOf`, the calendars in force from `calendars`; a unit the reference data
 * does not know gets the dossier's own zone and the default office hours.
 */
export function workingTimeMeasure(
  unitOf: (unitCode: string) => UnitWorkingHours | undefined,
  calendars: () => CalendarSource = () => defaultCalendarSource,
): WorkingTimeMeasure {
  const cache = new Map<string, { unit: UnitWorkingHours | undefined; calendars: CalendarSource; ctx: WorkingTimeContext }>();
  const ctxOf = (dossier: DossierUnitRef): WorkingTimeContext => {
    const unit = unitOf(dossier.unitCode);
    const source = calendars();
    const key = unit ? `unit:${dossier.unitCode}` : `zone:${dossier.timeZone}`;
    let hit = cache.get(key);
    if (!hit || hit.unit !== unit || hit.calendars !== source) {
      const ctx = createWorkingTimeContext({
        timeZone: unit?.timeZone ?? dossier.timeZone,
        officeHours: unit?.officeHours ?? DEFAULT_OFFICE_HOURS,
        calendars: source,
      });
      cache.set(key, (hit = { unit, calendars: source, ctx }));
    }
    return hit.ctx;
  };
  return {
    ms: (dossier, fromMs, toMs) => workingMsWithin(ctxOf(dossier), fromMs, toMs),
    minutesPerDay: (dossier) => compileOfficeHours(ctxOf(dossier).officeHours).minutesPerDay,
  };
}
