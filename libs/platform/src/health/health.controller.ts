import { Controller, Get, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { EventStore } from '@motcua/event-store';
import { Public } from '../auth/decorators';
import { Queues } from '../queues/queues';
import { EVENT_STORE } from '../tokens';

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    p,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms).unref()),
  ]);
}

/** Liveness (`/health/live`) and readiness (`/health`): event store and Redis answer. */
@Public()
@Controller('health')
export class HealthController {
  private redis?: ReturnType<Queues['connection']>;

  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly queues: Queues,
  ) {}

  @Get('live')
  live() {
    return { status: 'ok' };
  }

  @Get()
  @HealthCheck()
  check() {
    return this.health.check([
      async () => {
        const i = this.indicators.check('eventStore');
        try {
          await withTimeout(this.store.ping(), 2_000, 'event store');
          return i.up({ kind: this.store.kind });
        } catch (err) {
          return i.down({ kind: this.store.kind, message: (err as Error).message });
        }
      },
      async () => {
        const i = this.indicators.check('redis');
        try {
          this.redis ??= this.queues.connection();
          await withTimeout(this.redis.ping(), 2_000, 'redis');
          return i.up();
        } catch (err) {
          return i.down({ message: (err as Error).message });
        }
      },
    ]);
  }
}
