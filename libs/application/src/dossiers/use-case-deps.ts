import { RuleSetSwitches } from '@motcua/domain';
import { ReferenceService } from '../reference/reference-service';
import { DossierRepository } from './dossier-repository';
import { DossierTurns } from './dossier-scope';

/** What the dossier use cases share: the port to the streams, the reference data, the per-dossier turns. */
export interface DossierUseCaseDeps {
  repository: DossierRepository;
  reference: ReferenceService;
  turns: DossierTurns;
  /** Business times before this local date (YYYY-MM-DD, the unit's zone) are refused. */
  earliestBusinessDate: string;
  /** Rule-set switch dates (RULES_2025_FROM, TT03_2025_FORMS_FROM). */
  ruleSetSwitches: RuleSetSwitches;
}
