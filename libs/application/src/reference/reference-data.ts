import {
  apologyCutoffResolver,
  workingTimeMeasure,
  type WorkingTimeMeasure,
  ApologyCutoffResolver,
  createCalendarSource,
  createWorkingTimeContext,
  OFFICIAL_CALENDARS,
  CalendarSource,
  WorkingTimeContext,
  YearCalendar,
  fallbackCalendar,
} from '@motcua/domain';
import { CalendarYearDefinition, CampaignDefinition, ProcedureDefinition, ReferenceEvent, UnitDefinition } from './events';

export interface UnitRecord extends UnitDefinition {
  /** Stream revision of the current definition (the unit's version). */
  version: number;
  history: UnitDefinition[];
}

export interface ProcedureRecord extends ProcedureDefinition {
  version: number;
}

/** A campaign as defined now, with its version and every definition it had (who changed what: the events' metadata). */
export interface CampaignRecord extends CampaignDefinition {
  version: number;
  history: CampaignDefinition[];
}

export interface CalendarRecord extends CalendarYearDefinition {
  version: number;
}

/**
 * The current reference data, folded from reference events (in memory: a province has a few
 * thousand units and procedures). Applying is idempotent per stream revision, so the same event
 * seen from the local write and from the subscription is applied once.
 */
export class ReferenceData {
  readonly units = new Map<string, UnitRecord>();
  readonly procedures = new Map<string, ProcedureRecord>();
  readonly calendars = new Map<number, CalendarRecord>();
  readonly campaigns = new Map<string, CampaignRecord>();
  private calendarSource: CalendarSource = createCalendarSource([]);
  private readonly contexts = new Map<string, WorkingTimeContext>();

  /**
   * The apology cut-off of a dossier from this reference data (the unit's office hours and zone,
   * the calendars in force): what every process projecting `apology_cutoff_at` uses.
   */
  readonly apologyCutoff: ApologyCutoffResolver = apologyCutoffResolver(
    (unitCode) => this.units.get(unitCode),
    () => this.calendarSource,
  );

  /** The unit's working time (office hours, calendars in force): the processing time of the QĐ 766 indicators (issue #18). */
  readonly workingTimeMeasure: WorkingTimeMeasure = workingTimeMeasure(
    (unitCode) => this.units.get(unitCode),
    () => this.calendarSource,
  );

  apply(event: ReferenceEvent, revision: number): boolean {
    switch (event.type) {
      case 'UnitDefined': {
        const prev = this.units.get(event.data.code);
        if (prev && prev.version >= revision) return false;
        this.units.set(event.data.code, { ...event.data, version: revision, history: [...(prev?.history ?? []), event.data] });
        this.contexts.delete(event.data.code);
        return true;
      }
      case 'ProcedureDefined': {
        const prev = this.procedures.get(event.data.code);
        if (prev && prev.version >= revision) return false;
        this.procedures.set(event.data.code, { ...event.data, version: revision });
        return true;
      }
      case 'CampaignDefined': {
        const prev = this.campaigns.get(event.data.id);
        if (prev && prev.version >= revision) return false;
        this.campaigns.set(event.data.id, { ...event.data, version: revision, history: [...(prev?.history ?? []), event.data] });
        return true;
      }
      case 'WorkingCalendarSet': {
        const prev = this.calendars.get(event.data.year);
        if (prev && prev.version >= revision) return false;
        this.calendars.set(event.data.year, { ...event.data, version: revision });
        this.calendarSource = createCalendarSource([...this.calendars.values()].map(toYearCalendar));
        this.contexts.clear();
        return true;
      }
    }
  }

  /** The calendar in force for a year: an admin's edit, else the shipped official data, else the fallback. */
  calendarFor(year: number): YearCalendar {
    return this.calendarSource.forYear(year);
  }

  hasOfficialOrAdmin(year: number): boolean {
    return this.calendars.has(year) || OFFICIAL_CALENDARS.some((c) => c.year === year);
  }

  /** Working-time context (zone, office hours, calendars) of a unit. */
  workingTime(unitCode: string): WorkingTimeContext {
    let ctx = this.contexts.get(unitCode);
    if (!ctx) {
      const unit = this.units.get(unitCode);
      if (!unit) throw new Error(`unknown unit ${unitCode}`);
      ctx = createWorkingTimeContext({ timeZone: unit.timeZone, officeHours: unit.officeHours, calendars: this.calendarSource });
      this.contexts.set(unitCode, ctx);
    }
    return ctx;
  }

  /** Ancestors of a unit, nearest first (current tree). */
  ancestors(unitCode: string): string[] {
    const out: string[] = [];
    let cur = this.units.get(unitCode)?.parentCode;
    while (cur && !out.includes(cur)) {
      out.push(cur);
      cur = this.units.get(cur)?.parentCode;
    }
    return out;
  }

  /** True if `unitCode` is one of `granted` or a descendant of one of them. */
  isWithin(unitCode: string, granted: readonly string[]): boolean {
    if (granted.includes(unitCode)) return true;
    return this.ancestors(unitCode).some((a) => granted.includes(a));
  }

  /** The unit and all its descendants (current tree). */
  subtree(unitCode: string): string[] {
    const children = new Map<string, string[]>();
    for (const u of this.units.values()) {
      if (u.parentCode) children.set(u.parentCode, [...(children.get(u.parentCode) ?? []), u.code]);
    }
    const out: string[] = [];
    const stack = [unitCode];
    while (stack.length) {
      const c = stack.pop()!;
      if (out.includes(c)) continue;
      out.push(c);
      stack.push(...(children.get(c) ?? []));
    }
    return out;
  }
}

function toYearCalendar(c: CalendarRecord): YearCalendar {
  return {
    year: c.year,
    holidays: [...c.holidays].sort(),
    workingDays: [...c.workingDays].sort(),
    version: `admin-${c.year}-r${c.version}`,
    source: 'admin',
  };
}

export { fallbackCalendar };
