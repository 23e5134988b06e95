import { startHarness } from '../../support/api-harness';
import { freshPostgres, TestPostgres } from '../../support/databases';
import { counterDaySuite } from './counter-day.suite';

let pg: TestPostgres;
afterAll(async () => pg?.drop());
counterDaySuite('PostgreSQL', async () => {
  pg = await freshPostgres('counter_day', 2);
  await pg.driver.close();
  return startHarness(pg.url);
});
