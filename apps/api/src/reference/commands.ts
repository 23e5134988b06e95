/** Reference-data commands: the handlers hand them to ReferenceService (libs/application), which validates, checks the admin's units and appends. */
import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import {
  CampaignInput,
  CommandContext,
  DossierService,
  ProcedureInput,
  ReferenceService,
  SuccessionResult,
  UnitInput,
  UnitSuccession,
} from '@motcua/application';
import { SQL_DRIVER } from '@motcua/platform';
import { openDossierIdsOfUnit } from '@motcua/projections';
import { SqlDriver } from '@motcua/sql';
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

export class UnitSuccessionCommand {
  constructor(
    readonly code: string,
    readonly successorCode: string,
    readonly effectiveDate: string,
    readonly ctx: CommandContext,
  ) {}
}

/** Closes the unit and passes its open dossiers to the successor (the application's UnitSuccession, over the read model's list). */
@CommandHandler(UnitSuccessionCommand)
export class UnitSuccessionHandler implements ICommandHandler<UnitSuccessionCommand, SuccessionResult> {
  private readonly useCase: UnitSuccession;
  constructor(reference: ReferenceService, dossiers: DossierService, @Inject(SQL_DRIVER) sql: SqlDriver) {
    this.useCase = new UnitSuccession(reference, dossiers, (code) => openDossierIdsOfUnit(sql, code));
  }
  execute(c: UnitSuccessionCommand) {
    return this.useCase.execute(c.code, c.successorCode, c.effectiveDate, c.ctx);
  }
}

export const REFERENCE_HANDLERS = [PutUnitHandler, PutProcedureHandler, PutCalendarHandler, PutCampaignHandler, UnitSuccessionHandler];
