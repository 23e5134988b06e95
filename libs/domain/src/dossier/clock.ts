/**
 * When the legal clock runs (Nghị định 61/2018 Art. 19): from reception (or a supplement's
 * receipt) while the dossier is open and not awaiting a supplement. The one definition: alerts,
 * timers, work lists (their SQL filter is generated from CLOCK_RUNNING_STATUSES) and views use it.
 */
import type { DossierStatus } from '../shared/types';

export type ClockRunningStatus = Extract<DossierStatus, 'received' | 'assigned'>;

/** The statuses in which the legal clock runs. */
export const CLOCK_RUNNING_STATUSES: readonly ClockRunningStatus[] = Object.freeze(['received', 'assigned'] as const);

/** True while the legal clock runs: open and not awaiting a supplement. Accepts a state or a bare status. */
export function isClockRunning(state: { readonly status: DossierStatus | 'none' } | DossierStatus | 'none'): boolean {
  const status = typeof state === 'string' ? state : state.status;
  return (CLOCK_RUNNING_STATUSES as readonly string[]).includes(status);
}
