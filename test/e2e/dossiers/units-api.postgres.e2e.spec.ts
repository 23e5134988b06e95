import { startHarness } from '../../support/api-harness';
import { freshPostgres, TestPostgres } from '../../support/databases';
import { unitsApiSuite } from './units-api.suite';

let pg: TestPostgres;
afterAll(async () => pg?.drop());
unitsApiSuite('PostgreSQL', async () => {
  pg = await freshPostgres('units', 2);
  await pg.driver.close();
  return startHarness(pg.url);
});
