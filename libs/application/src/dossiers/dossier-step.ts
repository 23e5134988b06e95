import { decide, DossierClosed, DossierState, ExistingDossier, foldDossier } from '@motcua/domain';
import { WrongExpectedRevisionError } from '@motcua/event-store/port';
import { CommandContext } from '../context';
import { NotFoundError, VersionConflictError } from '../errors';
import { afterRead, checkBusinessTime } from './business-time';
import { assertDossierAccess, dossierUnits, timingModeOf } from './dossier-scope';
import { ActionOf, DOSSIER_STEPS, DossierActionName } from './steps';
import { DossierUseCaseDeps } from './use-case-deps';
import { CommandResult } from './results';
import { toView } from './view';

/** Attempts of a command without an expected version that keeps losing the race for its stream. */
const MAX_ATTEMPTS = 25;

/**
 * The use case of one dossier command after reception (one instance per action): in the
 * dossier's turn, load the stream, check scope (404 outside it) and the expected version, take
 * `now` after the read, check the business time, ask the decider through the action's
 * {@link DOSSIER_STEPS} entry, append at the revision read; on a lost race read and decide again
 * (bounded).
 */
export class DossierStep<N extends DossierActionName> {
  private readonly toCommand: (typeof DOSSIER_STEPS)[N];

  constructor(
    private readonly deps: DossierUseCaseDeps,
    readonly action: N,
  ) {
    this.toCommand = DOSSIER_STEPS[action];
  }

  execute(id: string, action: ActionOf<N>, request: CommandContext): Promise<CommandResult> {
    return this.deps.turns.run(id, () => this.decideAndAppend(id, action, request));
  }

  private async decideAndAppend(id: string, action: ActionOf<N>, request: CommandContext): Promise<CommandResult> {
    const { repository, reference } = this.deps;
    for (let attempt = 1; ; attempt++) {
      const { state } = await repository.load(id);
      if (state.status === 'none') throw new NotFoundError(`Dossier ${id} does not exist`);
      // an agency returns its own transfer (issue #16); every other step: the receiving or competent unit
      const transfer =
        (action as { action: string; transferId?: string }).action === 'transfer-return' && state.status !== 'refused-at-reception'
          ? state.transfers.find((t) => t.transferId === (action as { transferId?: string }).transferId)
          : undefined;
      assertDossierAccess(reference, request, id, transfer ? [...dossierUnits(state), transfer.toUnitCode] : dossierUnits(state));
      if (request.expectedVersion !== undefined && request.expectedVersion !== state.version) {
        throw new VersionConflictError(
          `Dossier ${state.code} is at version ${state.version}, not ${request.expectedVersion}: reload it and try again`,
          state.version,
        );
      }
      // refused at reception: never received, terminal (422 dossier-closed, nothing written)
      if (state.status === 'refused-at-reception') throw new DossierClosed(state.code, state.status, action.action);
      const ctx = afterRead(request, state);
      if (ctx.occurredAt) checkBusinessTime(ctx.occurredAt, ctx.now, state.timeZone, this.deps.earliestBusinessDate);
      const base = { dossierId: id, occurredAt: ctx.occurredAt ?? ctx.now };
      const command = (this.toCommand as (i: unknown) => ReturnType<(typeof DOSSIER_STEPS)[N]>)({ action, state, ctx, base, reference });
      const events = decide(command, state, ctx.now);
      if (events.length === 0) return { view: toView(state, ctx.now, timingModeOf(reference, state.unitCode)), appended: 0 };
      try {
        await repository.append(id, events, BigInt(state.version - 1), ctx);
      } catch (err) {
        if (!(err instanceof WrongExpectedRevisionError)) throw err;
        const current = typeof err.actual === 'bigint' ? Number(err.actual) + 1 : 0;
        if (ctx.expectedVersion !== undefined || attempt >= MAX_ATTEMPTS) {
          throw new VersionConflictError(`Dossier ${state.code} changed meanwhile (now version ${current}): reload it and try again`, current);
        }
        // someone else wrote first: read and decide again (after a short random pause, so that a
        // crowd of writers on one dossier spreads out instead of colliding again)
        await new Promise((r) => setTimeout(r, Math.random() * Math.min(attempt * 4, 40)));
        continue;
      }
      const next = events.reduce((s, e) => foldDossier([e], s), state as DossierState) as ExistingDossier;
      return { view: toView(next, ctx.now, timingModeOf(reference, next.unitCode)), appended: events.length };
    }
  }
}
