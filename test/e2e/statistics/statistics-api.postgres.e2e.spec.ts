import { startHarness } from '../../support/api-harness';
import { freshPostgres, TestPostgres } from '../../support/databases';
import { statisticsApiSuite } from './statistics-api.suite';

let pg: TestPostgres;
afterAll(async () => pg?.drop());
statisticsApiSuite('PostgreSQL', async () => {
  pg = await freshPostgres('stats', 2);
  await pg.driver.close();
  return startHarness(pg.url);
});
