import 'reflect-metadata';
import { closeOnSignals, exitOnConfigError, loadConfig, trackRequests } from '@motcua/platform';
import { Logger } from 'nestjs-pino';
import { createApp } from './create-app';

async function bootstrap(): Promise<void> {
  const config = loadConfig(process.env, 'api');
  const app = await createApp(config);
  // SIGTERM: stop accepting, let requests in flight finish, then close workers, queues, store.
  closeOnSignals(app, config.shutdownTimeoutSeconds, { server: app.getHttpServer(), active: trackRequests(app.getHttpServer()) });
  await app.listen(config.port, config.host);
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  app.get(Logger).log(
    `motcua listening on http://${config.host}:${port}/api/v1 (docs: /api/v1/docs, worker in process: ${config.runWorker})`,
    'Main',
  );
}

bootstrap().catch(exitOnConfigError);
