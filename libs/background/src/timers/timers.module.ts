import { Inject, Injectable, Logger, Module, OnApplicationBootstrap, OnModuleDestroy, Optional } from '@nestjs/common';
import { DossierService, ReferenceService } from '@motcua/application';
import { EventStore } from '@motcua/event-store';
import { APP_CONFIG, AppConfig, EVENT_STORE, Metrics, Queues, SQL_DRIVER, STORE_ID, TIMERS_STATUS } from '@motcua/platform';
import { SqlDriver } from '@motcua/sql';
import { DeadlineTimers, timersConfigFrom, TimersStatus } from '@motcua/timers';

/**
 * Deadline timers (BullMQ) in the worker. In the embedded app the api's ReferenceService and
 * DossierService are used; the standalone worker opens its own reference-data fold.
 */
@Injectable()
export class TimersService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Timers');
  private timers?: DeadlineTimers;
  private ownReference?: ReferenceService;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(SQL_DRIVER) private readonly driver: SqlDriver,
    @Inject(APP_CONFIG) private readonly appConfig: AppConfig,
    private readonly queues: Queues,
    @Optional() private readonly reference?: ReferenceService,
    @Optional() private readonly dossiers?: DossierService,
    @Optional() @Inject(Metrics) private readonly metrics?: Metrics,
    @Optional() @Inject(STORE_ID) private readonly storeId?: string,
  ) {}

  get deadlineTimers(): DeadlineTimers | undefined {
    return this.timers;
  }

  /** The scheduling subscription's lag and poison count (TIMERS_STATUS: /health, /metrics). */
  async status(): Promise<TimersStatus> {
    if (!this.timers) throw new Error('the deadline timers have not started yet');
    return this.timers.status();
  }

  async onApplicationBootstrap(): Promise<void> {
    let reference = this.reference;
    if (!reference) {
      reference = this.ownReference = new ReferenceService(this.store);
      await reference.start();
    }
    const config = timersConfigFrom(this.appConfig);
    this.timers = new DeadlineTimers({
      store: this.store,
      driver: this.driver,
      queues: this.queues,
      reference,
      dossiers: this.dossiers ?? new DossierService(this.store, reference),
      config,
      logger: this.logger,
      storeId: this.storeId,
      onAlertRaised: (kind, latenessSeconds) => this.metrics?.alertRaised(kind, latenessSeconds),
      onPoison: (source) => this.metrics?.timerPoison.inc({ source }),
      onJobDropped: (reason) => this.metrics?.timerJobsDropped.inc({ reason }),
      onForeignJob: () => this.metrics?.timerForeignJobs.inc(),
    });
    await this.timers.start();
    // The sweep once at start-up (also a repeatable job): repairs what a lost Redis forgot.
    void this.timers.sweep().catch((err) => this.logger.warn(`start-up sweep failed: ${(err as Error).message}`));
    this.logger.log(`deadline timers on queue ${this.queues.prefix}:${config.queueName}, sweep every ${config.sweepEveryMs} ms`);
  }

  async onModuleDestroy(): Promise<void> {
    await this.timers?.stop();
    await this.ownReference?.stop();
  }
}

const timersStatus = { provide: TIMERS_STATUS, useFactory: (t: TimersService) => ({ status: () => t.status() }), inject: [TimersService] };

@Module({ providers: [TimersService, timersStatus], exports: [TimersService, TIMERS_STATUS] })
export class TimersModule {}
