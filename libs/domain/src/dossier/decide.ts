/**
 * decide(command, state, now) → events: pure, no I/O; `now` is passed in. Throws a DomainError
 * when a rule is broken; returns [] when the command changes nothing (idempotent no-ops).
 *
 * Check order in every handler: input structure (InvalidCommand) → existence (DossierNotFound /
 * DossierAlreadyExists) → status (DossierClosed / InvalidTransition) → command rule (apology once,
 * rate once, no-op) → business time (OccurredInFuture, OccurredBeforePreviousEvent) → due times.
 */
import { assertNever } from './assert-never';
import type { DossierCommand } from './commands';
import type { DossierEvent } from './events';
import { requireValidNow } from './guards';
import { assignDossier } from './handlers/assign-dossier';
import { resolveDossier, withdrawDossier } from './handlers/close-dossier';
import { issueApology } from './handlers/issue-apology';
import { raiseDeadlineAlert } from './handlers/raise-deadline-alert';
import { raiseTransferAlert } from './handlers/raise-transfer-alert';
import { rateSatisfaction } from './handlers/rate-satisfaction';
import { receiveDossier } from './handlers/receive-dossier';
import { receiveSupplement, requestSupplement } from './handlers/supplement';
import { refuseAtReception } from './handlers/refuse-at-reception';
import type { DossierState } from './state';
import { pauseProcessing, resumeProcessing } from './handlers/pause-resume';
import { returnResult } from './handlers/return-result';
import { correctStep } from './handlers/correct-step';
import { passToSuccessor, returnTransfer, transferDossier } from './handlers/transfer';

export function decide(command: DossierCommand, state: DossierState, now: Date): DossierEvent[] {
  requireValidNow(now);
  switch (command.type) {
    case 'ReceiveDossier':
      return receiveDossier(command, state, now);
    case 'AssignDossier':
      return assignDossier(command, state, now);
    case 'RequestSupplement':
      return requestSupplement(command, state, now);
    case 'ReceiveSupplement':
      return receiveSupplement(command, state, now);
    case 'IssueApology':
      return issueApology(command, state, now);
    case 'ResolveDossier':
      return resolveDossier(command, state, now);
    case 'WithdrawDossier':
      return withdrawDossier(command, state, now);
    case 'RateSatisfaction':
      return rateSatisfaction(command, state, now);
    case 'RaiseDeadlineAlert':
      return raiseDeadlineAlert(command, state, now);
    case 'RaiseTransferAlert':
      return raiseTransferAlert(command, state, now);
    case 'PauseProcessing':
      return pauseProcessing(command, state, now);
    case 'ResumeProcessing':
      return resumeProcessing(command, state, now);
    case 'ReturnResult':
      return returnResult(command, state, now);
    case 'CorrectStep':
      return correctStep(command, state, now);
    case 'RefuseAtReception':
      return refuseAtReception(command, state, now);
    case 'TransferDossier':
      return transferDossier(command, state, now);
    case 'ReturnTransfer':
      return returnTransfer(command, state, now);
    case 'PassToSuccessor':
      return passToSuccessor(command, state, now);
    default:
      return assertNever(command);
  }
}
