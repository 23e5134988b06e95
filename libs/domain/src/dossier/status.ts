/**
 * The dossier's status machine, written once: `evolve` (the dossier state) and the report facts
 * (libs/application/src/reports/dossier-facts.ts, hence the `dossier_summary` read model) both move
 * a dossier's status with `statusAfter`. Exhaustive: a new event type fails to compile here.
 */
import type { DossierStatus } from '../shared/types';
import { assertNever } from './assert-never';
import type { DossierEvent } from './events';
import { OPEN_DOSSIER_STATUSES } from './state';

export function isOpenStatus(status: DossierStatus | 'none'): boolean {
  return (OPEN_DOSSIER_STATUSES as readonly string[]).includes(status);
}

/**
 * The status after `event`, from the status before it. `hasAssignee`: whether the dossier had an
 * assignee before the event (a supplement's receipt returns it to `assigned`, else `received`).
 * A closed dossier (resolved, withdrawn) never changes status, even if a (buggy) later event says
 * otherwise; a reception always gives `received` (evolve rejects a second one as corrupt).
 */
export function statusAfter(status: DossierStatus | 'none', event: DossierEvent, hasAssignee: boolean): DossierStatus | 'none' {
  switch (event.type) {
    case 'DossierReceived':
      return 'received';
    case 'DossierAssigned':
      return status === 'received' ? 'assigned' : status;
    case 'SupplementRequested':
      return isOpenStatus(status) ? 'awaiting-supplement' : status;
    case 'SupplementReceived':
      return status === 'awaiting-supplement' ? (hasAssignee ? 'assigned' : 'received') : status;
    case 'DossierResolved':
      return isOpenStatus(status) ? 'resolved' : status;
    case 'DossierWithdrawn':
      return isOpenStatus(status) ? 'withdrawn' : status;
    case 'ApologyIssued':
    case 'SatisfactionRated':
    case 'DeadlineWarningRaised':
    case 'ApologyCutoffReached':
    case 'DossierOverdue':
    case 'DeadlineAlertWithdrawn':
      return status;
    case 'DossierTransferred':
    case 'TransferReturned':
    case 'DossierPassedToSuccessor':
      return status;
    default:
      return assertNever(event);
  }
}
