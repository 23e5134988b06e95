import { SqlEventStore } from '@motcua/event-store';
import { freshPglite } from '../support/databases';
import { eventStoreContract } from './event-store.contract';

eventStoreContract('pglite', async () => SqlEventStore.create(await freshPglite(), { ownsDriver: true }));
