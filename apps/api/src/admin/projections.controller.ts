/**
 * `POST /admin/projections/{name}/rebuild` (admin): rebuilds a read model in the service process
 * (replay into shadow tables, then an atomic swap; see libs/projections/src/rebuild/index.ts) while the
 * API keeps answering from the current tables. The only way on the embedded store (PGlite: the
 * service owns the data directory); on PostgreSQL the CLI can also rebuild directly. Answers 202 at
 * once; `GET` on the same path reports the progress and the outcome.
 */
import { Controller, Get, HttpCode, Module, Param, Post } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@motcua/platform';
import { ProjectionRebuilds, RebuildStatus } from './projection-rebuilds';
import { ADMIN_HANDLERS, GetRebuildStatusQuery, RebuildProjectionCommand } from './use-cases';

@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin/projections')
export class ProjectionsAdminController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post(':name/rebuild')
  @HttpCode(202)
  @Roles('admin')
  @ApiOperation({ summary: 'Rebuild a read model from the whole event log without downtime (runs in the background)' })
  rebuild(@Param('name') name: string): Promise<RebuildStatus> {
    return this.commands.execute(new RebuildProjectionCommand(name));
  }

  @Get(':name/rebuild')
  @Roles('admin')
  @ApiOperation({ summary: 'Progress and outcome of the last rebuild of a read model' })
  rebuildStatus(@Param('name') name: string): Promise<RebuildStatus> {
    return this.queries.execute(new GetRebuildStatusQuery(name));
  }
}

@Module({ controllers: [ProjectionsAdminController], providers: [ProjectionRebuilds, ...ADMIN_HANDLERS], exports: [ProjectionRebuilds] })
export class AdminModule {}
