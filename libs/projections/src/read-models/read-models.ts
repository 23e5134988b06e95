/**
 * The rebuildable read models, built the same way by every process that projects or rebuilds them
 * (the worker, the embedded app, `cli rebuild`, `cli verify-projections`), so that a row never
 * depends on which process wrote it: the apology cut-off comes from the reference data.
 */
import type { ReferenceData } from '@motcua/application';
import { Projection } from '../projection';
import { DOSSIER_SUMMARY_PROJECTION, dossierSummaryProjection } from './dossier-summary.projection';

export const REBUILDABLE_PROJECTIONS: readonly string[] = [DOSSIER_SUMMARY_PROJECTION];

export function readModelProjections(
  reference: Pick<ReferenceData, 'apologyCutoff'> & Partial<Pick<ReferenceData, 'workingTimeMeasure'>>,
): Record<string, () => Projection> {
  return {
    [DOSSIER_SUMMARY_PROJECTION]: () => dossierSummaryProjection({ apologyCutoff: reference.apologyCutoff, workingTime: reference.workingTimeMeasure }),
  };
}
