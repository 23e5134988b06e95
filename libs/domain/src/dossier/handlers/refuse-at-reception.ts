import type { RefuseAtReception } from '../commands';
import { DossierAlreadyExists, InvalidCommand } from '../errors';
import type { DossierRefusedAtReception } from '../events';
import { optionalText, requireEnvelope, requireNotInFuture, requireOneOf, requireSupportedInstant, requireText, requireTimeZone } from '../guards';
import type { DossierState } from '../state';
import { CHANNELS, ONLINE_LEVELS, requireApplicant } from './receive-dossier';

const RULE_SETS = ['2018', '2025'] as const;

/**
 * Refusal at the counter (form 03, Nghị định 61/2018 Art. 18 as amended by Nghị định 118/2025): the
 * dossier handed in is recorded with a code and a reason (and the legal basis, when given), and is
 * never received: no clock, no due time. Only on an empty stream, like a reception.
 */
export function refuseAtReception(command: RefuseAtReception, state: DossierState, now: Date): DossierRefusedAtReception[] {
  const { dossierId, occurredAt } = requireEnvelope(command);
  const d = command.data;
  const reason = requireText(d.reason, 'reason');
  const legalBasis = optionalText(d.legalBasis, 'legalBasis');
  const data: DossierRefusedAtReception['data'] = {
    dossierId,
    code: requireText(d.code, 'code'),
    unitCode: requireText(d.unitCode, 'unitCode'),
    procedureCode: requireText(d.procedureCode, 'procedureCode'),
    ...(d.procedureName !== undefined && { procedureName: requireText(d.procedureName, 'procedureName') }),
    field: requireText(d.field, 'field'),
    channel: requireOneOf(d.channel, CHANNELS, 'channel'),
    onlineLevel: requireOneOf(d.onlineLevel, ONLINE_LEVELS, 'onlineLevel'),
    applicant: requireApplicant(d.applicant),
    timeZone: requireTimeZone(d.timeZone, 'timeZone'),
    refusedAt: occurredAt.toISOString(),
    reason,
    ...(legalBasis !== undefined && { legalBasis }),
    ...(d.ruleSet !== undefined && { ruleSet: requireOneOf(d.ruleSet, RULE_SETS, 'ruleSet') }),
    ...(d.competentUnitCode !== undefined &&
      d.competentUnitCode !== d.unitCode && { competentUnitCode: requireText(d.competentUnitCode, 'competentUnitCode') }),
  };
  if (reason.length > 2000) throw new InvalidCommand('reason', 'must be at most 2000 characters');

  if (state.status !== 'none') throw new DossierAlreadyExists(state.id, state.code);
  requireNotInFuture(occurredAt, now);
  requireSupportedInstant(occurredAt, 'occurredAt');
  return [{ type: 'DossierRefusedAtReception', data }];
}
