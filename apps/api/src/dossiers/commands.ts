import { CommandHandler, ICommandHandler, IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { CommandContext, CommandResult, DossierAction, DossierService, DossierView, HistoryEntry, ReceiveInput } from '@motcua/application';

/** CQRS messages: the buses dispatch; the application service does the work (no persistence here). */
export class ReceiveDossierCommand {
  constructor(readonly input: ReceiveInput, readonly ctx: CommandContext) {}
}
export class DossierActionCommand {
  constructor(readonly dossierId: string, readonly action: DossierAction, readonly ctx: CommandContext) {}
}
export class GetDossierQuery {
  constructor(readonly dossierId: string, readonly ctx: CommandContext, readonly asOf?: { at: Date; by: 'occurred' | 'recorded' }) {}
}
export class GetDossierHistoryQuery {
  constructor(readonly dossierId: string, readonly ctx: CommandContext) {}
}

@CommandHandler(ReceiveDossierCommand)
export class ReceiveDossierHandler implements ICommandHandler<ReceiveDossierCommand, CommandResult> {
  constructor(private readonly dossiers: DossierService) {}
  execute(c: ReceiveDossierCommand): Promise<CommandResult> {
    return this.dossiers.receive(c.input, c.ctx);
  }
}

@CommandHandler(DossierActionCommand)
export class DossierActionHandler implements ICommandHandler<DossierActionCommand, CommandResult> {
  constructor(private readonly dossiers: DossierService) {}
  execute(c: DossierActionCommand): Promise<CommandResult> {
    return this.dossiers.execute(c.dossierId, c.action, c.ctx);
  }
}

@QueryHandler(GetDossierQuery)
export class GetDossierHandler implements IQueryHandler<GetDossierQuery, DossierView> {
  constructor(private readonly dossiers: DossierService) {}
  execute(q: GetDossierQuery): Promise<DossierView> {
    return this.dossiers.getDossier(q.dossierId, q.ctx, q.asOf);
  }
}

@QueryHandler(GetDossierHistoryQuery)
export class GetDossierHistoryHandler implements IQueryHandler<GetDossierHistoryQuery, { id: string; code: string; events: HistoryEntry[] }> {
  constructor(private readonly dossiers: DossierService) {}
  execute(q: GetDossierHistoryQuery) {
    return this.dossiers.history(q.dossierId, q.ctx);
  }
}

export const DOSSIER_HANDLERS = [ReceiveDossierHandler, DossierActionHandler, GetDossierHandler, GetDossierHistoryHandler];
