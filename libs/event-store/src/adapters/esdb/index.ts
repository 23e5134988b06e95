/** EventStoreDB / KurrentDB adapter (gRPC, `@eventstore/db-client` v6). Loaded lazily by the factory. */
export { EsdbEventStore, DEFAULT_ESDB_TIMEOUT_MS } from './esdb-event-store';
export type { EsdbEventStoreOptions } from './esdb-event-store';
export { EsdbSubscription, DEFAULT_ESDB_SUBSCRIPTION } from './esdb-subscription';
export type { EsdbSubscriptionConfig, EsdbSubscriptionSource } from './esdb-subscription';
export { toEsdbConnectionString, redactEsdbUrl } from './url';
