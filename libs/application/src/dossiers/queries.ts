import { ExistingDossier, foldDossier, RefusedDossier } from '@motcua/domain';
import { toDomain } from './dossier-repository';
import { CommandContext } from '../context';
import { NotFoundError } from '../errors';
import { assertDossierAccess, dossierUnits, timingModeOf } from './dossier-scope';
import { HistoryEntry } from './results';
import { DossierUseCaseDeps } from './use-case-deps';
import { DossierView, toView } from './view';

const BACKDATED_MS = 5 * 60_000;

export interface AsOf {
  at: Date;
  by: 'occurred' | 'recorded';
}

/** The dossier now, or as of a moment: by business time (`occurred`) or by when it was recorded. */
export class GetDossier {
  constructor(private readonly deps: Pick<DossierUseCaseDeps, 'repository' | 'reference'>) {}

  async execute(id: string, ctx: CommandContext, asOf?: AsOf): Promise<DossierView> {
    const { events } = await this.deps.repository.load(id);
    if (events.length === 0) throw new NotFoundError(`Dossier ${id} does not exist`);
    const first = foldDossier([toDomain(events[0])]) as ExistingDossier | RefusedDossier;
    // the units of the dossier now (a merge may have passed it to a successor) and at reception
    const all = foldDossier(events.map(toDomain)) as ExistingDossier | RefusedDossier;
    assertDossierAccess(this.deps.reference, ctx, id, [...new Set([...dossierUnits(first), ...dossierUnits(all, true)])]);
    let selected = events;
    if (asOf) {
      const t = asOf.at.getTime();
      selected = events.filter((e) => Date.parse(asOf.by === 'recorded' ? e.recordedAt : e.metadata.occurredAt) <= t);
      if (selected.length === 0) throw new NotFoundError(`Dossier ${first.code} did not exist yet at ${asOf.at.toISOString()} (${asOf.by} time)`);
    }
    const state = foldDossier(selected.map(toDomain)) as ExistingDossier | RefusedDossier;
    return toView(state, asOf?.at ?? ctx.now, timingModeOf(this.deps.reference, state.unitCode));
  }
}

/** Every event of the dossier with actor, business time and recorded time. */
export class GetDossierHistory {
  constructor(private readonly deps: Pick<DossierUseCaseDeps, 'repository' | 'reference'>) {}

  async execute(id: string, ctx: CommandContext): Promise<{ id: string; code: string; events: HistoryEntry[] }> {
    const { events, state } = await this.deps.repository.load(id);
    if (state.status === 'none') throw new NotFoundError(`Dossier ${id} does not exist`);
    assertDossierAccess(this.deps.reference, ctx, id, dossierUnits(state, true));
    return {
      id,
      code: state.code,
      events: events.map((e) => ({
        type: e.type,
        version: Number(e.revision) + 1,
        occurredAt: e.metadata.occurredAt,
        recordedAt: e.recordedAt,
        backdated: Date.parse(e.recordedAt) - Date.parse(e.metadata.occurredAt) > BACKDATED_MS,
        actor: e.metadata.actor,
        correlationId: e.metadata.correlationId,
        data: e.data,
      })),
    };
  }
}
