/** Apology cut-off (Nghị định 61/2018 Art. 19.9). */
import { defaultCalendarSource } from '../calendar/source';
import { nextWorkingEpochDay } from '../calendar/working-day';
import type { CalendarSource } from '../calendar/year-calendar';
import { DEFAULT_OFFICE_HOURS, type OfficeHours } from '../shared/types';
import { instantMsAt, localEpochDayOfMs } from '../time/zoned';
import { createWorkingTimeContext, type WorkingTimeContext } from './context';
import { compileOfficeHours } from './office-hours';

/**
 * The last moment to send the apology and re-appointment slip in time. Art. 19.9 requires it "at
 * the latest one day before the due date": the end of office hours (closing of the last session)
 * of the last working day strictly before the local date of `dueAt`. Always before `dueAt`.
 */
export function apologyCutoff(ctx: WorkingTimeContext, dueAt: Date): Date {
  const dueMs = dueAt.getTime();
  if (!Number.isFinite(dueMs)) throw new RangeError('apologyCutoff: dueAt must be a valid Date');
  const dueDay = localEpochDayOfMs(dueMs, ctx.timeZone);
  const day = nextWorkingEpochDay(ctx.calendars, dueDay, -1);
  return new Date(instantMsAt(day, compileOfficeHours(ctx.officeHours).closing, ctx.timeZone));
}

/** A unit's reference data, as far as the apology cut-off needs it. */
export interface UnitWorkingHours {
  readonly timeZone: string;
  readonly officeHours: OfficeHours;
}

/** Where a dossier is counted: its unit, and the zone frozen into its reception. */
export interface DossierUnitRef {
  readonly unitCode: string;
  readonly timeZone: string;
}

/** The apology cut-off of a dossier's due time. */
export type ApologyCutoffResolver = (dossier: DossierUnitRef, dueAt: Date) => Date;

/**
 * The one apology cut-off rule for `apology_cutoff_at`, whichever process computes it (the
 * worker's projection, a rebuild by the CLI or by the service, verify-projections, the report
 * replay): the unit's office hours and zone from `unitOf` (its reference data) and the calendars in
 * force from `calendars` (admin edits over the shipped data). A unit the reference data does not
 * know gets the dossier's own zone and the default office hours. Both lookups are read at each
 * call, so an edit of a unit or of a calendar takes effect at once; contexts are cached by identity.
 */
export function apologyCutoffResolver(
  unitOf: (unitCode: string) => UnitWorkingHours | undefined,
  calendars: () => CalendarSource = () => defaultCalendarSource,
): ApologyCutoffResolver {
  const cache = new Map<string, { unit: UnitWorkingHours | undefined; calendars: CalendarSource; ctx: WorkingTimeContext }>();
  return (dossier, dueAt) => {
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
    return apologyCutoff(hit.ctx, dueAt);
  };
}
