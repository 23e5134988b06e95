import { Global, Injectable, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { AnchorService, AuditService, DossierService, ReferenceService } from '@motcua/application';
import { EventStore } from '@motcua/event-store';
import { APP_CONFIG, AppConfig, EVENT_STORE } from '@motcua/platform';

/** Starts the reference-data fold before the app serves requests; stops it on shutdown. */
@Injectable()
export class ReferenceLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(private readonly reference: ReferenceService) {}
  async onModuleInit(): Promise<void> {
    await this.reference.start();
  }
  async onApplicationShutdown(): Promise<void> {
    await this.reference.stop();
  }
}

/** The framework-free application services, provided to controllers and CQRS handlers. */
@Global()
@Module({
  providers: [
    { provide: ReferenceService, useFactory: (store: EventStore) => new ReferenceService(store), inject: [EVENT_STORE] },
    {
      provide: DossierService,
      useFactory: (store: EventStore, ref: ReferenceService, config: AppConfig) =>
        new DossierService(store, ref, { earliestBusinessDate: config.earliestBusinessDate, ruleSetSwitches: config.ruleSetSwitches }),
      inject: [EVENT_STORE, ReferenceService, APP_CONFIG],
    },
    { provide: AuditService, useFactory: (store: EventStore, ref: ReferenceService) => new AuditService(store, ref), inject: [EVENT_STORE, ReferenceService] },
    { provide: AnchorService, useFactory: (store: EventStore) => new AnchorService(store), inject: [EVENT_STORE] },
    ReferenceLifecycle,
  ],
  exports: [ReferenceService, DossierService, AuditService, AnchorService],
})
export class ApplicationModule {}
