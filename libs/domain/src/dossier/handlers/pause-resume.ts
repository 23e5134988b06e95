import { PAUSE_KINDS } from '../../shared/types';
import type { PauseProcessing, ResumeProcessing } from '../commands';
import { InvalidCommand, InvalidNewDueAt, InvalidTransition } from '../errors';
import type { ProcessingPaused, ProcessingResumed } from '../events';
import { requireDate, requireEnvelope, requireExisting, requireInOrder, requireOneOf, requireStatus, requireSupportedInstant, requireText } from '../guards';
import type { DossierState } from '../state';

/**
 * Pause (issue #14): waiting for a fee, a field verification or another body's answer, where the law
 * says that time does not count. Only while the clock runs (received, assigned): a dossier awaiting a
 * supplement has its clock stopped already, and a paused one is paused.
 */
export function pauseProcessing(command: PauseProcessing, state: DossierState, now: Date): ProcessingPaused[] {
  const { dossierId, occurredAt } = requireEnvelope(command);
  const kind = requireOneOf(command.data.kind, PAUSE_KINDS, 'kind');
  const reason = requireText(command.data.reason, 'reason');

  const dossier = requireStatus(
    requireExisting(state, dossierId),
    ['received', 'assigned'],
    'pause',
    'Only a dossier whose clock runs can be paused: resume a paused one, or record the supplement awaited.',
  );
  if (dossier.appointedDueAt !== undefined) {
    // the apology promised the citizen a date (Art. 19.9): it is kept, not moved by a pause
    throw new InvalidTransition(
      dossier.code,
      dossier.status,
      'pause',
      `An apology re-appointed it to ${dossier.appointedDueAt}; that date is not moved by a pause.`,
    );
  }
  requireInOrder(occurredAt, now, dossier);

  return [{ type: 'ProcessingPaused', data: { kind, reason, pausedAt: occurredAt.toISOString() } }];
}

/**
 * The pause ends: the due time in force moves later by the working time spent paused. The application
 * counts it (the unit's office hours and calendar) and passes the new due time in; the decider checks
 * it is not earlier than the due time in force.
 */
export function resumeProcessing(command: ResumeProcessing, state: DossierState, now: Date): ProcessingResumed[] {
  const { dossierId, occurredAt } = requireEnvelope(command);
  const newDueAt = requireDate(command.data.newDueAt, 'newDueAt');
  const minutes = command.data.pausedWorkingMinutes;
  if (typeof minutes !== 'number' || !Number.isInteger(minutes) || minutes < 0) {
    throw new InvalidCommand('pausedWorkingMinutes', 'must be a whole number of minutes, 0 or more');
  }
  const calendarVersion = requireText(command.data.calendarVersion, 'calendarVersion');

  const dossier = requireStatus(requireExisting(state, dossierId), ['paused'], 'resume', 'It is not paused.');
  requireInOrder(occurredAt, now, dossier);
  requireSupportedInstant(newDueAt, 'newDueAt');
  const previousDueAt = dossier.effectiveDueAt;
  if (newDueAt.getTime() < Date.parse(previousDueAt)) {
    throw new InvalidNewDueAt(newDueAt.toISOString(), previousDueAt, 'a pause moves the due time later, never earlier');
  }

  return [
    {
      type: 'ProcessingResumed',
      data: { resumedAt: occurredAt.toISOString(), dueAt: newDueAt.toISOString(), previousDueAt, pausedWorkingMinutes: minutes, calendarVersion },
    },
  ];
}
