import type { ProcessingTimeUnit } from '../../shared/types';
import { timingClass } from '../../deadline/timing';
import type { PassToSuccessor, ReturnTransfer, TransferDossier } from '../commands';
import { InvalidCommand, TransferAlreadyReturned, UnknownTransfer } from '../errors';
import type { DossierPassedToSuccessor, DossierTransferred, TransferReturned } from '../events';
import {
  optionalText,
  requireDate,
  requireEnvelope,
  requireExisting,
  requireInOrder,
  requireOneOf,
  requireOpen,
  requireSupportedInstant,
  requireText,
  requireTimeZone,
} from '../guards';
import { isOpenDossier, type DossierState } from '../state';

const UNITS: readonly ProcessingTimeUnit[] = ['working_day', 'half_day', 'working_hour'];
const OUTCOMES = ['done', 'refused'] as const;

/**
 * Liên thông (Art. 19.6–19.7): the dossier goes to another agency for a task. Only an open dossier;
 * a transfer id is used once; several transfers may be open at once (electronic, all at once).
 */
export function transferDossier(command: TransferDossier, state: DossierState, now: Date): DossierTransferred[] {
  const { dossierId, occurredAt } = requireEnvelope(command);
  const d = command.data;
  const transferId = requireText(d.transferId, 'transferId');
  const toUnitCode = requireText(d.toUnitCode, 'toUnitCode');
  const task = requireText(d.task, 'task');
  let processingTime: DossierTransferred['data']['processingTime'];
  if (d.processingTime !== undefined) {
    const amount = d.processingTime.amount;
    if (typeof amount !== 'number' || !Number.isFinite(amount) || amount <= 0) throw new InvalidCommand('processingTime.amount', 'must be a positive number');
    processingTime = { amount, unit: requireOneOf(d.processingTime.unit, UNITS, 'processingTime.unit') };
  }
  const dueAt = requireDate(d.dueAt, 'dueAt');
  const timeZone = requireTimeZone(d.timeZone, 'timeZone');
  const calendarVersion = requireText(d.calendarVersion, 'calendarVersion');

  const dossier = requireOpen(requireExisting(state, dossierId), 'transfer');
  if (dossier.transfers.some((t) => t.transferId === transferId)) {
    throw new UnknownTransfer(dossier.code, transferId, `Dossier ${dossier.code} already has a transfer ${transferId}: choose another id`);
  }
  requireInOrder(occurredAt, now, dossier);
  requireSupportedInstant(dueAt, 'dueAt');
  if (dueAt.getTime() <= occurredAt.getTime()) {
    throw new InvalidCommand('dueAt', `the transfer's due time ${dueAt.toISOString()} must be after the transfer ${occurredAt.toISOString()}`);
  }
  return [
    {
      type: 'DossierTransferred',
      data: {
        transferId,
        toUnitCode,
        task,
        ...(processingTime && { processingTime }),
        dueAt: dueAt.toISOString(),
        calendarVersion,
        timeZone,
        transferredAt: occurredAt.toISOString(),
      },
    },
  ];
}

/**
 * The agency hands its part back, judged early / on time / late against that transfer's own due
 * time in the agency's zone. Allowed on a closed dossier too (the agency's return is a fact), but
 * once per transfer.
 */
export function returnTransfer(command: ReturnTransfer, state: DossierState, now: Date): TransferReturned[] {
  const { dossierId, occurredAt } = requireEnvelope(command);
  const transferId = requireText(command.data.transferId, 'transferId');
  const outcome = requireOneOf(command.data.outcome, OUTCOMES, 'outcome');
  const note = optionalText(command.data.note, 'note');

  const dossier = requireExisting(state, dossierId);
  const transfer = dossier.transfers.find((t) => t.transferId === transferId);
  if (!transfer) throw new UnknownTransfer(dossier.code, transferId);
  if (transfer.returnedAt !== undefined) throw new TransferAlreadyReturned(dossier.code, transferId, transfer.returnedAt);
  requireInOrder(occurredAt, now, dossier);
  const timing = timingClass(occurredAt, new Date(transfer.dueAt), transfer.timeZone, command.data.timingMode === 'day' ? 'day' : 'exact');
  return [{ type: 'TransferReturned', data: { transferId, outcome, ...(note !== undefined && { note }), returnedAt: occurredAt.toISOString(), timing } }];
}

/**
 * Reorganisation: the competent unit `fromUnitCode` was closed; the open dossier passes to its
 * successor. Idempotent: a dossier already with another competent unit (passed, or never the old
 * unit's), or closed, gives no event, so a succession run again (after a crash) skips it.
 */
export function passToSuccessor(command: PassToSuccessor, state: DossierState, now: Date): DossierPassedToSuccessor[] {
  const { dossierId, occurredAt } = requireEnvelope(command);
  const fromUnitCode = requireText(command.data.fromUnitCode, 'fromUnitCode');
  const toUnitCode = requireText(command.data.toUnitCode, 'toUnitCode');
  const effectiveDate = requireText(command.data.effectiveDate, 'effectiveDate');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(effectiveDate)) throw new InvalidCommand('effectiveDate', 'must be a date YYYY-MM-DD');
  if (fromUnitCode === toUnitCode) throw new InvalidCommand('toUnitCode', 'the successor must be another unit');
  const dossier = requireExisting(state, dossierId);
  if (!isOpenDossier(dossier) || dossier.competentUnitCode !== fromUnitCode) return [];
  requireInOrder(occurredAt, now, dossier);
  return [{ type: 'DossierPassedToSuccessor', data: { fromUnitCode, toUnitCode, effectiveDate, passedAt: occurredAt.toISOString() } }];
}
