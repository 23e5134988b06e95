/**
 * Audit: @nestjs/cqrs handlers are the use cases (scoping a stream's walk, anchoring a day, the
 * export); the controller validates and translates HTTP.
 */
import { CommandHandler, ICommandHandler, IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { AnchorCheck, AnchorService, AuditService, CommandContext, DossierService, LogAnchor, VerifyReport } from '@motcua/application';
import { BadRequestProblem } from '@motcua/platform';

export class CheckAnchorQuery {
  constructor(readonly day: string) {}
}
export class AnchorDayCommand {
  constructor(
    readonly day: string,
    readonly now: Date,
  ) {}
}
/** Without `stream`: every stream in the caller's scope. */
export class VerifyChainQuery {
  constructor(
    readonly stream: string | undefined,
    readonly ctx: CommandContext,
  ) {}
}
/** The NDJSON lines of a unit subtree's dossier streams. */
export class ExportUnitQuery {
  constructor(
    readonly unitCode: string,
    readonly from: string,
    readonly to: string,
    readonly ctx: CommandContext,
  ) {}
}

const DOSSIER_STREAM = /^dossier-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

@QueryHandler(CheckAnchorQuery)
export class CheckAnchorHandler implements IQueryHandler<CheckAnchorQuery, AnchorCheck> {
  constructor(private readonly anchors: AnchorService) {}
  execute(q: CheckAnchorQuery): Promise<AnchorCheck> {
    return this.anchors.check(q.day);
  }
}

@CommandHandler(AnchorDayCommand)
export class AnchorDayHandler implements ICommandHandler<AnchorDayCommand, LogAnchor> {
  constructor(private readonly anchors: AnchorService) {}
  async execute(c: AnchorDayCommand): Promise<LogAnchor> {
    try {
      return await this.anchors.anchor(c.day, c.now);
    } catch (err) {
      if ((err as Error).message.includes('not over yet')) throw new BadRequestProblem((err as Error).message);
      throw err;
    }
  }
}

@QueryHandler(VerifyChainQuery)
export class VerifyChainHandler implements IQueryHandler<VerifyChainQuery, VerifyReport> {
  constructor(
    private readonly audit: AuditService,
    private readonly dossiers: DossierService,
  ) {}
  async execute({ stream, ctx }: VerifyChainQuery): Promise<VerifyReport> {
    if (stream === undefined) return this.audit.verifyFor(ctx.actor);
    // a dossier's stream is scoped like the dossier: 404 when unknown or outside the caller's units
    const dossier = DOSSIER_STREAM.exec(stream);
    if (dossier) await this.dossiers.getDossier(dossier[1], ctx);
    else this.audit.assertMayVerifyStream(ctx.actor, stream);
    return this.audit.verifyStream(stream);
  }
}

@QueryHandler(ExportUnitQuery)
export class ExportUnitHandler implements IQueryHandler<ExportUnitQuery, string[]> {
  constructor(private readonly audit: AuditService) {}
  async execute(q: ExportUnitQuery): Promise<string[]> {
    const lines: string[] = [];
    for await (const line of this.audit.exportUnit(q.unitCode, q.from, q.to, q.ctx)) lines.push(line);
    return lines;
  }
}

export const AUDIT_HANDLERS = [CheckAnchorHandler, AnchorDayHandler, VerifyChainHandler, ExportUnitHandler];
