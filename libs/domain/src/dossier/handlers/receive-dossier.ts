import { RULE_SET_IDS } from '../../rules/rule-set';
import type { ProcessingTimeUnit } from '../../shared/types';
import type { ReceiveDossier } from '../commands';
import { DossierAlreadyExists, InvalidCommand } from '../errors';
import type { Applicant, DossierReceived } from '../events';
import { optionalText, requireDate, requireEnvelope, requireNotInFuture, requireOneOf, requireSupportedInstant, requireText, requireTimeZone } from '../guards';
import { isLookupPin } from '../lookup-pin';
import type { DossierState } from '../state';

export const CHANNELS = ['direct', 'online', 'postal'] as const;
export const ONLINE_LEVELS = ['none', 'partial', 'full'] as const;
const PROCESSING_TIME_UNITS: readonly ProcessingTimeUnit[] = ['working_day', 'half_day', 'working_hour'];

/** Reception (Art. 17): only on an empty stream; the due time comes computed from the application. */
export function receiveDossier(command: ReceiveDossier, state: DossierState, now: Date): DossierReceived[] {
  const { dossierId, occurredAt } = requireEnvelope(command);
  const d = command.data;
  const code = requireText(d.code, 'code');
  const applicant = requireApplicant(d.applicant);
  const amount = d.processingTime?.amount;
  if (typeof amount !== 'number' || !Number.isFinite(amount) || amount <= 0) {
    throw new InvalidCommand('processingTime.amount', 'must be a positive number');
  }
  const unit = requireOneOf(d.processingTime.unit, PROCESSING_TIME_UNITS, 'processingTime.unit');
  const dueAt = requireDate(d.dueAt, 'dueAt');

  const data: DossierReceived['data'] = {
    dossierId,
    code,
    unitCode: requireText(d.unitCode, 'unitCode'),
    procedureCode: requireText(d.procedureCode, 'procedureCode'),
    ...(d.procedureName !== undefined && { procedureName: requireText(d.procedureName, 'procedureName') }),
    field: requireText(d.field, 'field'),
    channel: requireOneOf(d.channel, CHANNELS, 'channel'),
    onlineLevel: requireOneOf(d.onlineLevel, ONLINE_LEVELS, 'onlineLevel'),
    applicant,
    processingTime: { amount, unit },
    timeZone: requireTimeZone(d.timeZone, 'timeZone'),
    receivedAt: occurredAt.toISOString(),
    dueAt: dueAt.toISOString(),
    calendarVersion: requireText(d.calendarVersion, 'calendarVersion'),
    ...(d.ruleSet !== undefined && { ruleSet: requireOneOf(d.ruleSet, RULE_SET_IDS, 'ruleSet') }),
    ...(d.campaignId !== undefined && { campaignId: requireText(d.campaignId, 'campaignId') }),
    ...(d.lookupPin !== undefined && { lookupPin: requireLookupPin(d.lookupPin) }),
    // only when another unit resolves: the common case keeps the event as it was
    ...(d.competentUnitCode !== undefined &&
      d.competentUnitCode !== d.unitCode && { competentUnitCode: requireText(d.competentUnitCode, 'competentUnitCode') }),
    ...(d.digitised !== undefined && { digitised: d.digitised === true }),
    ...(d.feeDue !== undefined && { feeDue: d.feeDue === true }),
    ...(d.feePaidOnline !== undefined && { feePaidOnline: d.feePaidOnline === true }),
  };
  if (data.feePaidOnline === true && data.feeDue !== true) throw new InvalidCommand('feePaidOnline', 'a fee paid online needs feeDue: true');

  if (state.status !== 'none') throw new DossierAlreadyExists(state.id, state.code);
  requireNotInFuture(occurredAt, now);
  requireSupportedInstant(occurredAt, 'occurredAt');
  requireSupportedInstant(dueAt, 'dueAt');
  if (dueAt.getTime() <= occurredAt.getTime()) {
    throw new InvalidCommand('dueAt', `the due time ${data.dueAt} must be after the reception time ${data.receivedAt}`);
  }
  return [{ type: 'DossierReceived', data }];
}

export function requireApplicant(value: unknown): Applicant {
  if (typeof value !== 'object' || value === null) throw new InvalidCommand('applicant', 'is required');
  const a = value as Record<string, unknown>;
  const applicant: Applicant = { name: requireText(a.name, 'applicant.name') };
  for (const key of ['idNumber', 'phone', 'email', 'address'] as const) {
    const v = optionalText(a[key], `applicant.${key}`);
    if (v !== undefined) applicant[key] = v;
  }
  return applicant;
}

function requireLookupPin(value: unknown): string {
  if (!isLookupPin(value)) throw new InvalidCommand('lookupPin', 'must be 6 characters of the look-up alphabet');
  return value;
}
