/** Reference-data commands: the handlers hand them to ReferenceService (libs/application), which validates, checks the admin's units and appends. */
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CampaignInput, CommandContext, ProcedureInput, ReferenceService, UnitInput } from '@motcua/application';
import { PutCalendarDto } from './dto';

export class PutUnitCommand {
  constructor(
    readonly code: string,
    readonly input: UnitInput,
    readonly ctx: CommandContext,
  ) {}
}
export class PutProcedureCommand {
  constructor(
    readonly code: string,
    readonly input: ProcedureInput,
    readonly ctx: CommandContext,
  ) {}
}
export class PutCalendarCommand {
  constructor(
    readonly year: number,
    readonly input: PutCalendarDto,
    readonly ctx: CommandContext,
  ) {}
}

@CommandHandler(PutUnitCommand)
export class PutUnitHandler implements ICommandHandler<PutUnitCommand> {
  constructor(private readonly reference: ReferenceService) {}
  execute(c: PutUnitCommand) {
    return this.reference.putUnit(c.code, c.input, c.ctx);
  }
}
@CommandHandler(PutProcedureCommand)
export class PutProcedureHandler implements ICommandHandler<PutProcedureCommand> {
  constructor(private readonly reference: ReferenceService) {}
  execute(c: PutProcedureCommand) {
    return this.reference.putProcedure(c.code, c.input, c.ctx);
  }
}
@CommandHandler(PutCalendarCommand)
export class PutCalendarHandler implements ICommandHandler<PutCalendarCommand> {
  constructor(private readonly reference: ReferenceService) {}
  execute(c: PutCalendarCommand) {
    return this.reference.putCalendar(c.year, c.input, c.ctx);
  }
}
export class PutCampaignCommand {
  constructor(
    readonly id: string,
    readonly input: CampaignInput,
    readonly ctx: CommandContext,
  ) {}
}
@CommandHandler(PutCampaignCommand)
export class PutCampaignHandler implements ICommandHandler<PutCampaignCommand> {
  constructor(private readonly reference: ReferenceService) {}
  execute(c: PutCampaignCommand) {
    return this.reference.putCampaign(c.id, c.input, c.ctx);
  }
}
export const REFERENCE_HANDLERS = [PutUnitHandler, PutProcedureHandler, PutCalendarHandler, PutCampaignHandler];
