import { randomUUID } from 'node:crypto';
import {
  Applicant,
  CampaignApplied,
  campaignFor,
  Channel,
  DEFAULT_RULE_SET_SWITCHES,
  DossierCommand,
  DueAt,
  localDateOf,
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
    throw new RuleViolationError(
      'unit-not-valid',
      `Unit "${unit.code}" is not in operation on ${day} (valid ${unit.validFrom ?? '…'} to ${unit.validTo ?? '…'})`,
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
  return { id: input.id ?? randomUUID(), input, occurredAt, unit, procedure, ...(campaign && { campaign }), processingTime, due, ruleSet };
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
