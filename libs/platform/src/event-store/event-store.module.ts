import { Global, Inject, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { EventStore, openEventStore, redact } from '@motcua/event-store';
import { migrate, PgDriver, SqlDriver } from '@motcua/sql';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG, EVENT_STORE, SQL_DRIVER, STORE_ID } from '../tokens';

/** Holds the opened store and SQL driver; closes them last on shutdown. */
@Injectable()
export class StorageHandles implements OnApplicationShutdown {
  private readonly logger = new Logger('Storage');
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(SQL_DRIVER) private readonly driver: SqlDriver,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
    await this.driver.close().catch(() => undefined);
    this.logger.log('event store and database closed');
  }
}

interface Opened {
  store: EventStore;
  driver: SqlDriver;
}

async function openStorage(config: AppConfig): Promise<Opened> {
  const logger = new Logger('Storage');
  const postgres = { connectTimeoutMs: config.dbConnectTimeoutMs, statementTimeoutMs: config.dbStatementTimeoutMs };
  const opened = await openEventStore(config.eventStoreUrl, {
    postgres,
    pglite: { safetyPollMs: config.pgliteSafetyPollMs, wakeDelayMs: config.pgliteWakeDelayMs },
  });
  let driver = opened.driver;
  if (!driver) {
    // EventStoreDB: read models and checkpoints live in PostgreSQL.
    driver = new PgDriver({ ...postgres, connectionString: config.readModelUrl! });
  }
  await migrate(driver);
  logger.log(`event store: ${opened.store.kind} (${redact(config.eventStoreUrl)})`);
  return { store: opened.store, driver };
}

const OPENED = Symbol('OPENED_STORAGE');

/**
 * The identity of this event store: the random id its database generated once (migration
 * 0005_alerts.sql, `alert_channel.namespace`; with EventStoreDB, the read-model database that goes
 * with it). Processes that share the store share it; two deployments never do.
 */
export async function readStoreId(driver: SqlDriver): Promise<string> {
  const { rows } = await driver.query<{ namespace: string }>(`SELECT namespace FROM alert_channel WHERE id = 1`);
  if (!rows[0]) throw new Error('alert_channel is empty: migration 0005_alerts.sql not applied');
  return rows[0].namespace;
}

@Global()
@Module({
  providers: [
    { provide: OPENED, useFactory: openStorage, inject: [APP_CONFIG] },
    { provide: EVENT_STORE, useFactory: (o: Opened) => o.store, inject: [OPENED] },
    { provide: SQL_DRIVER, useFactory: (o: Opened) => o.driver, inject: [OPENED] },
    { provide: STORE_ID, useFactory: (o: Opened) => readStoreId(o.driver), inject: [OPENED] },
    StorageHandles,
  ],
  exports: [EVENT_STORE, SQL_DRIVER, STORE_ID],
})
export class EventStoreModule {}
