import { startHarness } from '../../support/api-harness';
import { counterDaySuite } from './counter-day.suite';

counterDaySuite('PGlite', () => startHarness('pglite://memory'));
