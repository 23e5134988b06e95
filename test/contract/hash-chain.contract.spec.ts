import { HashChainingEventStore, MemoryEventStore } from '@motcua/event-store';
import { eventStoreContract } from './event-store.contract';

/** The tamper-evidence decorator keeps the port's contract (it wraps every adapter in the app). */
eventStoreContract('memory + hash chain', async () => new HashChainingEventStore(new MemoryEventStore()));
