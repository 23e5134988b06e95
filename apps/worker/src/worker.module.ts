import { Injectable, Logger, Module, OnApplicationBootstrap } from '@nestjs/common';
import { QueuesModule } from '@motcua/platform';

/**
 * Background work: projections (read models) and deadline timers run here. In the embedded
 * default the api process imports this module too; with PostgreSQL it runs as its own process.
 */
@Injectable()
class WorkerStatus implements OnApplicationBootstrap {
  private readonly logger = new Logger('Worker');
  onApplicationBootstrap(): void {
    this.logger.log('worker started');
  }
}

@Module({ imports: [QueuesModule], providers: [WorkerStatus] })
export class WorkerModule {}
