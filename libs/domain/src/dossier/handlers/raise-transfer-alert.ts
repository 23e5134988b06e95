import { TRANSFER_ALERT_KINDS } from '../../shared/types';
import type { RaiseTransferAlert } from '../commands';
import type { TransferAlertRaised } from '../events';
import { requireDate, requireEnvelope, requireInOrder, requireOneOf, requireText } from '../guards';
import { isOpenDossier, type DossierState } from '../state';

/**
 * A transfer's timer fired (issue #16). Like the dossier's own alerts, a timer may fire late, twice,
 * for a transfer since returned or for a closed dossier: all of those append nothing ([]), never
 * throw. The alert is appended only if the dossier is open, the transfer exists and is not returned,
 * `dueAt` is exactly its due time and no alert of this kind was raised for it yet. It names the
 * agency and the lead unit (the competent unit now), so that both see it. `occurredAt` must be `now`.
 */
export function raiseTransferAlert(command: RaiseTransferAlert, state: DossierState, now: Date): TransferAlertRaised[] {
  const { occurredAt } = requireEnvelope(command);
  const transferId = requireText(command.data.transferId, 'transferId');
  const kind = requireOneOf(command.data.kind, TRANSFER_ALERT_KINDS, 'kind');
  const dueAt = requireDate(command.data.dueAt, 'dueAt');

  if (!isOpenDossier(state)) return [];
  const transfer = state.transfers.find((t) => t.transferId === transferId);
  if (!transfer || transfer.returnedAt !== undefined) return [];
  if (dueAt.getTime() !== Date.parse(transfer.dueAt)) return [];
  if ((transfer.alertsRaised ?? []).includes(kind)) return [];
  requireInOrder(occurredAt, now, state);
  return [
    {
      type: 'TransferAlertRaised',
      data: { transferId, toUnitCode: transfer.toUnitCode, unitCode: state.competentUnitCode, kind, dueAt: transfer.dueAt, raisedAt: occurredAt.toISOString() },
    },
  ];
}
