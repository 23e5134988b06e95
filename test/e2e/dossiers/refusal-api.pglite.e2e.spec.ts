import { startHarness } from '../../support/api-harness';
import { refusalApiSuite } from './refusal-api.suite';

refusalApiSuite('PGlite', () => startHarness('pglite://memory'));
