import { startHarness } from '../../support/api-harness';
import { freshPostgres, TestPostgres } from '../../support/databases';
import { refusalApiSuite } from './refusal-api.suite';

let pg: TestPostgres;
afterAll(async () => pg?.drop());
refusalApiSuite('PostgreSQL', async () => {
  pg = await freshPostgres('refusal', 2);
  await pg.driver.close();
  return startHarness(pg.url);
});
