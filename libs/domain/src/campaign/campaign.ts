/**
 * Campaign windows ("Tuần lễ tiếp nhận và giải quyết hồ sơ ngay trong ngày"): within the local dates
 * `from`–`to` (inclusive), a dossier of one of the campaign's procedures received by one of its
 * units (or their descendants) gets the campaign's shorter processing time. Pure rules: which
 * campaign applies to a reception, whether a definition is valid, which campaigns clash.
 */
import { isSupportedLocalDate, outOfRangeMessage } from '../calendar/range';
import { HOURS_PER_HALF_DAY, validateProcessingTime } from '../deadline/processing-time';
import type { LocalDate, ProcessingTime } from '../shared/types';
import { isLocalDate } from '../time/local-date';

export interface CampaignProcedure {
  procedureCode: string;
  processingTime: ProcessingTime;
}

export interface Campaign {
  id: string;
  name: string;
  unitCodes: string[];
  /** First and last local day of the window (inclusive), in the receiving unit's zone. */
  from: LocalDate;
  to: LocalDate;
  procedures: CampaignProcedure[];
}

/** What a campaign gives a reception: its id and the shorter processing time. */
export interface CampaignApplied {
  campaignId: string;
  processingTime: ProcessingTime;
}

/** A campaign definition that cannot be accepted; `field` names the offending input. */
export class InvalidCampaign extends Error {
  constructor(
    readonly code: string,
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'InvalidCampaign';
  }
}

/**
 * Working hours of a processing time, to compare two of them: a half-day is 4 working hours, and a
 * working day counts as two half-days (8 working hours). A day limit actually runs to the end of
 * the N-th next working day, so this is the least it gives: anything below it is really shorter.
 */
export function processingTimeHours(pt: ProcessingTime): number {
  switch (pt.unit) {
    case 'working_day':
      return pt.amount * 2 * HOURS_PER_HALF_DAY;
    case 'half_day':
      return pt.amount * HOURS_PER_HALF_DAY;
    case 'working_hour':
      return pt.amount;
  }
}

/** True when `shorter` is strictly shorter than `regular` (compared in working hours). */
export function isShorterProcessingTime(shorter: ProcessingTime, regular: ProcessingTime): boolean {
  return processingTimeHours(shorter) < processingTimeHours(regular);
}

export interface CampaignReferences {
  unitExists(code: string): boolean;
  /** The procedure's regular processing time, undefined when there is no such procedure. */
  procedureTime(code: string): ProcessingTime | undefined;
}

/**
 * Throws {@link InvalidCampaign} unless the definition is usable: a name, at least one unit and one
 * procedure that exist, dates in order, each procedure once with a valid processing time strictly
 * shorter than the procedure's own.
 */
export function validateCampaign(c: Campaign, refs: CampaignReferences): void {
  if (!c.name.trim()) throw new InvalidCampaign('invalid-campaign', 'name', 'name must not be empty');
  if (!isLocalDate(c.from)) throw new InvalidCampaign('invalid-campaign', 'from', `from ${c.from} is not a date`);
  if (!isLocalDate(c.to)) throw new InvalidCampaign('invalid-campaign', 'to', `to ${c.to} is not a date`);
  // outside the calendar's years no due time can be counted: named before any other rule (an overlap, say)
  if (!isSupportedLocalDate(c.from)) throw new InvalidCampaign('invalid-campaign', 'from', outOfRangeMessage('from', c.from));
  if (!isSupportedLocalDate(c.to)) throw new InvalidCampaign('invalid-campaign', 'to', outOfRangeMessage('to', c.to));
  if (c.to < c.from) throw new InvalidCampaign('invalid-campaign-dates', 'to', `to ${c.to} is before from ${c.from}: the campaign ends before it starts`);
  if (c.unitCodes.length === 0) throw new InvalidCampaign('invalid-campaign', 'unitCodes', 'name at least one unit');
  if (c.procedures.length === 0) throw new InvalidCampaign('invalid-campaign', 'procedures', 'name at least one procedure');
  c.unitCodes.forEach((u, i) => {
    if (!refs.unitExists(u)) throw new InvalidCampaign('unknown-unit', `unitCodes[${i}]`, `Unit "${u}" does not exist`);
  });
  const seen = new Set<string>();
  c.procedures.forEach((p, i) => {
    if (seen.has(p.procedureCode)) {
      throw new InvalidCampaign('invalid-campaign', `procedures[${i}].procedureCode`, `Procedure "${p.procedureCode}" is named twice`);
    }
    seen.add(p.procedureCode);
    const regular = refs.procedureTime(p.procedureCode);
    if (!regular) throw new InvalidCampaign('unknown-procedure', `procedures[${i}].procedureCode`, `Procedure "${p.procedureCode}" does not exist`);
    try {
      validateProcessingTime(p.processingTime);
    } catch (err) {
      throw new InvalidCampaign('invalid-processing-time', `procedures[${i}].processingTime`, (err as Error).message);
    }
    if (!isShorterProcessingTime(p.processingTime, regular)) {
      throw new InvalidCampaign(
        'campaign-time-not-shorter',
        `procedures[${i}].processingTime`,
        `${p.processingTime.amount} ${p.processingTime.unit} is not shorter than the ${regular.amount} ${regular.unit} of procedure "${p.procedureCode}"`,
      );
    }
  });
}

/** How two campaigns overlap: a unit of one within (or equal to, or above) a unit of the other, a shared procedure and shared days. */
export interface CampaignConflict {
  campaignId: string;
  unitCode: string;
  procedureCode: string;
}

/**
 * The first other campaign that would give the same unit (the same, a descendant or an ancestor:
 * `related`) the same procedure on one of the same days, or undefined. `related(a, b)`: a is b, or
 * one is within the other.
 */
export function findCampaignConflict(c: Campaign, others: Iterable<Campaign>, related: (a: string, b: string) => boolean): CampaignConflict | undefined {
  const procs = new Set(c.procedures.map((p) => p.procedureCode));
  for (const o of others) {
    if (o.id === c.id || o.to < c.from || o.from > c.to) continue;
    const procedureCode = o.procedures.find((p) => procs.has(p.procedureCode))?.procedureCode;
    if (!procedureCode) continue;
    const unitCode = c.unitCodes.find((u) => o.unitCodes.some((v) => related(u, v)));
    if (unitCode) return { campaignId: o.id, unitCode, procedureCode };
  }
  return undefined;
}

/**
 * The campaign in force for a reception: a unit of the campaign is the receiving unit or one of its
 * `ancestors`, the procedure is one of the campaign's, and the local reception date lies within
 * `from`–`to`. Overlaps are refused when campaigns are defined, so at most one applies; should
 * several (old data), the shortest time wins, then the smallest id.
 */
export function campaignFor(
  campaigns: Iterable<Campaign>,
  reception: { unitCode: string; ancestors: readonly string[]; procedureCode: string; localDate: LocalDate },
): CampaignApplied | undefined {
  const chain = new Set([reception.unitCode, ...reception.ancestors]);
  let best: CampaignApplied | undefined;
  for (const c of campaigns) {
    if (reception.localDate < c.from || reception.localDate > c.to) continue;
    if (!c.unitCodes.some((u) => chain.has(u))) continue;
    const p = c.procedures.find((x) => x.procedureCode === reception.procedureCode);
    if (!p) continue;
    const candidate = { campaignId: c.id, processingTime: { ...p.processingTime } };
    if (
      !best ||
      processingTimeHours(candidate.processingTime) < processingTimeHours(best.processingTime) ||
      (processingTimeHours(candidate.processingTime) === processingTimeHours(best.processingTime) && candidate.campaignId < best.campaignId)
    ) {
      best = candidate;
    }
  }
  return best;
}
