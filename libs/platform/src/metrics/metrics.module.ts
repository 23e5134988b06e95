import { Global, Inject, Module, OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG, NOTIFY_STATUS, PROJECTION_STATUS, TIMERS_STATUS } from '../tokens';
import { Metrics, NotifyStatusSource, ProjectionStatusSource, TimersStatusSource } from './metrics';
import { MetricsController } from './metrics.controller';

/** Resolves the projection runner's status when the worker runs in this process (else undefined). */
export function projectionStatusOf(moduleRef: ModuleRef): ProjectionStatusSource | undefined {
  try {
    return moduleRef.get<ProjectionStatusSource>(PROJECTION_STATUS, { strict: false });
  } catch {
    return undefined;
  }
}

/** Resolves the deadline timers' status when they run in this process (else undefined). */
export function timersStatusOf(moduleRef: ModuleRef): TimersStatusSource | undefined {
  try {
    return moduleRef.get<TimersStatusSource>(TIMERS_STATUS, { strict: false });
  } catch {
    return undefined;
  }
}

/** Resolves the notification sender's status when it runs in this process (else undefined). */
export function notifyStatusOf(moduleRef: ModuleRef): NotifyStatusSource | undefined {
  try {
    return moduleRef.get<NotifyStatusSource>(NOTIFY_STATUS, { strict: false });
  } catch {
    return undefined;
  }
}

/**
 * The process's one Prometheus registry (`Metrics`, injectable anywhere) and `GET /metrics`. The
 * HTTP hooks are added by `instrumentHttp` (create-app); the worker apps import the module too and
 * observe timers.
 */
@Global()
@Module({
  providers: [
    { provide: Metrics, useFactory: (config: AppConfig) => new Metrics({ eventLoopResolutionMs: config.metricsEventLoopResolutionMs }), inject: [APP_CONFIG] },
  ],
  controllers: [MetricsController],
  exports: [Metrics],
})
export class MetricsModule implements OnModuleInit {
  constructor(
    @Inject(Metrics) private readonly metrics: Metrics,
    @Inject(ModuleRef) private readonly moduleRef: ModuleRef,
  ) {}

  onModuleInit(): void {
    let source: ProjectionStatusSource | undefined;
    this.metrics.projectionSource = () => (source ??= projectionStatusOf(this.moduleRef));
    let timers: TimersStatusSource | undefined;
    this.metrics.timersSource = () => (timers ??= timersStatusOf(this.moduleRef));
  }
}
