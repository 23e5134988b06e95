import { startHarness } from '../../support/api-harness';
import { statisticsApiSuite } from './statistics-api.suite';

statisticsApiSuite('PGlite', () => startHarness('pglite://memory'));
