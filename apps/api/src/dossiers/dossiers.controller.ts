import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Query, Req, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags, ApiHeader } from '@nestjs/swagger';
import { FastifyReply, FastifyRequest } from 'fastify';
import { CommandResult, DossierView } from '@motcua/application';
import { BadRequestProblem, CurrentUser, Principal, Roles } from '@motcua/platform';
import { commandContext } from '../common/command-context';
import { defineStepRoutes, DOSSIER_COMMANDS, DossierCommandRoute, DtoOf, StepName, stepAction } from './command-table';
import { DossierActionCommand, GetDossierHistoryQuery, GetDossierQuery, ReceiveDossierCommand } from './commands';
import { AsOfQueryDto, ReceiveDossierDto, TransferDto, TransferReturnDto } from './dto';

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

  /**
   * A step after reception: the table entry's action for the validated body, through the command
   * bus. Its routes (`POST /dossiers/:id/<step>`) are generated from DOSSIER_COMMANDS below.
   */
  private async step<N extends StepName>(name: N, id: string, body: DtoOf<N>, req: FastifyRequest, user: Principal) {
    const command = new DossierActionCommand(id, stepAction(name, body), commandContext(req, user, body));
    return (await this.commands.execute<DossierActionCommand, CommandResult>(command)).view;
  }

  @DossierCommandRoute('receive')
  async receive(@Body() body: ReceiveDossierDto, @Req() req: FastifyRequest, @Res({ passthrough: true }) res: FastifyReply, @CurrentUser() user: Principal) {
    const command = new ReceiveDossierCommand(DOSSIER_COMMANDS.receive.toAction(body), commandContext(req, user, body));
    const result = await this.commands.execute<ReceiveDossierCommand, CommandResult>(command);
    res.status(201).header('Location', `/api/v1/dossiers/${result.view.id}`).header('ETag', `"${result.view.version}"`);
    return result.view;
  }

  /** Liên thông (issue #16): the `transfer` entry of the table, answering the new transfer (201). */
  @DossierCommandRoute('transfer')
  async transfer(
    @Param('id', uuid) id: string,
    @Body() body: TransferDto,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) res: FastifyReply,
    @CurrentUser() user: Principal,
  ) {
    const action = stepAction('transfer', body);
    const view = (await this.commands.execute<DossierActionCommand, CommandResult>(new DossierActionCommand(id, action, commandContext(req, user, body)))).view;
    res.status(201).header('ETag', `"${view.version}"`);
    return transferAnswer(view, action.transferId);
  }

  /** The agency hands its transfer back: the `transfer-return` entry, the transfer named by the path. */
  @DossierCommandRoute('transfer-return')
  @HttpCode(200)
  async returnTransfer(
    @Param('id', uuid) id: string,
    @Param('transferId', uuid) transferId: string,
    @Body() body: TransferReturnDto,
    @Req() req: FastifyRequest,
    @CurrentUser() user: Principal,
  ) {
    if (body.transferId !== undefined && body.transferId.toLowerCase() !== transferId.toLowerCase()) {
      throw new BadRequestProblem('transferId in the body differs from the one in the path', {
        errors: [{ field: 'transferId', message: 'differs from the path' }],
      });
    }
    const action = stepAction('transfer-return', { ...body, transferId } as TransferReturnDto);
    const view = (await this.commands.execute<DossierActionCommand, CommandResult>(new DossierActionCommand(id, action, commandContext(req, user, body)))).view;
    return transferAnswer(view, transferId);
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

/** A transfer as its routes answer it: the transfer, the dossier's id and version, and the dossier. */
function transferAnswer(view: DossierView, transferId: string) {
  const transfer = view.transfers.find((t) => t.transferId === transferId);
  return { ...transfer, transferId, dossierId: view.id, version: view.version, dossier: view };
}

// One route per step of the command table (roles, summary, body DTO and action from its entry).
defineStepRoutes(DossiersController, 'step');
