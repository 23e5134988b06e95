/** Read-model rebuilds through the CQRS buses, like every other route (the work is `ProjectionRebuilds`'). */
import { CommandHandler, ICommandHandler, IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { ProjectionRebuilds, RebuildStatus } from './projection-rebuilds';

export class RebuildProjectionCommand {
  constructor(readonly projection: string) {}
}
export class GetRebuildStatusQuery {
  constructor(readonly projection: string) {}
}

/** Starts a rebuild in the background (404 unknown projection, 409 one running already). */
@CommandHandler(RebuildProjectionCommand)
export class RebuildProjectionHandler implements ICommandHandler<RebuildProjectionCommand, RebuildStatus> {
  constructor(private readonly rebuilds: ProjectionRebuilds) {}
  async execute(c: RebuildProjectionCommand): Promise<RebuildStatus> {
    return this.rebuilds.start(c.projection);
  }
}

@QueryHandler(GetRebuildStatusQuery)
export class GetRebuildStatusHandler implements IQueryHandler<GetRebuildStatusQuery, RebuildStatus> {
  constructor(private readonly rebuilds: ProjectionRebuilds) {}
  async execute(q: GetRebuildStatusQuery): Promise<RebuildStatus> {
    return this.rebuilds.status(q.projection);
  }
}

export const ADMIN_HANDLERS = [RebuildProjectionHandler, GetRebuildStatusHandler];
