/**
 * Dossier facts: the flat per-dossier summary that the work lists and the official report read
 * (the `dossier_summary` read model holds exactly these fields, plus the clock history in
 * `dossier_clock`). Derived from the dossier's events, idempotently by stream version.
 * Framework-free.
 */
import {
  apologyCutoffResolver,
  assertNever,
  isOpenStatus,
  statusAfter,
  type StatusContext,
  timingClass,
  type ApologyCutoffResolver,
  type Channel,
  type DossierEvent,
  type DossierStatus,
  type OnlineLevel,
  type Outcome,
  type Rating,
  type TimingClass,
  type WorkingTimeMeasure,
  workingTimeMeasure,
} from '@motcua/domain';

/** One change of the legal clock: reception, supplement requested (stopped), supplement received. */
export interface ClockEntry {
  version: number;
  at: string;
  /** Legal due time in force from `at`. */
  dueAt: string;
  stopped: boolean;
}

export interface DossierFacts {
  id: string;
  code: string;
  unitCode: string;
  procedureCode: string;
  procedureName?: string;
  field: string;
  channel: Channel;
  onlineLevel: OnlineLevel;
  timeZone: string;
  receivedAt: string;
  /** Legal due time at reception. */
  originalDueAt: string;
  /** Legal due time in force (reception or last supplement received). Never the apology's re-appointed one. */
  dueAt: string;
  appointedDueAt?: string;
  effectiveDueAt: string;
  /** Awaiting supplement since (clock stopped); undefined while the clock runs. */
  clockStoppedAt?: string;
  apologyIssuedAt?: string;
  /** The legal due time the apology was about, and the apology cut-off for it. */
  apologyDueAt?: string;
  apologyCutoffAt?: string;
  resolvedAt?: string;
  outcome?: Outcome;
  /** Timing class at resolution, against the legal due in force then. */
  timing?: TimingClass;
  withdrawnAt?: string;
  rating?: Rating;
  ratedAt?: string;
  assignee?: string;
  /** When the result was handed over (status `returned`); still resolved for the report. */
  returnedAt?: string;
  /** The assignees before the current one, oldest first (null: none); a correction of `assign` pops the last. */
  previousAssignees?: (string | null)[];
  status: DossierStatus;
  version: number;
  clock: ClockEntry[];
  /**
   * Refused at reception (status `refused-at-reception`): never received. The row's time columns
   * (receivedAt, due times) hold the refusal time only so that work lists can order it; the report
   * skips these dossiers (never "received"), no clock entry, no timers.
   */
  refusedAt?: string;
  /** Supplement requests made after 3 working days of reception (`withinLegalTime: false`). */
  supplementRequestsLate?: number;
  /** Supplement requests after the first (sequence ≥ 2: a breach of "một lần đầy đủ"). */
  supplementRequestsRepeated?: number;
  /** The campaign window whose shorter processing time applied at reception. */
  campaignId?: string;
  /** The competent unit at reception (issue #16): whose report the dossier counts in (`perspective=competent`); `unitCode` received it. */
  competentUnitCode: string;
  /** The competent unit now (its successor after a merge): work lists and scope. */
  currentUnitCode: string;
  /** Liên thông hand-offs, in order: id, business time out, business time back (null while open). */
  transferIds?: string[];
  transferOutAt?: string[];
  transferBackAt?: (string | null)[];
  /*
   * Issue #18 (QĐ 766 indicators). Processing time, kept incrementally because a projection batch
   * does not see the whole clock: `workedMs` is the working time (the unit's office hours and
   * calendar) since the clock last started from zero (reception, or the last supplement's arrival)
   * over the intervals the clock ran and that have ended; `workStartAt` the start of the running
   * interval (undefined while stopped: awaiting a supplement, paused). Both absent on rows projected
   * before the indicators existed (then the dossier has no processing time until a rebuild).
   */
  workStartAt?: string;
  workedMs?: number;
  /** At resolution: working minutes from reception (or the last supplement's arrival) to resolution, pauses and waits left out. */
  processingWorkingMinutes?: number;
  /** At resolution: working minutes of one working day of the unit (the unit of "working days"). */
  workingDayMinutes?: number;
  /** When each late supplement request (`withinLegalTime: false`) was made, so a period can count them. */
  supplementLateAt?: string[];
  /** Facts recorded at reception: documents digitised, fee due, fee paid online. */
  digitised?: boolean;
  feeDue?: boolean;
  feePaidOnline?: boolean;
  /** The result was issued as an electronic document (recorded on the resolution). */
  electronicResult?: boolean;
}

/** Without reference data (pure tests, oracles): the dossier's zone, default office hours, shipped calendars. */
export const defaultWorkingTimeMeasure: WorkingTimeMeasure = workingTimeMeasure(() => undefined);

/** The working time of the running interval [workStartAt, atIso) added to `workedMs`; the clock stops. */
function stopWork(f: DossierFacts, atIso: string, measure: WorkingTimeMeasure): void {
  if (f.workedMs === undefined) return;
  if (f.workStartAt !== undefined) f.workedMs += measure.ms(f, Date.parse(f.workStartAt), Date.parse(atIso));
  f.workStartAt = undefined;
}

/** The apology cut-off of a dossier's due time (working days and office hours of its unit). */
export type ApologyCutoffFn = ApologyCutoffResolver;

/**
 * Without reference data (pure tests, oracles): the dossier's zone, default office hours, the
 * shipped calendars. Processes use `ReferenceData.apologyCutoff` instead.
 */
export const defaultApologyCutoff: ApologyCutoffFn = apologyCutoffResolver(() => undefined);

/**
 * Applies one event at stream `version` (1-based). Returns the facts unchanged (same object)
 * when the version was already applied, or when there are no facts yet and the event is not a
 * reception. Never mutates its input. The status moves by the domain's status machine
 * (`statusAfter`, the one `evolve` uses); the switch is exhaustive, so a new event type fails to
 * compile here until the report says what it means.
 */
export function applyToFacts(
  facts: DossierFacts | undefined,
  event: DossierEvent,
  version: number,
  dossierId: string,
  cutoff: ApologyCutoffFn = defaultApologyCutoff,
  measure: WorkingTimeMeasure = defaultWorkingTimeMeasure,
): DossierFacts | undefined {
  if (facts && version <= facts.version) return facts;
  if (event.type === 'DossierReceived') {
    if (facts) return facts;
    const d = event.data;
    return {
      id: d.dossierId ?? dossierId,
      code: d.code,
      unitCode: d.unitCode,
      procedureCode: d.procedureCode,
      procedureName: d.procedureName,
      field: d.field,
      channel: d.channel,
      onlineLevel: d.onlineLevel,
      timeZone: d.timeZone,
      receivedAt: d.receivedAt,
      originalDueAt: d.dueAt,
      dueAt: d.dueAt,
      effectiveDueAt: d.dueAt,
      status: 'received',
      version,
      clock: [{ version, at: d.receivedAt, dueAt: d.dueAt, stopped: false }],
      competentUnitCode: d.competentUnitCode ?? d.unitCode,
      currentUnitCode: d.competentUnitCode ?? d.unitCode,
      ...(d.campaignId !== undefined && { campaignId: d.campaignId }),
      workStartAt: d.receivedAt,
      workedMs: 0,
      ...(d.digitised !== undefined && { digitised: d.digitised }),
      ...(d.feeDue !== undefined && { feeDue: d.feeDue }),
      ...(d.feePaidOnline !== undefined && { feePaidOnline: d.feePaidOnline }),
    };
  }
  if (event.type === 'DossierRefusedAtReception') {
    if (facts) return facts;
    const d = event.data;
    return {
      id: d.dossierId ?? dossierId,
      code: d.code,
      unitCode: d.unitCode,
      procedureCode: d.procedureCode,
      procedureName: d.procedureName,
      field: d.field,
      channel: d.channel,
      onlineLevel: d.onlineLevel,
      timeZone: d.timeZone,
      receivedAt: d.refusedAt,
      originalDueAt: d.refusedAt,
      dueAt: d.refusedAt,
      effectiveDueAt: d.refusedAt,
      refusedAt: d.refusedAt,
      status: 'refused-at-reception',
      version,
      clock: [],
      competentUnitCode: d.competentUnitCode ?? d.unitCode,
      currentUnitCode: d.competentUnitCode ?? d.unitCode,
    };
  }
  if (!facts) return undefined;
  const f: DossierFacts = { ...facts, version };
  const before = facts.status;
  const after = statusAfter(before, event, facts.assignee !== undefined, correctionContext(facts, event));
  if (after !== 'none') f.status = after;
  switch (event.type) {
    case 'DossierAssigned':
      f.previousAssignees = [...(facts.previousAssignees ?? []), facts.assignee ?? null];
      f.assignee = event.data.assignee;
      break;
    case 'SupplementRequested':
      f.clockStoppedAt = event.data.requestedAt;
      if (event.data.withinLegalTime === false) {
        f.supplementRequestsLate = (f.supplementRequestsLate ?? 0) + 1;
        f.supplementLateAt = [...(f.supplementLateAt ?? []), event.data.requestedAt];
      }
      stopWork(f, event.data.requestedAt, measure);
      if ((event.data.sequence ?? 1) > 1) f.supplementRequestsRepeated = (f.supplementRequestsRepeated ?? 0) + 1;
      f.clock = [...f.clock, { version, at: event.data.requestedAt, dueAt: f.dueAt, stopped: true }];
      break;
    case 'SupplementReceived':
      f.dueAt = event.data.dueAt;
      f.appointedDueAt = undefined;
      f.effectiveDueAt = event.data.dueAt;
      f.clockStoppedAt = undefined;
      f.clock = [...f.clock, { version, at: event.data.receivedAt, dueAt: event.data.dueAt, stopped: false }];
      // the clock restarts from zero: the processing time counts from the supplement's arrival
      if (f.workedMs !== undefined) {
        f.workedMs = 0;
        f.workStartAt = event.data.receivedAt;
      }
      break;
    case 'ApologyIssued':
      f.apologyIssuedAt = event.data.issuedAt;
      f.apologyDueAt = event.data.previousDueAt;
      f.apologyCutoffAt = cutoff(f, new Date(event.data.previousDueAt)).toISOString();
      f.appointedDueAt = event.data.newDueAt;
      f.effectiveDueAt = event.data.newDueAt;
      break;
    case 'DossierResolved':
      if (after === before) break; // already closed: the status machine ignores it
      f.resolvedAt = event.data.resolvedAt;
      f.outcome = event.data.outcome;
      // the unit's timing policy frozen into the event at resolution (day mode: by date only)
      f.timing = timingClass(new Date(event.data.resolvedAt), new Date(f.dueAt), f.timeZone, event.data.timingMode ?? 'exact');
      if (event.data.electronicResult !== undefined) f.electronicResult = event.data.electronicResult;
      if (f.workedMs !== undefined) {
        const running = f.workStartAt !== undefined ? measure.ms(f, Date.parse(f.workStartAt), Date.parse(event.data.resolvedAt)) : 0;
        f.processingWorkingMinutes = Math.round((f.workedMs + running) / 60_000);
        f.workingDayMinutes = measure.minutesPerDay(f);
      }
      break;
    case 'DossierWithdrawn':
      if (after === before) break;
      f.withdrawnAt = event.data.withdrawnAt;
      break;
    case 'SatisfactionRated':
      f.rating = event.data.rating;
      f.ratedAt = event.data.ratedAt;
      break;
    case 'DeadlineWarningRaised':
    case 'ApologyCutoffReached':
    case 'DossierOverdue':
    case 'DeadlineAlertWithdrawn':
    case 'TransferAlertRaised':
      // deadline alerts (the dossier's and its transfers'): only the version moves
      break;
    case 'ProcessingPaused':
      // the clock stops; the due time in force is kept until the resume moves it
      f.clockStoppedAt = event.data.pausedAt;
      f.clock = [...f.clock, { version, at: event.data.pausedAt, dueAt: f.dueAt, stopped: true }];
      stopWork(f, event.data.pausedAt, measure);
      break;
    case 'ProcessingResumed':
      // the legal due time moved later by the working time paused (no apology is in force while paused)
      f.dueAt = event.data.dueAt;
      f.effectiveDueAt = event.data.dueAt;
      f.clockStoppedAt = undefined;
      f.clock = [...f.clock, { version, at: event.data.resumedAt, dueAt: event.data.dueAt, stopped: false }];
      if (f.workedMs !== undefined) f.workStartAt = event.data.resumedAt;
      break;
    case 'ResultReturned':
      // still resolved (timing was judged at resolution); only the status and the return time move
      if (after !== before) f.returnedAt = event.data.returnedAt;
      break;
    case 'StepCorrected':
      switch (event.data.undo) {
        case 'resolve':
          if (after === before) break;
          // no longer resolved: the clock runs again against the due time in force
          f.resolvedAt = undefined;
          f.outcome = undefined;
          f.timing = undefined;
          f.processingWorkingMinutes = undefined;
          f.workingDayMinutes = undefined;
          f.electronicResult = undefined;
          break;
        case 'return-result':
          if (after !== before) f.returnedAt = undefined;
          break;
        case 'assign': {
          const previous = facts.previousAssignees ?? [];
          if (!isOpenStatus(before) || previous.length === 0) break;
          f.assignee = previous[previous.length - 1] ?? undefined;
          f.previousAssignees = previous.slice(0, -1);
          break;
        }
        default:
          return assertNever(event.data.undo);
      }
      break;
    case 'DossierTransferred':
      f.transferIds = [...(f.transferIds ?? []), event.data.transferId];
      f.transferOutAt = [...(f.transferOutAt ?? []), event.data.transferredAt];
      f.transferBackAt = [...(f.transferBackAt ?? []), null];
      break;
    case 'TransferReturned': {
      const i = f.transferIds?.indexOf(event.data.transferId) ?? -1;
      if (i >= 0 && f.transferBackAt && f.transferBackAt[i] === null) {
        f.transferBackAt = f.transferBackAt.slice();
        f.transferBackAt[i] = event.data.returnedAt;
      }
      break;
    }
    case 'DossierPassedToSuccessor':
      // the report keeps counting it for the unit it was received for (its successor's report includes its predecessors)
      f.currentUnitCode = event.data.toUnitCode;
      break;
    default:
      return assertNever(event);
  }
  return f;
}

/** What the status machine needs for a correction (see StatusContext in libs/domain). */
function correctionContext(facts: DossierFacts, event: DossierEvent): StatusContext {
  if (event.type !== 'StepCorrected') return {};
  const previous = facts.previousAssignees ?? [];
  return {
    // a resolve is never recorded while paused, so a stopped clock at resolution means a supplement awaited
    awaitingSupplement: facts.clockStoppedAt !== undefined,
    assigneeAfterUndo: previous.length > 0 ? previous[previous.length - 1] !== null : undefined,
  };
}

/** Facts of one dossier from its whole stream (versions 1..n). */
export function factsFromEvents(
  events: readonly DossierEvent[],
  dossierId: string,
  cutoff?: ApologyCutoffFn,
  measure?: WorkingTimeMeasure,
): DossierFacts | undefined {
  let f: DossierFacts | undefined;
  events.forEach((e, i) => (f = applyToFacts(f, e, i + 1, dossierId, cutoff, measure)));
  return f;
}
