import { eventStoreContract } from './event-store.contract';

/**
 * EventStoreDB/KurrentDB cannot run on the development and CI machines of this project, so this
 * suite runs only when EVENTSTORE_URL points at a server (e.g. `docker compose up kurrentdb` and
 * EVENTSTORE_URL=esdb://localhost:2113?tls=false). Otherwise it is reported as skipped.
 */
const url = process.env.EVENTSTORE_URL;
if (url) {
  eventStoreContract('esdb', async () => {
    const { EsdbEventStore } = await import('@motcua/event-store/adapters/esdb');
    return EsdbEventStore.fromUrl(url);
  });
} else {
  describe('EventStore contract: esdb', () => {
    console.warn('EventStore contract: esdb SKIPPED — EVENTSTORE_URL is not set (no EventStoreDB server on this machine).');
    it.skip('— no EventStoreDB server on this machine: set EVENTSTORE_URL=esdb://host:2113?tls=false to run the contract suite against one', () => undefined);
  });
}
