import { INestApplicationContext, Logger } from '@nestjs/common';
import { ConfigError } from './config/app-config';
import { AuthConfigError } from './auth/jwt-verifier';

/** Prints a configuration error as a clear message (no stack) and exits 1; rethrows anything else. */
export function exitOnConfigError(err: unknown): never {
  if (err instanceof ConfigError || err instanceof AuthConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
  throw err;
}

/**
 * SIGTERM/SIGINT → app.close() (Nest runs the shutdown hooks: workers, then queues, then the
 * store), then exit 0. A shutdown that takes longer than `timeoutSeconds` exits 1.
 */
export function closeOnSignals(app: INestApplicationContext, timeoutSeconds: number): void {
  const logger = new Logger('Shutdown');
  let closing = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    logger.log(`${signal} received: closing`);
    const timer = setTimeout(() => {
      logger.error(`shutdown took longer than ${timeoutSeconds} s: exiting`);
      process.exit(1);
    }, timeoutSeconds * 1000);
    timer.unref();
    app
      .close()
      .then(() => {
        logger.log('closed cleanly');
        process.exit(0);
      })
      .catch((err) => {
        logger.error(`shutdown failed: ${(err as Error).message}`);
        process.exit(1);
      });
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
