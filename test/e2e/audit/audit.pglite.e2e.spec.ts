import { startHarness } from '../../support/api-harness';
import { auditSuite } from './audit.suite';

auditSuite('PGlite', async () => ({ h: await startHarness('pglite://memory') }));
