/**
 * The framework baseline of the HTTP benchmark: a bare Nest application on the same adapter as the
 * service (NestFactory + FastifyAdapter with its defaults, the same `api/v1` global prefix), one
 * controller answering a small JSON object; no guards, pipes, filters, interceptors, logger or store.
 */
import 'reflect-metadata';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';

export const BARE_PATH = '/api/v1/bare';

@Controller('bare')
class BareController {
  @Get()
  get() {
    return { status: 'ok' };
  }
}

@Module({ controllers: [BareController] })
class BareModule {}

export interface BareNest {
  origin: string;
  close(): Promise<void>;
}

/** Starts the bare app on 127.0.0.1:0, in this process (as the service is started). */
export async function startBareNest(): Promise<BareNest> {
  const app = await NestFactory.create<NestFastifyApplication>(BareModule, new FastifyAdapter(), { logger: false });
  app.setGlobalPrefix('api/v1');
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { origin: `http://127.0.0.1:${port}`, close: () => app.close() };
}
