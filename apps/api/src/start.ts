import type { NestFastifyApplication } from '@nestjs/platform-fastify';
// Only light modules before the dependency check, so that a start that cannot work fails fast.
import { AppConfig, loadConfig } from '@motcua/platform/config/app-config';
import { checkDependencies } from '@motcua/platform/startup/dependencies';
import type { LocalRedis } from '@motcua/platform/startup/local-redis';

export interface StartedApi {
  app: NestFastifyApplication;
  config: AppConfig;
  /** `http://host:port/api/v1` */
  baseUrl: string;
  localRedis?: LocalRedis;
}

/**
 * Starts the api as `npm start` does: validated configuration, every dependency checked (one line
 * each and exit 1 when one does not answer; a redis-server of its own under the data directory when
 * REDIS_URL is unset and none answers), the app, SIGTERM handling, then listening.
 */
export async function startApi(env: NodeJS.ProcessEnv = process.env): Promise<StartedApi> {
  const config = loadConfig(env, 'api');
  const pending: string[] = [];
  const deps = await checkDependencies(config, { env, mayStartRedis: true, log: (m) => pending.push(m) });
  config.redisUrl = deps.redisUrl;
  let app: NestFastifyApplication;
  try {
    const [{ closeOnSignals, trackRequests }, { Logger }, { API_PREFIX, createApp }] = await Promise.all([
      import('@motcua/platform/bootstrap'),
      import('nestjs-pino'),
      import('./create-app'),
    ]);
    app = await createApp(config);
    const logger = app.get(Logger);
    for (const m of pending) logger.log(m, 'Startup');
    // SIGTERM: stop accepting, let requests in flight finish, then close workers, queues, store (then the local Redis).
    closeOnSignals(app, config.shutdownTimeoutSeconds, { server: app.getHttpServer(), active: trackRequests(app.getHttpServer()) }, async () => {
      if (!deps.localRedis) return;
      await deps.localRedis.stop();
      logger.log(`local redis-server (pid ${deps.localRedis.pid}) stopped`, 'Startup');
    });
    await app.listen(config.port, config.host);
    const address = app.getHttpServer().address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const baseUrl = `http://${config.host}:${port}/${API_PREFIX}`;
    logger.log(`motcua listening on ${baseUrl} (docs: /${API_PREFIX}/docs, worker in process: ${config.runWorker})`, 'Main');
    return { app, config, baseUrl, localRedis: deps.localRedis };
  } catch (err) {
    await deps.localRedis?.stop();
    throw err;
  }
}
