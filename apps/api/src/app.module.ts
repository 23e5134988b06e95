import { DynamicModule, Module } from '@nestjs/common';
import { WorkerModule } from '@motcua/background';
import {
  AppConfig,
  AuthModule,
  authOptionsFromConfig,
  ConfigModule,
  EventStoreModule,
  HealthModule,
  LoggingModule,
  MetricsModule,
  QueuesModule,
} from '@motcua/platform';
import { ApiModule } from './api.module';

/**
 * The HTTP app. With the embedded store (PGlite: one process per data directory) it also runs
 * the worker in the same process, so `npm start` is the whole service.
 */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot(config),
        EventStoreModule,
        QueuesModule,
        AuthModule.forRoot(authOptionsFromConfig(config)),
        HealthModule,
        MetricsModule,
        ApiModule,
        ...(config.runWorker ? [WorkerModule] : []),
      ],
    };
  }
}
