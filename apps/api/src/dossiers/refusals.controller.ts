import { Body, Controller, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import { FastifyReply, FastifyRequest } from 'fastify';
import { CommandResult } from '@motcua/application';
import { CurrentUser, Principal } from '@motcua/platform';
import { commandContext } from '../common/command-context';
import { DOSSIER_COMMANDS, DossierCommandRoute } from './command-table';
import { ReceiveDossierCommand } from './commands';
import { RefuseAtReceptionDto } from './dto';

/**
 * `POST /refusals`: a dossier refused at the counter (form 03). It goes the reception's way (scope,
 * business time, unit in operation, procedure, a code from the same per-unit, per-day numbering,
 * idempotent by `id` and `Idempotency-Key`) and writes `DossierRefusedAtReception`: status
 * `refused-at-reception`, never received. Its table entry is `refuse` (the import's command name).
 */
@ApiTags('dossiers')
@ApiBearerAuth()
@ApiHeader({ name: 'Idempotency-Key', required: false, description: 'As on POST /dossiers: a repeat returns the first answer and appends nothing.' })
@Controller('refusals')
export class RefusalsController {
  constructor(private readonly commands: CommandBus) {}

  @DossierCommandRoute('refuse')
  async refuse(@Body() body: RefuseAtReceptionDto, @Req() req: FastifyRequest, @Res({ passthrough: true }) res: FastifyReply, @CurrentUser() user: Principal) {
    const command = new ReceiveDossierCommand(DOSSIER_COMMANDS.refuse.toAction(body), commandContext(req, user, body));
    const result = await this.commands.execute<ReceiveDossierCommand, CommandResult>(command);
    res.status(201).header('Location', `/api/v1/dossiers/${result.view.id}`).header('ETag', `"${result.view.version}"`);
    return result.view;
  }
}
