import { MemoryEventStore } from '@motcua/event-store';
import { eventStoreContract } from './event-store.contract';

eventStoreContract('memory', async () => new MemoryEventStore());
