import { Queue } from 'bullmq';
import { createWorkingTimeContext, DOSSIER_STREAM_PREFIX, isOpenDossier, type DossierState, type WorkingTimeContext } from '@motcua/domain';
import { AllFilter, RecordedEvent } from '@motcua/event-store/port';
import { policyFor } from './config';
import { addTimers, TimerJobData } from './job-options';
import { DeadlineTimersOptions, PoisonSource } from './options';
import { isPoisonError, TimerPoison } from './poison';
import { pendingTimers, pendingTransferTimers, TimerData } from './schedule';

/**
 * The events that set or move the effective due time, or restart the clock (a resume; a correction
 * re-opening a dossier), and the liên thông hand-offs (each transfer's own timers, issue #16).
 */
export const DUE_SETTING_EVENTS = ['DossierReceived', 'SupplementReceived', 'ApologyIssued', 'ProcessingResumed', 'StepCorrected', 'DossierTransferred'];
export const TIMERS_CHECKPOINT = 'deadline-timers';
/** The events the scheduling subscription reads (its lag is counted against the same filter). */
export const TIMERS_FILTER: AllFilter = { streamPrefixes: [DOSSIER_STREAM_PREFIX], eventTypes: DUE_SETTING_EVENTS };
/** Dossiers loaded in one query, and poison entries retried in one page. */
const LOAD_PAGE = 500;
const POISON_PAGE = 1000;

/**
 * Computes the timers a dossier needs from its stream and adds them to the queue (existing job ids
 * are left alone). A dossier whose timers cannot be computed is recorded as poison and skipped.
 */
export class TimerScheduler {
  private readonly fallbackContexts = new Map<string, WorkingTimeContext>();

  constructor(
    private readonly options: DeadlineTimersOptions,
    private readonly queue: Queue<TimerJobData>,
    private readonly poison: TimerPoison,
  ) {}

  /**
   * The scheduling subscription's handler: schedules the timers of the dossiers the events touch.
   * A poison dossier never holds up the others (an infrastructure error still fails the whole batch,
   * which is retried).
   */
  async scheduleEvents(events: readonly RecordedEvent[]): Promise<void> {
    const causes = new Map<string, RecordedEvent>();
    for (const e of events) causes.set(e.stream.slice(DOSSIER_STREAM_PREFIX.length), e);
    await this.scheduleDossiers([...causes.keys()], { causes, source: 'subscription' });
  }

  /**
   * Re-reads each dossier and adds the timers it needs, as alarms (one job per dossier, or transfer,
   * and due time; existing ids are left alone). Returns the timers.
   * A dossier whose timers cannot be computed (see `isPoisonError`) is recorded in `timer_poison`,
   * counted, logged and skipped; one that computes again has its entry deleted.
   */
  async scheduleDossiers(
    ids: readonly string[],
    opts: { causes?: ReadonlyMap<string, RecordedEvent>; source?: PoisonSource; now?: number } = {},
  ): Promise<TimerData[]> {
    const source = opts.source ?? 'subscription';
    const timers: TimerData[] = [];
    const ok: string[] = [];
    // the streams of up to 500 dossiers in one query (when the store can)
    for (let i = 0; i < ids.length; i += LOAD_PAGE) {
      const slice = ids.slice(i, i + LOAD_PAGE);
      let states: Map<string, DossierState>;
      try {
        states = await this.options.dossiers.loadStates(slice);
      } catch (err) {
        if (!isPoisonError(err)) throw err;
        // one stream does not fold: load them one by one to find it
        states = new Map();
        for (const id of slice) {
          try {
            states.set(id, (await this.options.dossiers.load(id)).state);
          } catch (e) {
            if (!isPoisonError(e)) throw e;
            await this.poison.record(id, e, opts.causes?.get(id), source);
          }
        }
      }
      for (const [id, state] of states) {
        try {
          timers.push(...this.timersFor(state));
          ok.push(id);
        } catch (err) {
          if (!isPoisonError(err)) throw err;
          await this.poison.record(id, err, opts.causes?.get(id), source);
        }
      }
    }
    await addTimers(this.queue, timers);
    await this.poison.clear(ok);
    return timers;
  }

  /** The timers a dossier needs now, from its stream (throws when they cannot be computed). */
  async timersOf(id: string): Promise<TimerData[]> {
    const { state } = await this.options.dossiers.load(id);
    return this.timersFor(state);
  }

  /**
   * Re-evaluates every recorded poison dossier: those whose timers compute now are scheduled and
   * their entries deleted; the others stay (attempts counted). The sweep calls it.
   */
  async retryPoison(now = Date.now(), skip: ReadonlySet<string> = new Set()): Promise<{ recovered: number; poisoned: number }> {
    let recovered = 0;
    let poisoned = 0;
    let after = '';
    for (;;) {
      const page = await this.poison.idsAfter(after, POISON_PAGE);
      if (page.length === 0) break;
      after = page[page.length - 1];
      const ids = page.filter((id) => !skip.has(id));
      if (ids.length === 0) continue;
      await this.scheduleDossiers(ids, { source: 'sweep', now });
      const left = await this.poison.count(ids);
      poisoned += left;
      recovered += ids.length - left;
    }
    return { recovered, poisoned };
  }

  /** The timers a dossier in `state` needs now (throws when they cannot be computed). */
  timersFor(state: DossierState): TimerData[] {
    if (!isOpenDossier(state)) return [];
    const policies = this.options.config.policies;
    const timers = [
      ...pendingTimers(state, this.contextOf(state.unitCode, state.timeZone), policyFor(policies, state.unitCode, state.procedureCode)),
      // each open transfer, in its agency's working time and near-deadline policy
      ...pendingTransferTimers(
        state,
        (t) => this.contextOf(t.toUnitCode, t.timeZone),
        (t) => policyFor(policies, t.toUnitCode, state.procedureCode),
      ),
    ];
    const store = this.options.storeId;
    return store ? timers.map((t) => ({ ...t, store })) : timers;
  }

  /** A unit's working time from the reference data; a unit it does not know gets the default hours in `timeZone`. */
  private contextOf(unitCode: string, timeZone: string): WorkingTimeContext {
    const data = this.options.reference.data;
    if (data.units.has(unitCode)) return data.workingTime(unitCode);
    let ctx = this.fallbackContexts.get(timeZone);
    if (!ctx) this.fallbackContexts.set(timeZone, (ctx = createWorkingTimeContext({ timeZone })));
    return ctx;
  }
}
