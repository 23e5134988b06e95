import { startHarness } from '../../support/api-harness';
import { unitsApiSuite } from './units-api.suite';

unitsApiSuite('PGlite', () => startHarness('pglite://memory'));
