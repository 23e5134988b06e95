import { startHarness } from '../../support/api-harness';
import { freshPostgres, TestPostgres } from '../../support/databases';
import { dossierApiSuite } from './dossier-api.suite';

let pg: TestPostgres;
afterAll(async () => pg?.drop());
dossierApiSuite('PostgreSQL', async () => {
  pg = await freshPostgres('api', 2);
  await pg.driver.close();
  return startHarness(pg.url);
});
