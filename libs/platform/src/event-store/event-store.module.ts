import { Global, Inject, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { EventStore, openEventStore, redact } from '@motcua/event-store';
import { migrate, PgDriver, SqlDriver } from '@motcua/sql';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG, EVENT_STORE, SQL_DRIVER } from '../tokens';

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
  const opened = await openEventStore(config.eventStoreUrl, { postgres });
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

@Global()
@Module({
  providers: [
    { provide: OPENED, useFactory: openStorage, inject: [APP_CONFIG] },
    { provide: EVENT_STORE, useFactory: (o: Opened) => o.store, inject: [OPENED] },
    { provide: SQL_DRIVER, useFactory: (o: Opened) => o.driver, inject: [OPENED] },
    StorageHandles,
  ],
  exports: [EVENT_STORE, SQL_DRIVER],
})
export class EventStoreModule {}
