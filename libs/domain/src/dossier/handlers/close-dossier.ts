import type { ResolveDossier, WithdrawDossier } from '../commands';
import type { DeadlineAlertWithdrawn, DossierResolved, DossierWithdrawn } from '../events';
import { optionalText, requireEnvelope, requireExisting, requireInOrder, requireNotPaused, requireOneOf, requireOpen, requireText } from '../guards';
import type { DossierState, ExistingDossier } from '../state';

/**
 * The alerts a closing event at `closedAt` proves moot, each withdrawn by an event: an alert raised
 * after the dossier was (in business time) already closed, or an overdue alert whose due time the
 * closing precedes. A timer that fired between a backdated reception and its resolution (an import)
 * raised such alerts; live, a resolution is never dated before an alert that was raised.
 */
export function mootAlerts(dossier: ExistingDossier, closedAt: Date, reason: DeadlineAlertWithdrawn['data']['reason']): DeadlineAlertWithdrawn[] {
  const t = closedAt.getTime();
  return dossier.alerts
    .filter((a) => a.withdrawnAt === undefined && (t < Date.parse(a.raisedAt) || (a.kind === 'overdue' && t < Date.parse(a.dueAt))))
    .map((a) => ({
      type: 'DeadlineAlertWithdrawn' as const,
      data: { kind: a.kind, dueAt: a.dueAt, raisedAt: a.raisedAt, unitCode: dossier.unitCode, withdrawnAt: closedAt.toISOString(), reason },
    }));
}

const OUTCOMES = ['approved', 'refused'] as const;

/** Approval or reasoned refusal (Art. 19.8, 20); both count as resolved. Allowed on any open dossier but a paused one (resume first). */
export function resolveDossier(command: ResolveDossier, state: DossierState, now: Date): (DossierResolved | DeadlineAlertWithdrawn)[] {
  const { dossierId, occurredAt } = requireEnvelope(command);
  const outcome = requireOneOf(command.data.outcome, OUTCOMES, 'outcome');
  const note = optionalText(command.data.note, 'note');

  const dossier = requireOpen(requireExisting(state, dossierId), 'resolve');
  requireNotPaused(dossier, 'resolve');
  requireInOrder(occurredAt, now, dossier);

  return [
    {
      type: 'DossierResolved',
      data: {
        outcome,
        ...(note !== undefined && { note }),
        resolvedAt: occurredAt.toISOString(),
        ...(command.data.timingMode === 'day' && { timingMode: 'day' as const }),
        ...(command.data.electronicResult !== undefined && { electronicResult: command.data.electronicResult === true }),
      },
    },
    ...mootAlerts(dossier, occurredAt, 'resolved-before-due'),
  ];
}

/** The citizen withdraws; allowed on any open dossier. */
export function withdrawDossier(command: WithdrawDossier, state: DossierState, now: Date): (DossierWithdrawn | DeadlineAlertWithdrawn)[] {
  const { dossierId, occurredAt } = requireEnvelope(command);
  const reason = requireText(command.data.reason, 'reason');

  const dossier = requireOpen(requireExisting(state, dossierId), 'withdraw');
  requireInOrder(occurredAt, now, dossier);

  return [{ type: 'DossierWithdrawn', data: { reason, withdrawnAt: occurredAt.toISOString() } }, ...mootAlerts(dossier, occurredAt, 'withdrawn-before-due')];
}
