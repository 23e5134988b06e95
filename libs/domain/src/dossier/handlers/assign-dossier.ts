import type { AssignDossier } from '../commands';
import type { DossierAssigned } from '../events';
import { optionalText, requireEnvelope, requireExisting, requireInOrder, requireOpen, requireText } from '../guards';
import type { DossierState } from '../state';

/**
 * Assignment and reassignment (Art. 18–19). Allowed on any open dossier; while awaiting a
 * supplement the status stays but the assignee is recorded. Assigning the current assignee again
 * (same department or none given) is a no-op.
 */
export function assignDossier(command: AssignDossier, state: DossierState, now: Date): DossierAssigned[] {
  const { dossierId, occurredAt } = requireEnvelope(command);
  const assignee = requireText(command.data.assignee, 'assignee');
  const assigneeName = optionalText(command.data.assigneeName, 'assigneeName');
  const department = optionalText(command.data.department, 'department');

  const dossier = requireOpen(requireExisting(state, dossierId), 'assign');
  if (dossier.assignee === assignee && (department === undefined || department === dossier.department)) return [];
  requireInOrder(occurredAt, now, dossier);

  return [
    {
      type: 'DossierAssigned',
      data: {
        assignee,
        ...(assigneeName !== undefined && { assigneeName }),
        ...(department !== undefined && { department }),
        assignedAt: occurredAt.toISOString(),
        ...(dossier.assignee !== undefined && { previousAssignee: dossier.assignee }),
      },
    },
  ];
}
