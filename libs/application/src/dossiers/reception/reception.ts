import { randomInt, randomUUID } from 'node:crypto';
import {
  Applicant,
  CampaignApplied,
  campaignFor,
  Channel,
  DEFAULT_RULE_SET_SWITCHES,
  DossierCommand,
  DueAt,
  localDateOf,
  LOOKUP_PIN_ALPHABET,
  LOOKUP_PIN_LENGTH,
  ProcessingTime,
  RuleSetId,
  ruleSetOn,
  RuleSetSwitches,
} from '@motcua/domain';
import { CommandContext } from '../../context';
import { RuleViolationError } from '../../errors';
import { ProcedureRecord, ReferenceData, UnitRecord } from '../../reference/reference-data';
import { assertUnitAccess } from '../../reference/unit-access';
import { checkBusinessTime, dueAtWithinRange } from '../business-time';

export interface ReceiveInput {
  id?: string;
  unitCode: string;
  procedureCode: string;
  channel: Channel;
  applicant: Applicant;
  /**
   * Present: the dossier handed in is refused at the counter (POST /refusals, import `refuse`):
   * recorded with a code from the same per-unit, per-day numbering as receptions (the receipt book
   * numbers every dossier handed in), event `DossierRefusedAtReception`, never received.
   */
  refusal?: { reason: string; legalBasis?: string };
  /** The unit that resolves the dossier (default `unitCode`); both in one province (issue #16). */
  competentUnitCode?: string;
  /** QĐ 766 facts recorded at reception (issue #18): documents digitised, fee due, fee paid online. */
  digitised?: boolean;
  feeDue?: boolean;
  feePaidOnline?: boolean;
}

/** A reception checked against the reference data, with its due time: all it lacks is its code. */
export interface Reception {
  id: string;
  input: ReceiveInput;
  occurredAt: Date;
  unit: UnitRecord;
  procedure: ProcedureRecord;
  /** The campaign window in force for this unit (or an ancestor), procedure and local date, if any. */
  campaign?: CampaignApplied;
  /** The processing time applied: the campaign's, else the procedure's. */
  processingTime: ProcessingTime;
  due: DueAt;
  /** The rule set in force on the local reception date (frozen into the event). */
  ruleSet: RuleSetId;
  /** The citizen's look-up PIN, drawn once per reception (a retry of the same reception keeps the stored one). */
  lookupPin: string;
  /** The competent unit, when another unit than the receiving one resolves. */
  competent?: UnitRecord;
}

/** A fresh look-up PIN: {@link LOOKUP_PIN_LENGTH} characters drawn uniformly by the cryptographic generator. */
export function newLookupPin(): string {
  let pin = '';
  for (let i = 0; i < LOOKUP_PIN_LENGTH; i++) pin += LOOKUP_PIN_ALPHABET[randomInt(LOOKUP_PIN_ALPHABET.length)];
  return pin;
}

/** The receiving unit, or a 422 when there is none of that code. */
export function findUnit(data: ReferenceData, code: string): UnitRecord {
  const unit = data.units.get(code);
  if (!unit) throw new RuleViolationError('unknown-unit', `Unit "${code}" does not exist`);
  return unit;
}

/** A unit receives only on the days it is in operation (a merged or future unit does not). */
export function assertUnitInOperation(unit: UnitRecord, at: Date): void {
  const day = localDateOf(at, unit.timeZone);
  if ((unit.validFrom && day < unit.validFrom) || (unit.validTo && day > unit.validTo)) {
    // a unit closed by a merge names its successor (issue #16)
    const successor = unit.validTo && day > unit.validTo && unit.successorCode ? `; its successor is "${unit.successorCode}"` : '';
    throw new RuleViolationError(
      'unit-not-valid',
      `Unit "${unit.code}" is not in operation on ${day} (valid ${unit.validFrom ?? '…'} to ${unit.validTo ?? '…'})${successor}`,
      unit.successorCode ? { unitCode: unit.code, successorCode: unit.successorCode } : undefined,
    );
  }
}

/** The procedure applied for, or a 422 when there is none of that code. */
export function findProcedure(data: ReferenceData, code: string): ProcedureRecord {
  const procedure = data.procedures.get(code);
  if (!procedure) throw new RuleViolationError('unknown-procedure', `Procedure "${code}" does not exist`);
  return procedure;
}

/**
 * Checks a reception in the order a caller sees the problems (unknown unit, unit outside the
 * caller's scope, business time, unit not in operation, unknown procedure) and computes its due
 * time on the unit's working calendar from the processing time: a campaign window's in force for
 * the unit (or an ancestor), the procedure and the local reception date, else the procedure's.
 */
export function planReception(
  data: ReferenceData,
  earliestBusinessDate: string,
  input: ReceiveInput,
  ctx: CommandContext,
  ruleSetSwitches: RuleSetSwitches = DEFAULT_RULE_SET_SWITCHES,
): Reception {
  const occurredAt = ctx.occurredAt ?? ctx.now;
  const unit = findUnit(data, input.unitCode);
  assertUnitAccess(data, ctx.actor, input.unitCode);
  checkBusinessTime(occurredAt, ctx.now, unit.timeZone, earliestBusinessDate);
  assertUnitInOperation(unit, occurredAt);
  const competent = competentUnit(data, unit, input.competentUnitCode, occurredAt);
  const procedure = findProcedure(data, input.procedureCode);
  const campaign = campaignFor(data.campaigns.values(), {
    unitCode: unit.code,
    ancestors: data.ancestors(unit.code),
    procedureCode: procedure.code,
    localDate: localDateOf(occurredAt, unit.timeZone),
  });
  const processingTime = campaign?.processingTime ?? procedure.processingTime;
  const due = dueAtWithinRange(data.workingTime(unit.code), occurredAt, processingTime);
  const ruleSet = ruleSetOn(occurredAt, unit.timeZone, ruleSetSwitches);
  return {
    id: input.id ?? randomUUID(),
    input,
    occurredAt,
    unit,
    procedure,
    ...(campaign && { campaign }),
    processingTime,
    due,
    ruleSet,
    lookupPin: newLookupPin(),
    ...(competent && { competent }),
  };
}

/** The province (root unit) a unit lies in, in the current tree. */
export function provinceOf(data: ReferenceData, code: string): string {
  const up = data.ancestors(code);
  return up.length ? up[up.length - 1] : code;
}

/**
 * The competent unit of a reception (since 1 July 2025 a centre receives for any unit of its
 * province): undefined when it is the receiving unit; a 422 when unknown, not in operation, or in
 * another province (naming both units).
 */
export function competentUnit(data: ReferenceData, receiving: UnitRecord, code: string | undefined, at: Date): UnitRecord | undefined {
  if (code === undefined || code === receiving.code) return undefined;
  const unit = findUnit(data, code);
  assertUnitInOperation(unit, at);
  const a = provinceOf(data, receiving.code);
  const b = provinceOf(data, unit.code);
  if (a !== b) {
    throw new RuleViolationError(
      'units-in-different-provinces',
      `The receiving unit "${receiving.code}" (province ${a}) and the competent unit "${unit.code}" (province ${b}) must lie in one province`,
      { unitCode: receiving.code, competentUnitCode: unit.code },
    );
  }
  return unit;
}

/** The domain command `ReceiveDossier` (or `RefuseAtReception`) of a planned reception, given its code. */
export function receptionCommand(r: Reception, code: string): DossierCommand {
  if (r.input.refusal) {
    return {
      type: 'RefuseAtReception',
      data: {
        dossierId: r.id,
        occurredAt: r.occurredAt,
        code,
        unitCode: r.unit.code,
        procedureCode: r.procedure.code,
        procedureName: r.procedure.name,
        field: r.procedure.field,
        channel: r.input.channel,
        onlineLevel: r.procedure.onlineLevel,
        applicant: r.input.applicant,
        timeZone: r.unit.timeZone,
        reason: r.input.refusal.reason,
        ...(r.input.refusal.legalBasis !== undefined && { legalBasis: r.input.refusal.legalBasis }),
        ruleSet: r.ruleSet,
        ...(r.competent && { competentUnitCode: r.competent.code }),
      },
    };
  }
  return {
    type: 'ReceiveDossier',
    data: {
      dossierId: r.id,
      occurredAt: r.occurredAt,
      code,
      unitCode: r.unit.code,
      procedureCode: r.procedure.code,
      procedureName: r.procedure.name,
      field: r.procedure.field,
      channel: r.input.channel,
      onlineLevel: r.procedure.onlineLevel,
      applicant: r.input.applicant,
      processingTime: r.processingTime,
      timeZone: r.unit.timeZone,
      dueAt: r.due.dueAt,
      calendarVersion: r.due.calendarVersion,
      ruleSet: r.ruleSet,
      ...(r.campaign && { campaignId: r.campaign.campaignId }),
      lookupPin: r.lookupPin,
      ...(r.competent && { competentUnitCode: r.competent.code }),
      ...(r.input.digitised !== undefined && { digitised: r.input.digitised }),
      ...(r.input.feeDue !== undefined && { feeDue: r.input.feeDue }),
      ...(r.input.feePaidOnline !== undefined && { feePaidOnline: r.input.feePaidOnline }),
    },
  };
}

/** A code of the right shape, to ask the decider before any code is used up. */
export function placeholderCode(r: Reception): string {
  return `${r.unit.code}-000000-0000`;
}
