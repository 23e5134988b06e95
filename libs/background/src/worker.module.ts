import { Inject, Injectable, Logger, Module, OnApplicationBootstrap, OnModuleDestroy, Optional } from '@nestjs/common';
import { ReferenceService } from '@motcua/application';
import { EventStore } from '@motcua/event-store';
import { APP_CONFIG, AppConfig, EVENT_STORE, NOTIFY_STATUS, PROJECTION_STATUS, publicApiBaseUrl, QueuesModule, SQL_DRIVER } from '@motcua/platform';
import { alertsProjection, DOSSIER_SUMMARY_PROJECTION, notificationsProjection, ProjectionRunner, readModelProjections } from '@motcua/projections';
import { SqlDriver } from '@motcua/sql';
import { AlertsWorkerModule } from './alerts/alerts-worker.module';
import { TimersModule } from './timers/timers.module';
import { NotificationSender } from './notifications/notification-sender';

/**
 * Background work: projections (read models), the alerts outlet (live channel, webhooks) and the
 * deadline timers. The worker app (`apps/worker/src/main.ts`) runs this module alone; in the
 * embedded default the api app imports it too, so one process is the whole service.
 */
@Injectable()
class WorkerStatus implements OnApplicationBootstrap {
  private readonly logger = new Logger('Worker');
  onApplicationBootstrap(): void {
    this.logger.log('worker started');
  }
}

/**
 * Runs the read-model projections from bootstrap; stops them in `onModuleDestroy`, which Nest
 * calls before any `onApplicationShutdown` (where the event store and SQL driver close).
 */
@Injectable()
export class ProjectionsService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Projections');
  readonly runner: ProjectionRunner;
  private readonly reference: ReferenceService;
  /** The standalone worker's own reference-data fold (the embedded app shares the api's). */
  private readonly ownReference?: ReferenceService;

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(SQL_DRIVER) driver: SqlDriver,
    @Inject(NotificationSender) sender: NotificationSender,
    @Inject(APP_CONFIG) config: AppConfig,
    @Optional() reference?: ReferenceService,
  ) {
    // The same read models as a rebuild by the CLI or the service: the apology cut-off from the
    // reference data (the unit's office hours, the calendars in force), in process in the embedded
    // app, folded here by the standalone worker.
    this.reference = reference ?? (this.ownReference = new ReferenceService(store));
    const summary = readModelProjections(this.reference.data)[DOSSIER_SUMMARY_PROJECTION]();
    this.runner = new ProjectionRunner({
      store,
      driver,
      projections: [
        summary,
        // new alerts go to the notification outbox with their checkpoint; the sender publishes them (SSE, webhooks)
        alertsProjection({ staffOutbox: { onQueued: () => sender.wake() } }),
        notificationsProjection({ channels: () => sender.enabledChannels(), publicBaseUrl: publicApiBaseUrl(config), onQueued: () => sender.wake() }),
      ],
      logger: this.logger,
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    // the reference data caught up before the first event is projected
    await this.ownReference?.start();
    await this.runner.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.runner.stop();
    await this.ownReference?.stop();
  }
}

/** The runner's lag, read by /health and /metrics (PROJECTION_STATUS). */
const projectionStatus = {
  provide: PROJECTION_STATUS,
  useFactory: (p: ProjectionsService) => ({ status: () => p.runner.status() }),
  inject: [ProjectionsService],
};

/** The notification outbox's backlog, read by /health (NOTIFY_STATUS). */
const notifyStatus = { provide: NOTIFY_STATUS, useExisting: NotificationSender };

@Module({
  imports: [QueuesModule, AlertsWorkerModule, TimersModule],
  providers: [WorkerStatus, ProjectionsService, projectionStatus, notifyStatus],
  exports: [ProjectionsService, PROJECTION_STATUS, NOTIFY_STATUS],
})
export class WorkerModule {}
