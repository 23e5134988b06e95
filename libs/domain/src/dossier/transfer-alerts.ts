/**
 * Liên thông alerts (issue #16): which alerts an open transfer has and when. One timer per kind per
 * open transfer, counted in the receiving agency's working time (its office hours and calendar) from
 * the hand-off to that transfer's own due time. They go to the agency and to the lead (competent)
 * unit; a returned transfer or a closed dossier has none.
 */
import { nearDeadlineAt, type NearDeadlinePolicy } from '../deadline/near-deadline';
import type { WorkingTimeContext } from '../deadline/context';
import { TRANSFER_ALERT_KINDS, type TransferAlertKind } from '../shared/types';
import type { OpenDossier, TransferRecord } from './state';

export { TRANSFER_ALERT_KINDS, type TransferAlertKind };

/** The moment (epoch ms) of each alert of a transfer: near-deadline by the unit's policy, overdue at its due time. */
export function transferAlertTimes(transfer: TransferRecord, ctx: WorkingTimeContext, policy: NearDeadlinePolicy): Record<TransferAlertKind, number> {
  const due = new Date(transfer.dueAt);
  const times = {} as Record<TransferAlertKind, number>;
  for (const kind of TRANSFER_ALERT_KINDS) {
    switch (kind) {
      case 'near-deadline':
        times[kind] = nearDeadlineAt(ctx, new Date(transfer.transferredAt), due, policy).getTime();
        break;
      case 'overdue':
        times[kind] = due.getTime();
        break;
      default: {
        const unreachable: never = kind;
        return unreachable;
      }
    }
  }
  return times;
}

/** A transfer alert not raised yet. */
export interface PendingTransferAlert {
  transfer: TransferRecord;
  kind: TransferAlertKind;
}

/** The transfer alerts an open dossier still needs: each kind of each open (not returned) transfer not raised yet. */
export function pendingTransferAlerts(dossier: OpenDossier): PendingTransferAlert[] {
  const out: PendingTransferAlert[] = [];
  for (const transfer of dossier.transfers) {
    if (transfer.returnedAt !== undefined) continue;
    for (const kind of TRANSFER_ALERT_KINDS) if (!(transfer.alertsRaised ?? []).includes(kind)) out.push({ transfer, kind });
  }
  return out;
}
