import { CommandHandler, ICommandHandler, IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import {
  AsOf,
  CommandContext,
  CommandResult,
  DossierAction,
  DossierService,
  DossierUseCases,
  DossierView,
  HistoryEntry,
  ReceiveInput,
} from '@motcua/application';

/**
 * CQRS messages and their handlers. Each handler is a dossier use case: it runs the framework-free
 * use case object of its command or query (`DossierService.useCases`: load the stream, ask the
 * decider, append through the repository), nothing else. The bulk import runs the same use cases
 * inside its unit of work.
 */
export class ReceiveDossierCommand {
  constructor(
    readonly input: ReceiveInput,
    readonly ctx: CommandContext,
  ) {}
}
export class DossierActionCommand {
  constructor(
    readonly dossierId: string,
    readonly action: DossierAction,
    readonly ctx: CommandContext,
  ) {}
}
export class GetDossierQuery {
  constructor(
    readonly dossierId: string,
    readonly ctx: CommandContext,
    readonly asOf?: AsOf,
  ) {}
}
export class GetDossierHistoryQuery {
  constructor(
    readonly dossierId: string,
    readonly ctx: CommandContext,
  ) {}
}

@CommandHandler(ReceiveDossierCommand)
export class ReceiveDossierHandler implements ICommandHandler<ReceiveDossierCommand, CommandResult> {
  private readonly useCase: DossierUseCases['receive'];
  constructor(dossiers: DossierService) {
    this.useCase = dossiers.useCases.receive;
  }
  execute(c: ReceiveDossierCommand): Promise<CommandResult> {
    return this.useCase.execute(c.input, c.ctx);
  }
}

/** Every step after reception: the action names its use case (`DossierStep`, one per action). */
@CommandHandler(DossierActionCommand)
export class DossierActionHandler implements ICommandHandler<DossierActionCommand, CommandResult> {
  constructor(private readonly dossiers: DossierService) {}
  execute(c: DossierActionCommand): Promise<CommandResult> {
    return this.dossiers.execute(c.dossierId, c.action, c.ctx);
  }
}

@QueryHandler(GetDossierQuery)
export class GetDossierHandler implements IQueryHandler<GetDossierQuery, DossierView> {
  private readonly useCase: DossierUseCases['get'];
  constructor(dossiers: DossierService) {
    this.useCase = dossiers.useCases.get;
  }
  execute(q: GetDossierQuery): Promise<DossierView> {
    return this.useCase.execute(q.dossierId, q.ctx, q.asOf);
  }
}

@QueryHandler(GetDossierHistoryQuery)
export class GetDossierHistoryHandler implements IQueryHandler<GetDossierHistoryQuery, { id: string; code: string; events: HistoryEntry[] }> {
  private readonly useCase: DossierUseCases['history'];
  constructor(dossiers: DossierService) {
    this.useCase = dossiers.useCases.history;
  }
  execute(q: GetDossierHistoryQuery) {
    return this.useCase.execute(q.dossierId, q.ctx);
  }
}

export const DOSSIER_HANDLERS = [ReceiveDossierHandler, DossierActionHandler, GetDossierHandler, GetDossierHistoryHandler];
