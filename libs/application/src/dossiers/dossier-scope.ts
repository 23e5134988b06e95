import { CommandContext } from '../context';
import { ReferenceService } from '../reference/reference-service';
import { assertObjectAccess } from '../reference/unit-access';

/**
 * A dossier outside the caller's units answers exactly like an unknown id (404): its existence is
 * not revealed. `units`: the dossier's receiving unit and its competent unit (issue #16: users of
 * either, or of their ancestors, see it).
 */
export function assertDossierAccess(reference: ReferenceService, ctx: CommandContext, id: string, units: string | readonly string[]): void {
  assertObjectAccess(reference.data, ctx.actor, units, `Dossier ${id} does not exist`);
}

/**
 * The units whose users may act on a dossier: the receiving one and the competent one; with
 * `agencies`, also every agency it was transferred to (they read it, and return their own transfer).
 */
export function dossierUnits(
  state: { unitCode: string; competentUnitCode?: string; transfers?: readonly { toUnitCode: string }[] },
  agencies = false,
): string[] {
  const units = new Set([state.unitCode, state.competentUnitCode ?? state.unitCode]);
  if (agencies) for (const t of state.transfers ?? []) units.add(t.toUnitCode);
  return [...units];
}

/** How the dossier's unit counts time for its views and its resolution (`exact` when the unit is gone). */
export function timingModeOf(reference: ReferenceService, unitCode: string): 'exact' | 'day' {
  return reference.data.units.get(unitCode)?.timingMode ?? 'exact';
}

/**
 * Commands on one dossier take turns within this process (one read-decide-append at a time), so
 * concurrent requests do not race each other for the same revision; between processes the
 * expected revision settles it and the loser reads and decides again.
 */
export class DossierTurns {
  /** The tail of each dossier's queue of commands in this process. */
  private readonly tails = new Map<string, Promise<void>>();

  run<T>(id: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(id) ?? Promise.resolve();
    const run = previous.then(work);
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(id, settled);
    void settled.then(() => {
      if (this.tails.get(id) === settled) this.tails.delete(id);
    });
    return run;
  }
}
