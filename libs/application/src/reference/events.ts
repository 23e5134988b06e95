import type { Campaign, OfficeHours, ProcessingTime, OnlineLevel, UnitLevel, LocalDate } from '@motcua/domain';

/** Reference data is event-sourced too, so that history (and old reports) can be replayed. */
export interface UnitDefinition {
  code: string;
  name: string;
  level: UnitLevel;
  parentCode?: string;
  timeZone: string;
  officeHours: OfficeHours;
  validFrom?: LocalDate;
  validTo?: LocalDate;
  /**
   * This definition (e.g. a new parent) is in force from this local date; reports over earlier
   * periods keep the previous definition (reference/unit-tree.ts). Absent: a correction of the
   * definition in force.
   */
  effectiveFrom?: LocalDate;
  /** Timing class by date only (a unit policy some provinces use). */
  timingMode?: 'exact' | 'day';
  /** Units this one took over (a 2025 merge), from its `validFrom`: its reports include their dossiers (issue #16). */
  predecessors?: string[];
  /** Set when the unit was closed by a succession: the unit that took over its open dossiers. */
  successorCode?: string;
}

export interface ProcedureDefinition {
  code: string;
  name: string;
  field: string;
  processingTime: ProcessingTime;
  onlineLevel: OnlineLevel;
}

export interface CalendarYearDefinition {
  year: number;
  holidays: LocalDate[];
  workingDays: LocalDate[];
}

/** A campaign window (libs/domain/src/campaign): shorter processing times for some units and procedures over some local dates. */
export type CampaignDefinition = Campaign;

export type ReferenceEvent =
  | { type: 'UnitDefined'; data: UnitDefinition }
  | { type: 'ProcedureDefined'; data: ProcedureDefinition }
  | { type: 'WorkingCalendarSet'; data: CalendarYearDefinition }
  | { type: 'CampaignDefined'; data: CampaignDefinition };

export const REFERENCE_SCHEMA_VERSION = 1;
export const REFERENCE_STREAM_PREFIXES = ['unit-', 'procedure-', 'calendar-', 'campaign-'];
export const unitStream = (code: string) => `unit-${code}`;
export const procedureStream = (code: string) => `procedure-${code}`;
export const calendarStream = (year: number) => `calendar-${year}`;
export const campaignStream = (id: string) => `campaign-${id}`;
