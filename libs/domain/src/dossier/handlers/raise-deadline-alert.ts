import { ALERT_KINDS } from '../../shared/types';
import { isClockRunning } from '../clock';
import type { RaiseDeadlineAlert } from '../commands';
import { ALERT_EVENT_TYPE_BY_KIND, type DeadlineAlertEvent } from '../events';
import { requireDate, requireEnvelope, requireExisting, requireInOrder, requireOneOf } from '../guards';
import type { DossierState } from '../state';

/**
 * Timers are alarm clocks, the stream is the record: a timer may fire late, twice, for a due time
 * that has since moved, or for a closed dossier. All of those append nothing ([]), they never throw.
 * An alert is appended only if the dossier is open with its clock running, `dueAt` is exactly the
 * effective due time in force, and no alert of this kind exists yet for that due time.
 * `occurredAt` must be the caller's `now`.
 */
export function raiseDeadlineAlert(command: RaiseDeadlineAlert, state: DossierState, now: Date): DeadlineAlertEvent[] {
  const { dossierId, occurredAt } = requireEnvelope(command);
  const kind = requireOneOf(command.data.kind, ALERT_KINDS, 'kind');
  const dueAt = requireDate(command.data.dueAt, 'dueAt');

  if (state.status === 'none' || state.status === 'refused-at-reception') return [];
  const dossier = requireExisting(state, dossierId);
  if (!isClockRunning(dossier)) return [];
  if (dueAt.getTime() !== Date.parse(dossier.effectiveDueAt)) return [];
  const alreadyRaised = dossier.alerts.some((a) => a.kind === kind && Date.parse(a.dueAt) === dueAt.getTime());
  if (alreadyRaised) return [];
  requireInOrder(occurredAt, now, dossier);

  const data = {
    dueAt: dossier.effectiveDueAt,
    raisedAt: occurredAt.toISOString(),
    unitCode: dossier.unitCode,
    ...(dossier.assignee !== undefined && { assignee: dossier.assignee }),
  };
  switch (kind) {
    case 'near-deadline':
      return [{ type: ALERT_EVENT_TYPE_BY_KIND[kind], data: { kind, ...data } }];
    case 'apology-cutoff':
      return [{ type: ALERT_EVENT_TYPE_BY_KIND[kind], data: { kind, ...data } }];
    case 'overdue':
      return [{ type: ALERT_EVENT_TYPE_BY_KIND[kind], data: { kind, ...data } }];
    default: {
      const unreachable: never = kind;
      return unreachable;
    }
  }
}
