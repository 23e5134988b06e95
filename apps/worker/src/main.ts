import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { checkDependencies, closeOnSignals, ConfigModule, EventStoreModule, exitOnConfigError, loadConfig, LoggingModule, MetricsModule } from '@motcua/platform';
import { WorkerModule } from './worker.module';

/** The worker alone (PostgreSQL or EventStoreDB deployments): projections and timers, no HTTP. */
async function bootstrap(): Promise<void> {
  const config = loadConfig(process.env, 'worker');
  // every dependency must answer (one line each, exit 1); the worker never starts a Redis of its own
  await checkDependencies(config, { env: process.env, mayStartRedis: false });
  @Module({ imports: [ConfigModule.forRoot(config), LoggingModule.forRoot(config), MetricsModule, EventStoreModule, WorkerModule] })
  class WorkerRootModule {}
  const app = await NestFactory.createApplicationContext(WorkerRootModule, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  closeOnSignals(app, config.shutdownTimeoutSeconds);
  await app.init();
}

bootstrap().catch(exitOnConfigError);
