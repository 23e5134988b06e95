import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Req, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags, ApiHeader } from '@nestjs/swagger';
import { FastifyReply, FastifyRequest } from 'fastify';
import { CommandResult, DossierAction } from '@motcua/application';
import { CurrentUser, Principal, Roles } from '@motcua/platform';
import { commandContext } from '../common/command-context';
import { DossierActionCommand, GetDossierHistoryQuery, GetDossierQuery, ReceiveDossierCommand } from './commands';
import { ApologiseDto, AsOfQueryDto, AssignDto, EmptyCommandDto, RateDto, ReasonDto, ReceiveDossierDto, ResolveDto } from './dto';

const uuid = new ParseUUIDPipe({ version: undefined });

@ApiTags('dossiers')
@ApiBearerAuth()
@ApiHeader({
  name: 'Idempotency-Key',
  required: false,
  description:
    'A repeated POST with the same key returns the first answer (with Idempotent-Replayed: true) and appends nothing. ' +
    'A repeat sent while the first request is still being processed gets 409 with Retry-After: 1 (it is not queued): retry it then to get the stored answer. ' +
    'The same key with a different request is 422.',
})
@Controller('dossiers')
export class DossiersController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  private async run(req: FastifyRequest, user: Principal, id: string, body: { occurredAt?: string; expectedVersion?: number }, action: DossierAction) {
    const result = await this.commands.execute<DossierActionCommand, CommandResult>(new DossierActionCommand(id, action, commandContext(req, user, body)));
    return result.view;
  }

  @Post()
  @Roles('clerk', 'supervisor')
  @ApiOperation({ summary: 'Receive a dossier (tiếp nhận): computes the due time and the dossier code' })
  async receive(@Body() body: ReceiveDossierDto, @Req() req: FastifyRequest, @Res({ passthrough: true }) res: FastifyReply, @CurrentUser() user: Principal) {
    const result = await this.commands.execute<ReceiveDossierCommand, CommandResult>(
      new ReceiveDossierCommand({ id: body.id, unitCode: body.unitCode, procedureCode: body.procedureCode, channel: body.channel, applicant: { ...body.applicant } }, commandContext(req, user, body)),
    );
    res.status(201).header('Location', `/api/v1/dossiers/${result.view.id}`).header('ETag', `"${result.view.version}"`);
    return result.view;
  }

  @Post(':id/assign')
  @HttpCode(200)
  @Roles('officer', 'supervisor')
  @ApiOperation({ summary: 'Assign (or reassign) the dossier; an officer may only take it for themself' })
  assign(@Param('id', uuid) id: string, @Body() b: AssignDto, @Req() req: FastifyRequest, @CurrentUser() u: Principal) {
    return this.run(req, u, id, b, { action: 'assign', assignee: b.assignee, assigneeName: b.assigneeName, department: b.department });
  }

  @Post(':id/request-supplement')
  @HttpCode(200)
  @Roles('officer', 'supervisor')
  @ApiOperation({ summary: 'Ask the citizen for a supplement (the clock stops)' })
  requestSupplement(@Param('id', uuid) id: string, @Body() b: ReasonDto, @Req() req: FastifyRequest, @CurrentUser() u: Principal) {
    return this.run(req, u, id, b, { action: 'request-supplement', reason: b.reason });
  }

  @Post(':id/receive-supplement')
  @HttpCode(200)
  @Roles('clerk', 'supervisor')
  @ApiOperation({ summary: 'The supplement arrived: the clock restarts from zero with a new due time' })
  receiveSupplement(@Param('id', uuid) id: string, @Body() b: EmptyCommandDto, @Req() req: FastifyRequest, @CurrentUser() u: Principal) {
    return this.run(req, u, id, b, { action: 'receive-supplement' });
  }

  @Post(':id/apologise')
  @HttpCode(200)
  @Roles('supervisor')
  @ApiOperation({ summary: 'Apology and re-appointment (form 04); only once per dossier' })
  apologise(@Param('id', uuid) id: string, @Body() b: ApologiseDto, @Req() req: FastifyRequest, @CurrentUser() u: Principal) {
    return this.run(req, u, id, b, { action: 'apologise', reason: b.reason, newDueAt: new Date(b.newDueAt), letterNumber: b.letterNumber });
  }

  @Post(':id/resolve')
  @HttpCode(200)
  @Roles('officer', 'supervisor')
  @ApiOperation({ summary: 'Resolve: approved or refused (both count as resolved)' })
  resolve(@Param('id', uuid) id: string, @Body() b: ResolveDto, @Req() req: FastifyRequest, @CurrentUser() u: Principal) {
    return this.run(req, u, id, b, { action: 'resolve', outcome: b.outcome, note: b.note });
  }

  @Post(':id/withdraw')
  @HttpCode(200)
  @Roles('clerk', 'supervisor')
  @ApiOperation({ summary: 'The citizen withdraws the dossier' })
  withdraw(@Param('id', uuid) id: string, @Body() b: ReasonDto, @Req() req: FastifyRequest, @CurrentUser() u: Principal) {
    return this.run(req, u, id, b, { action: 'withdraw', reason: b.reason });
  }

  @Post(':id/rate')
  @HttpCode(200)
  @Roles('clerk', 'supervisor')
  @ApiOperation({ summary: 'Record the citizen’s satisfaction rating (once)' })
  rate(@Param('id', uuid) id: string, @Body() b: RateDto, @Req() req: FastifyRequest, @CurrentUser() u: Principal) {
    return this.run(req, u, id, b, { action: 'rate', rating: b.rating });
  }

  @Get(':id')
  @Roles('clerk', 'officer', 'supervisor', 'auditor', 'admin')
  @ApiOperation({ summary: 'The dossier now, or as of a past moment by business or recorded time' })
  get(@Param('id', uuid) id: string, @Query() q: AsOfQueryDto, @Req() req: FastifyRequest, @CurrentUser() u: Principal) {
    const asOf = q.asOf ? { at: new Date(q.asOf), by: q.by ?? 'occurred' } : undefined;
    return this.queries.execute(new GetDossierQuery(id, commandContext(req, u), asOf));
  }

  @Get(':id/history')
  @Roles('clerk', 'officer', 'supervisor', 'auditor', 'admin')
  @ApiOperation({ summary: 'Every event of the dossier with actor, business time and recorded time' })
  history(@Param('id', uuid) id: string, @Req() req: FastifyRequest, @CurrentUser() u: Principal) {
    return this.queries.execute(new GetDossierHistoryQuery(id, commandContext(req, u)));
  }
}
