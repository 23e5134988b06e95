import { startHarness } from '../../support/api-harness';
import { dossierApiSuite } from './dossier-api.suite';

dossierApiSuite('PGlite', () => startHarness('pglite://memory'));
