import { PgDriver, PgDriverOptions, PgliteDriver, SqlDriver } from '@motcua/sql';
import { MemoryEventStore } from './adapters/memory/memory-event-store';
import { SqlEventStore } from './adapters/sql/sql-event-store';
import { parseEventStoreUrl } from './config';
import { EventStore } from './port/event-store';
import { HashChainingEventStore } from './integrity/hash-chaining-event-store';

export interface OpenedEventStore {
  store: EventStore;
  /** The SQL database behind the store when it is PGlite/PostgreSQL (read models share it). */
  driver?: SqlDriver;
}

/**
 * Opens the adapter EVENT_STORE_URL selects, applies pending migrations and (by default) wraps it
 * in the hash chain that makes every stream tamper-evident.
 */
export interface OpenEventStoreOptions {
  hashChain?: boolean;
  /** PostgreSQL pool settings (timeouts) when the URL is postgres://. */
  postgres?: Pick<PgDriverOptions, 'connectTimeoutMs' | 'statementTimeoutMs'>;
  /** PGlite: the live subscriptions' safety poll (PGLITE_SAFETY_POLL_MS; default 60 s) and wake delay (PGLITE_WAKE_DELAY_MS; default 50 ms). */
  pglite?: { safetyPollMs?: number; wakeDelayMs?: number };
}

export async function openEventStore(url: string | undefined, options: OpenEventStoreOptions = {}): Promise<OpenedEventStore> {
  const opened = await openAdapter(url, options);
  return options.hashChain === false ? opened : { ...opened, store: new HashChainingEventStore(opened.store) };
}

async function openAdapter(url: string | undefined, options: OpenEventStoreOptions): Promise<OpenedEventStore> {
  const target = parseEventStoreUrl(url);
  switch (target.kind) {
    case 'memory':
      return { store: new MemoryEventStore() };
    case 'pglite': {
      const driver = await PgliteDriver.open(target.dataDir);
      return {
        store: await SqlEventStore.create(driver, {
          ownsDriver: true,
          pgliteSafetyPollMs: options.pglite?.safetyPollMs,
          pgliteWakeDelayMs: options.pglite?.wakeDelayMs,
        }),
        driver,
      };
    }
    case 'postgres': {
      const driver = new PgDriver({ ...options.postgres, connectionString: target.connectionString });
      return { store: await SqlEventStore.create(driver, { ownsDriver: true }), driver };
    }
    case 'esdb': {
      // Loaded lazily: the gRPC client is heavy and only needed for this adapter.
      const { EsdbEventStore } = await import('./adapters/esdb');
      return { store: EsdbEventStore.fromUrl(target.connectionString) };
    }
  }
}
