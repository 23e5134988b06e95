import { startHarness } from '../../support/api-harness';
import { freshPostgres, TestPostgres } from '../../support/databases';
import { campaignApiSuite } from './campaign-api.suite';

let pg: TestPostgres;
afterAll(async () => pg?.drop());
campaignApiSuite('PostgreSQL', async () => {
  pg = await freshPostgres('campaigns', 2);
  await pg.driver.close();
  return startHarness(pg.url);
});
