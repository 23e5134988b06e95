import { startHarness } from '../../support/api-harness';
import { findingSuite, publicRateLimitSuite } from './finding.suite';

findingSuite('PGlite', () => startHarness('pglite://memory'));
publicRateLimitSuite((env) => startHarness('pglite://memory', env));
