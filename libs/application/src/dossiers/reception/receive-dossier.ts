import { DossierEvent, ExistingDossier, foldDossier, RefusedDossier } from '@motcua/domain';
import { CommandContext } from '../../context';
import { DossierCodeAllocator } from '../code-allocator';
import { CommandResult } from '../results';
import { DossierUseCaseDeps } from '../use-case-deps';
import { toView } from '../view';
import { alreadyReceived } from './already-received';
import { planReception, Reception, ReceiveInput } from './reception';
import { receptionWriter, ReceptionWriter } from './reception-writers';

/**
 * The reception use case (route `POST /dossiers` → action `receive` → domain command
 * `ReceiveDossier` → event `DossierReceived`): plan it ({@link planReception}), write it with a
 * code ({@link ReceptionWriter}), or answer a repeated id ({@link alreadyReceived}).
 */
export class ReceiveDossier {
  private readonly writer: ReceptionWriter;

  constructor(private readonly deps: Pick<DossierUseCaseDeps, 'repository' | 'reference' | 'earliestBusinessDate' | 'ruleSetSwitches'>) {
    this.writer = receptionWriter(deps.repository, new DossierCodeAllocator(deps.repository.store));
  }

  async execute(input: ReceiveInput, ctx: CommandContext): Promise<CommandResult> {
    const reception = planReception(this.deps.reference.data, this.deps.earliestBusinessDate, input, ctx, this.deps.ruleSetSwitches);
    const written = await this.writer.write(reception, ctx);
    if ('events' in written) return received(reception, written.events, ctx);
    const stored = written.taken ?? (await this.deps.repository.load(reception.id)).state;
    return alreadyReceived(this.deps.reference.data, reception.id, input, stored, ctx);
  }
}

function received(r: Reception, events: DossierEvent[], ctx: CommandContext): CommandResult {
  const state = foldDossier(events) as ExistingDossier | RefusedDossier;
  return { view: toView(state, ctx.now, r.unit.timingMode), appended: events.length, created: true };
}
