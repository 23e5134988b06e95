import { SqlEventStore } from '@motcua/event-store';
import { freshPostgres, TestPostgres } from '../support/databases';
import { eventStoreContract } from './event-store.contract';

let pg: TestPostgres;
eventStoreContract(
  'postgres',
  async () => {
    pg = await freshPostgres('contract', 12);
    return SqlEventStore.create(pg.driver);
  },
  async () => pg?.drop(),
);
