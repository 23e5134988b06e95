import { startHarness } from '../../support/api-harness';
import { campaignApiSuite } from './campaign-api.suite';

campaignApiSuite('PGlite', () => startHarness('pglite://memory'));
