/** The dossier decider as one value (Emmett's `Decider<State, Command, Event>` shape). */
import type { DossierCommand } from './commands';
import { decide } from './decide';
import type { DossierEvent } from './events';
import { evolve } from './evolve';
import { initialDossierState, type DossierState } from './state';

export interface Decider<State, Command, Event> {
  decide(command: Command, state: State, now: Date): Event[];
  evolve(state: State, event: Event): State;
  initialState(): State;
}

export const dossierDecider: Decider<DossierState, DossierCommand, DossierEvent> = {
  decide,
  evolve,
  initialState: () => initialDossierState,
};
