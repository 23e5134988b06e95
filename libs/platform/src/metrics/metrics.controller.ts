import { timingSafeEqual } from 'node:crypto';
import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig } from '../config/app-config';
import { Public } from '../auth/decorators';
import { ForbiddenProblem, UnauthorizedProblem } from '../http/problem';
import { APP_CONFIG } from '../tokens';
import { Metrics } from './metrics';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/** The caller may scrape: the METRICS_TOKEN bearer when one is set, else a direct (unproxied) loopback client. */
export function metricsAccess(req: Pick<FastifyRequest, 'headers' | 'socket'>, token: string | undefined): 'ok' | 'unauthorized' | 'forbidden' {
  if (token) {
    const m = /^Bearer +(\S+) *$/i.exec(String(req.headers.authorization ?? ''));
    if (!m) return 'unauthorized';
    const given = Buffer.from(m[1]);
    const wanted = Buffer.from(token);
    return given.length === wanted.length && timingSafeEqual(given, wanted) ? 'ok' : 'forbidden';
  }
  // The socket address, never req.ip (trustProxy would let X-Forwarded-For claim loopback); a request
  // relayed by a proxy on this host carries X-Forwarded-For and is refused too.
  const direct = !req.headers['x-forwarded-for'] && !req.headers.forwarded;
  return direct && LOOPBACK.has(req.socket?.remoteAddress ?? '') ? 'ok' : 'forbidden';
}

/** Prometheus text exposition at `/metrics`. */
@Public()
@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  constructor(
    @Inject(Metrics) private readonly metrics: Metrics,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  async scrape(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const access = metricsAccess(req, this.config.metricsToken);
    if (access === 'unauthorized') throw new UnauthorizedProblem('metrics need the METRICS_TOKEN: send Authorization: Bearer <token>');
    if (access === 'forbidden') {
      throw new ForbiddenProblem(this.config.metricsToken ? 'wrong metrics token' : 'metrics are served to loopback clients only unless METRICS_TOKEN is set');
    }
    const body = await this.metrics.render();
    void reply.status(200).header('content-type', this.metrics.contentType).header('cache-control', 'no-store').send(body);
  }
}
