import { randomInt, randomUUID } from 'node:crypto';
import { Applicant, Channel, DossierCommand, DueAt, localDateOf, LOOKUP_PIN_ALPHABET, LOOKUP_PIN_LENGTH } from '@motcua/domain';
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
}

/** A reception checked against the reference data, with its due time: all it lacks is its code. */
export interface Reception {
  id: string;
  input: ReceiveInput;
  occurredAt: Date;
  unit: UnitRecord;
  procedure: ProcedureRecord;
  due: DueAt;
  /** The citizen's look-up PIN, drawn once per reception (a retry of the same reception keeps the stored one). */
  lookupPin: string;
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
 * time from the procedure's processing time on the unit's working calendar.
 */
export function planReception(data: ReferenceData, earliestBusinessDate: string, input: ReceiveInput, ctx: CommandContext): Reception {
  const occurredAt = ctx.occurredAt ?? ctx.now;
  const unit = findUnit(data, input.unitCode);
  assertUnitAccess(data, ctx.actor, input.unitCode);
  checkBusinessTime(occurredAt, ctx.now, unit.timeZone, earliestBusinessDate);
  assertUnitInOperation(unit, occurredAt);
  const procedure = findProcedure(data, input.procedureCode);
  const due = dueAtWithinRange(data.workingTime(unit.code), occurredAt, procedure.processingTime);
  return { id: input.id ?? randomUUID(), input, occurredAt, unit, procedure, due, lookupPin: newLookupPin() };
}

/** The domain command `ReceiveDossier` of a planned reception, given its code. */
export function receptionCommand(r: Reception, code: string): DossierCommand {
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
      processingTime: r.procedure.processingTime,
      timeZone: r.unit.timeZone,
      dueAt: r.due.dueAt,
      calendarVersion: r.due.calendarVersion,
      lookupPin: r.lookupPin,
    },
  };
}

/** A code of the right shape, to ask the decider before any code is used up. */
export function placeholderCode(r: Reception): string {
  return `${r.unit.code}-000000-0000`;
}
