import { DEFAULT_RULE_SET_SWITCHES, DomainError, DossierState, RuleSetSwitches } from '@motcua/domain';
import { EventStore, RecordedEvent, UnitOfWork } from '@motcua/event-store/port';
import { CommandContext } from '../context';
import { ReferenceService } from '../reference/reference-service';
import { DEFAULT_EARLIEST_BUSINESS_DATE } from './business-time';
import { codeCounterStream } from './code-allocator';
import { DossierRepository } from './dossier-repository';
import { DossierTurns } from './dossier-scope';
import { DossierStep } from './dossier-step';
import { AsOf, GetDossier, GetDossierHistory } from './queries';
import { ReceiveDossier } from './reception/receive-dossier';
import { ReceiveInput } from './reception/reception';
import { CommandResult, HistoryEntry } from './results';
import { ActionOf, DOSSIER_STEPS, DossierAction, DossierActionName } from './steps';
import { DossierUseCaseDeps } from './use-case-deps';
import { DossierView } from './view';

export { DEFAULT_EARLIEST_BUSINESS_DATE };

export interface DossierServiceOptions {
  /** Business times before this local date (YYYY-MM-DD, the unit's zone) are refused (EARLIEST_BUSINESS_DATE). */
  earliestBusinessDate?: string;
  /** Rule-set switch dates (RULES_2025_FROM, TT03_2025_FORMS_FROM); default 2025-07-01 both. */
  ruleSetSwitches?: RuleSetSwitches;
}

/** The dossier use cases over one store: one object per command and per query. */
export interface DossierUseCases {
  receive: ReceiveDossier;
  steps: { [N in DossierActionName]: DossierStep<N> };
  get: GetDossier;
  history: GetDossierHistory;
}

/**
 * The dossier use cases wired over one store (or one unit of work), and one entry point for the
 * callers that hold a plain action (the import, the deadline timers, the tests). Each method is a
 * hop to its use case: the work is in {@link ReceiveDossier}, {@link DossierStep},
 * {@link GetDossier} and {@link GetDossierHistory}. Framework-free; the Nest CQRS handlers wrap the
 * same use cases.
 */
export class DossierService {
  readonly useCases: DossierUseCases;
  private readonly repository: DossierRepository;

  constructor(
    store: EventStore,
    private readonly reference: ReferenceService,
    private readonly options: DossierServiceOptions = {},
  ) {
    this.repository = new DossierRepository(store);
    const deps: DossierUseCaseDeps = {
      repository: this.repository,
      reference,
      turns: new DossierTurns(),
      earliestBusinessDate: options.earliestBusinessDate ?? DEFAULT_EARLIEST_BUSINESS_DATE,
      ruleSetSwitches: options.ruleSetSwitches ?? DEFAULT_RULE_SET_SWITCHES,
    };
    const steps = Object.fromEntries((Object.keys(DOSSIER_STEPS) as DossierActionName[]).map((n) => [n, new DossierStep(deps, n)]));
    this.useCases = {
      receive: new ReceiveDossier(deps),
      steps: steps as DossierUseCases['steps'],
      get: new GetDossier(deps),
      history: new GetDossierHistory(deps),
    };
  }

  /**
   * A service whose commands write into a unit of work over this service's store (bulk import:
   * many commands, one transaction), or undefined if the store cannot commit one atomically.
   */
  unitOfWork(): { dossiers: DossierService; uow: UnitOfWork } | undefined {
    const work = this.repository.unitOfWork();
    return work && { dossiers: new DossierService(work.uow, this.reference, this.options), uow: work.uow };
  }

  /**
   * The code-counter streams receptions of these units at these instants would take their codes
   * from, for a unit of work to prefetch with the dossiers' streams (a hint: receptions of unknown
   * units or at invalid instants are left out, and a stream not prefetched is read when needed).
   */
  codeCounterStreams(receptions: readonly { unitCode: string; at: Date }[]): string[] {
    const streams = new Set<string>();
    for (const r of receptions) {
      const unit = this.reference.data.units.get(r.unitCode);
      if (!unit || Number.isNaN(r.at.getTime())) continue;
      try {
        streams.add(codeCounterStream(unit.code, unit.timeZone, r.at));
      } catch {
        /* the reception itself will report it */
      }
    }
    return [...streams];
  }

  /** The rule-set switch dates this service receives with (the forms choose their form set with them). */
  get ruleSetSwitches(): RuleSetSwitches {
    return this.options.ruleSetSwitches ?? DEFAULT_RULE_SET_SWITCHES;
  }

  load(id: string): Promise<{ state: DossierState; events: RecordedEvent[] }> {
    return this.repository.load(id);
  }

  /** The states of many dossiers, in one round trip when the store can (absent ids: status `none`). */
  loadStates(ids: readonly string[]): Promise<Map<string, DossierState>> {
    return this.repository.loadStates(ids);
  }

  receive(input: ReceiveInput, ctx: CommandContext): Promise<CommandResult> {
    return this.useCases.receive.execute(input, ctx);
  }

  /** The action's use case (commands on one dossier take turns within this process). */
  execute(id: string, action: DossierAction, ctx: CommandContext): Promise<CommandResult> {
    return (this.useCases.steps[action.action] as DossierStep<DossierActionName>).execute(id, action as ActionOf<DossierActionName>, ctx);
  }

  getDossier(id: string, ctx: CommandContext, asOf?: AsOf): Promise<DossierView> {
    return this.useCases.get.execute(id, ctx, asOf);
  }

  history(id: string, ctx: CommandContext): Promise<{ id: string; code: string; events: HistoryEntry[] }> {
    return this.useCases.history.execute(id, ctx);
  }
}

export { DomainError };
