import { startHarness } from '../../support/api-harness';
import { freshPostgres, TestPostgres } from '../../support/databases';
import { findingSuite } from './finding.suite';

let pg: TestPostgres;
afterAll(async () => pg?.drop());
findingSuite('PostgreSQL', async () => {
  pg = await freshPostgres('finding', 2);
  await pg.driver.close();
  return startHarness(pg.url);
});
