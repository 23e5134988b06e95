import { startHarness } from '../../support/api-harness';
import { freshPostgres, TestPostgres } from '../../support/databases';
import { auditSuite } from './audit.suite';

let pg: TestPostgres;
afterAll(async () => pg?.drop());
auditSuite('PostgreSQL', async () => {
  pg = await freshPostgres('audit', 2);
  await pg.driver.close();
  // the CLI walks the same schema from outside the service
  return { h: await startHarness(pg.url), cliEnv: { EVENT_STORE_URL: pg.url } };
});
