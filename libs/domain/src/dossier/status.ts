/**
 * The dossier's status machine, written once: `evolve` (the dossier state) and the report facts
 * (libs/application/src/reports/dossier-facts.ts, hence the `dossier_summary` read model) both move
 * a dossier's status with `statusAfter`. Exhaustive: a new event type fails to compile here.
 */
import type { DossierStatus } from '../shared/types';
import { assertNever } from './assert-never';
import type { DossierEvent } from './events';
import { OPEN_DOSSIER_STATUSES } from './state';

/**
 * What some corrections need besides the assignee (issue #14): whether a supplement is awaited (an
 * undone resolve goes back to `awaiting-supplement`), and whether an assignee remains once the last
 * assignment is undone (`false`: back to `received`).
 */
export interface StatusContext {
  awaitingSupplement?: boolean;
  assigneeAfterUndo?: boolean;
}

export function isOpenStatus(status: DossierStatus | 'none'): boolean {
  return (OPEN_DOSSIER_STATUSES as readonly string[]).includes(status);
}

/**
 * The status after `event`, from the status before it. `hasAssignee`: whether the dossier had an
 * assignee before the event (a supplement's receipt returns it to `assigned`, else `received`).
 * A closed dossier (resolved, withdrawn) never changes status, even if a (buggy) later event says
 * otherwise; a reception always gives `received` (evolve rejects a second one as corrupt).
 */
export function statusAfter(status: DossierStatus | 'none', event: DossierEvent, hasAssignee: boolean, more: StatusContext = {}): DossierStatus | 'none' {
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
    case 'ProcessingPaused':
      return status === 'received' || status === 'assigned' ? 'paused' : status;
    case 'ProcessingResumed':
      return status === 'paused' ? (hasAssignee ? 'assigned' : 'received') : status;
    case 'ResultReturned':
      return status === 'resolved' ? 'returned' : status;
    case 'StepCorrected':
      switch (event.data.undo) {
        case 'resolve':
          // back to the status before the resolve (a paused dossier cannot be resolved)
          return status === 'resolved' ? (more.awaitingSupplement ? 'awaiting-supplement' : hasAssignee ? 'assigned' : 'received') : status;
        case 'return-result':
          return status === 'returned' ? 'resolved' : status;
        case 'assign':
          return status === 'assigned' && more.assigneeAfterUndo === false ? 'received' : status;
        default:
          return assertNever(event.data.undo);
      }
    case 'DossierRefusedAtReception':
      // only ever the first event of a stream (evolve rejects anything else as corrupt)
      return status === 'none' ? 'refused-at-reception' : status;
    case 'DossierTransferred':
    case 'TransferReturned':
    case 'TransferAlertRaised':
    case 'DossierPassedToSuccessor':
      return status;
    default:
      return assertNever(event);
  }
}
