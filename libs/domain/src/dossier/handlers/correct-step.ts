import { CORRECTABLE_STEPS } from '../../shared/types';
import { assertNever } from '../assert-never';
import type { CorrectStep } from '../commands';
import { DossierClosed, InvalidTransition, NothingToUndo } from '../errors';
import type { StepCorrected } from '../events';
import { requireEnvelope, requireExisting, requireInOrder, requireOneOf, requireText } from '../guards';
import { isOpenDossier, type DossierState, type ExistingDossier } from '../state';

/**
 * A step recorded by mistake is undone by a new event (the history keeps both); the application lets
 * only a supervisor send it. It undoes the LAST such step: `resolve` re-opens a resolved dossier in
 * the status before the resolve (the clock runs again against the same due time), `return-result`
 * takes a returned dossier back to resolved (waiting to be collected), `assign` restores the
 * previous assignee (none: back to `received`). A correction with nothing to undo is refused.
 */
export function correctStep(command: CorrectStep, state: DossierState, now: Date): StepCorrected[] {
  const { dossierId, occurredAt } = requireEnvelope(command);
  const undo = requireOneOf(command.data.undo, CORRECTABLE_STEPS, 'undo');
  const reason = requireText(command.data.reason, 'reason');

  const dossier = requireExisting(state, dossierId);
  requireSomethingToUndo(dossier, undo);
  requireInOrder(occurredAt, now, dossier);

  return [{ type: 'StepCorrected', data: { undo, reason, correctedAt: occurredAt.toISOString() } }];
}

function requireSomethingToUndo(dossier: ExistingDossier, undo: StepCorrected['data']['undo']): void {
  switch (undo) {
    case 'resolve':
      if (dossier.status === 'returned') {
        throw new InvalidTransition(dossier.code, dossier.status, 'undo the resolve of', 'Its result was returned: undo the return of the result first.');
      }
      if (dossier.status !== 'resolved') throw new NothingToUndo(dossier.code, undo, dossier.status, 'Only a resolved dossier has a resolve to undo.');
      return;
    case 'return-result':
      if (dossier.status !== 'returned')
        throw new NothingToUndo(dossier.code, undo, dossier.status, 'Only a returned dossier has a return of its result to undo.');
      return;
    case 'assign':
      if (!isOpenDossier(dossier)) throw new DossierClosed(dossier.code, dossier.status as 'resolved' | 'withdrawn' | 'returned', 'undo the assignment of');
      if (dossier.previousAssignments.length === 0) throw new NothingToUndo(dossier.code, undo, dossier.status, 'It was never assigned.');
      return;
    default:
      return assertNever(undo);
  }
}
