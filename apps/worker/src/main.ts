import 'reflect-metadata';
// Only light modules before the dependency check, so that a start that cannot work fails fast.
import { loadConfig } from '@motcua/platform/config/app-config';
import { checkDependencies, exitOnStartError } from '@motcua/platform/startup/dependencies';

/** The worker alone (PostgreSQL or EventStoreDB deployments): projections and timers, no HTTP. */
async function bootstrap(): Promise<void> {
  const config = loadConfig(process.env, 'worker');
  // every dependency must answer (one line each, exit 1); the worker never starts a Redis of its own
  await checkDependencies(config, { env: process.env, mayStartRedis: false });
  const [{ Module }, { NestFactory }, { Logger }, platform, { WorkerModule }] = await Promise.all([
    import('@nestjs/common'),
    import('@nestjs/core'),
    import('nestjs-pino'),
    import('@motcua/platform'),
    import('@motcua/background'),
  ]);
  const { closeOnSignals, ConfigModule, EventStoreModule, LoggingModule, MetricsModule } = platform;
  @Module({ imports: [ConfigModule.forRoot(config), LoggingModule.forRoot(config), MetricsModule, EventStoreModule, WorkerModule] })
  class WorkerRootModule {}
  const app = await NestFactory.createApplicationContext(WorkerRootModule, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  closeOnSignals(app, config.shutdownTimeoutSeconds);
  await app.init();
}

bootstrap().catch(exitOnStartError);
