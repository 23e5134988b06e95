import { Inject, Injectable, Logger, Module, OnApplicationBootstrap, OnModuleDestroy, Optional } from '@nestjs/common';
import { defaultApologyCutoff, ReferenceService, type ApologyCutoffFn } from '@motcua/application';
import { apologyCutoff } from '@motcua/domain';
import { EventStore } from '@motcua/event-store';
import { EVENT_STORE, PROJECTION_STATUS, QueuesModule, SQL_DRIVER } from '@motcua/platform';
import { alertsProjection, dossierSummaryProjection, ProjectionRunner } from '@motcua/projections';
import { SqlDriver } from '@motcua/sql';
import { AlertsOutlet } from './alerts/alerts-outlet';
import { AlertsWorkerModule } from './alerts/alerts-worker.module';
import { TimersModule } from './timers/timers.module';

/**
 * Background work: projections (read models) and deadline timers run here. In the embedded
 * default the api process imports this module too; with PostgreSQL it runs as its own process.
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

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(SQL_DRIVER) driver: SqlDriver,
    @Inject(AlertsOutlet) alerts: AlertsOutlet,
    @Optional() reference?: ReferenceService,
  ) {
    // With the reference data in process (embedded app), the apology cut-off uses the unit's office
    // hours and the admin's calendars; the standalone worker uses the unit's zone and shipped calendars.
    const cutoff: ApologyCutoffFn = (facts, dueAt) => {
      if (reference?.data.units.has(facts.unitCode)) return apologyCutoff(reference.data.workingTime(facts.unitCode), dueAt);
      return defaultApologyCutoff(facts, dueAt);
    };
    this.runner = new ProjectionRunner({ store, driver, projections: [dossierSummaryProjection({ apologyCutoff: cutoff }), alertsProjection({ onCommitted: (a) => alerts.committed(a) })], logger: this.logger });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.runner.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.runner.stop();
  }
}

/** The runner's lag, read by /health and /metrics (PROJECTION_STATUS). */
const projectionStatus = { provide: PROJECTION_STATUS, useFactory: (p: ProjectionsService) => ({ status: () => p.runner.status() }), inject: [ProjectionsService] };

@Module({ imports: [QueuesModule, AlertsWorkerModule, TimersModule], providers: [WorkerStatus, ProjectionsService, projectionStatus], exports: [ProjectionsService, PROJECTION_STATUS] })
export class WorkerModule {}
