import { DossierState } from '@motcua/domain';
import { CommandContext } from '../../context';
import { DuplicateError } from '../../errors';
import { ReferenceData } from '../../reference/reference-data';
import { coversUnit } from '../../reference/unit-access';
import { CommandResult } from '../results';
import { toView } from '../view';
import { ReceiveInput } from './reception';

/**
 * A reception whose dossier id exists: the same reception again (a retry: the dossier as it is,
 * nothing appended) or a clash (409). `s` is the stored dossier, status `none` if it vanished from
 * view (a concurrent reception not yet visible).
 */
export function alreadyReceived(data: ReferenceData, id: string, input: ReceiveInput, s: DossierState, ctx: CommandContext): CommandResult {
  if (s.status === 'none') throw new DuplicateError(`Dossier id ${id} was received concurrently`);
  const sameKind = (s.status === 'refused-at-reception') === (input.refusal !== undefined);
  if (
    sameKind &&
    s.unitCode === input.unitCode &&
    s.procedureCode === input.procedureCode &&
    s.applicant.name === input.applicant.name &&
    s.channel === input.channel
  ) {
    return { view: toView(s, ctx.now), appended: 0, created: false };
  }
  // Only the id is said to be taken: another unit's dossier code is not the caller's to know.
  const units = s.status === 'refused-at-reception' ? [s.unitCode] : [s.unitCode, s.competentUnitCode];
  if (!units.some((u) => coversUnit(data, ctx.actor, u))) throw new DuplicateError(`Dossier id ${id} is already taken: choose another id`);
  if (s.status === 'refused-at-reception') {
    throw new DuplicateError(`Dossier id ${id} is dossier ${s.code}, refused at reception: record the new dossier under a new id`);
  }
  throw new DuplicateError(`Dossier id ${id} is already used by dossier ${s.code}`);
}
