import { randomUUID } from 'node:crypto';
import {
  computeDueAt,
  decide,
  DOSSIER_EVENT_SCHEMA_VERSIONS,
  DossierCommand,
  DossierEvent,
  dossierStreamName,
  DossierState,
  ExistingDossier,
  foldDossier,
  initialDossierState,
  Applicant,
  Channel,
  Outcome,
  Rating,
  AlertKind,
  DomainError,
  localDateOf,
  isDeadlineAlertEvent,
  toDossierEvent,
  CalendarYearOutOfRange,
  DateOutOfRange,
  DueAt,
  isSupportedInstant,
  OccurredInFuture,
  ProcessingTime,
  WorkingTimeContext,
} from '@motcua/domain';
import { EventStore, EventToAppend, RecordedEvent, UnitOfWork, WrongExpectedRevisionError } from '@motcua/event-store/port';
import { CommandContext } from '../context';
import { eventMetadata } from '../event-metadata';
import { AccessDeniedError, DuplicateError, NotFoundError, RuleViolationError, VersionConflictError } from '../errors';
import { ReferenceService } from '../reference/reference-service';
import { assertObjectAccess, assertUnitAccess, coversUnit } from '../reference/unit-access';
import { DossierCodeAllocator } from './code-allocator';
import { DossierView, toView } from './view';

export interface ReceiveInput {
  id?: string;
  unitCode: string;
  procedureCode: string;
  channel: Channel;
  applicant: Applicant;
}

/** The dossier commands after reception, as the API names them. */
export type DossierAction =
  | { action: 'assign'; assignee: string; assigneeName?: string; department?: string }
  | { action: 'request-supplement'; reason: string }
  | { action: 'receive-supplement' }
  | { action: 'apologise'; reason: string; newDueAt: Date; letterNumber?: string }
  | { action: 'resolve'; outcome: Outcome; note?: string }
  | { action: 'withdraw'; reason: string }
  | { action: 'rate'; rating: Rating }
  | { action: 'raise-alert'; kind: AlertKind; dueAt: Date };

export interface CommandResult {
  view: DossierView;
  /** Events appended by this command (0 for a no-op such as a repeated reassignment). */
  appended: number;
  created?: boolean;
}

export interface HistoryEntry {
  type: string;
  version: number;
  occurredAt: string;
  recordedAt: string;
  /** Business time more than 5 minutes before the time it was recorded (back-office entry). */
  backdated: boolean;
  actor: RecordedEvent['metadata']['actor'];
  correlationId: string;
  data: unknown;
}

const BACKDATED_MS = 5 * 60_000;
/** Attempts of a command without an expected version that keeps losing the race for its stream. */
const MAX_ATTEMPTS = 25;
const CODE_ATTEMPTS = 200;

export interface DossierServiceOptions {
  /** Business times before this local date (YYYY-MM-DD, the unit's zone) are refused (EARLIEST_BUSINESS_DATE). */
  earliestBusinessDate?: string;
}

export const DEFAULT_EARLIEST_BUSINESS_DATE = '2000-01-01';

/**
 * Application service for dossiers: loads the stream, asks the decider, appends with the revision
 * it read (optimistic concurrency). Thin and framework-free; the HTTP layer and the import both
 * call it.
 */
export class DossierService {
  private readonly codes: DossierCodeAllocator;

  private readonly earliest: string;
  /** The tail of each dossier's queue of commands in this process. */
  private readonly turns = new Map<string, Promise<void>>();

  constructor(
    private readonly store: EventStore,
    private readonly reference: ReferenceService,
    private readonly options: DossierServiceOptions = {},
  ) {
    this.codes = new DossierCodeAllocator(store);
    this.earliest = options.earliestBusinessDate ?? DEFAULT_EARLIEST_BUSINESS_DATE;
  }

  /**
   * A service whose commands write into a unit of work over this service's store (bulk import:
   * many commands, one transaction), or undefined if the store cannot commit one atomically.
   */
  unitOfWork(): { dossiers: DossierService; uow: UnitOfWork } | undefined {
    if (!UnitOfWork.supportedBy(this.store)) return undefined;
    const uow = new UnitOfWork(this.store);
    return { dossiers: new DossierService(uow, this.reference, this.options), uow };
  }

  async load(id: string): Promise<{ state: DossierState; events: RecordedEvent[] }> {
    const events = await this.store.readStream(dossierStreamName(id));
    return { state: foldDossier(events.map(toDomain)), events };
  }

  /** The states of many dossiers, in one round trip when the store can (absent ids: status `none`). */
  async loadStates(ids: readonly string[]): Promise<Map<string, DossierState>> {
    const out = new Map<string, DossierState>();
    if (this.store.readStreams) {
      const streams = await this.store.readStreams(ids.map(dossierStreamName));
      for (const id of ids) out.set(id, foldDossier((streams.get(dossierStreamName(id)) ?? []).map(toDomain)));
    } else {
      for (const id of ids) out.set(id, (await this.load(id)).state);
    }
    return out;
  }

  async receive(input: ReceiveInput, ctx: CommandContext): Promise<CommandResult> {
    const id = input.id ?? randomUUID();
    const occurredAt = ctx.occurredAt ?? ctx.now;
    const unit = this.reference.data.units.get(input.unitCode);
    if (!unit) throw new RuleViolationError('unknown-unit', `Unit "${input.unitCode}" does not exist`);
    assertUnitAccess(this.reference.data, ctx.actor, input.unitCode);
    this.checkBusinessTime(occurredAt, ctx.now, unit.timeZone);
    const day = localDateOf(occurredAt, unit.timeZone);
    if ((unit.validFrom && day < unit.validFrom) || (unit.validTo && day > unit.validTo)) {
      throw new RuleViolationError('unit-not-valid', `Unit "${unit.code}" is not in operation on ${day} (valid ${unit.validFrom ?? '…'} to ${unit.validTo ?? '…'})`);
    }
    const procedure = this.reference.data.procedures.get(input.procedureCode);
    if (!procedure) throw new RuleViolationError('unknown-procedure', `Procedure "${input.procedureCode}" does not exist`);

    const wt = this.reference.data.workingTime(unit.code);
    const { dueAt, calendarVersion } = dueAtWithinRange(wt, occurredAt, procedure.processingTime);
    const command = (code: string): DossierCommand => ({
      type: 'ReceiveDossier',
      data: {
        dossierId: id,
        occurredAt,
        code,
        unitCode: unit.code,
        procedureCode: procedure.code,
        procedureName: procedure.name,
        field: procedure.field,
        channel: input.channel,
        onlineLevel: procedure.onlineLevel,
        applicant: input.applicant,
        processingTime: procedure.processingTime,
        timeZone: unit.timeZone,
        dueAt,
        calendarVersion,
      },
    });
    const done = (events: DossierEvent[]): CommandResult => {
      const state = foldDossier(events) as ExistingDossier;
      return { view: toView(state, ctx.now, unit.timingMode), appended: events.length, created: true };
    };

    if (this.store.appendMany) {
      // The code and the dossier in one transaction: no code is ever used up by a reception that
      // did not happen, and (the counter's head being remembered) usually one statement in all.
      decide(command(`${unit.code}-000000-0000`), initialDossierState, ctx.now); // refuse before anything else
      for (let attempt = 0; attempt < CODE_ATTEMPTS; attempt++) {
        const planned = await this.codes.plan(unit.code, unit.timeZone, occurredAt, id, ctx);
        let outcome: 'committed' | 'conflicted' | 'failed' = 'failed';
        let clash = false;
        let events: DossierEvent[] = [];
        try {
          events = decide(command(planned.code), initialDossierState, ctx.now);
          await this.store.appendMany([planned.part, { stream: dossierStreamName(id), events: this.toAppend(events, ctx), expectedRevision: 'no-stream' }]);
          outcome = 'committed';
        } catch (err) {
          if (!(err instanceof WrongExpectedRevisionError)) throw err;
          if (err.stream === planned.part.stream) outcome = 'conflicted'; // another process took this number
          else clash = true; // the dossier id exists (nothing was written; the counter is as it was)
        } finally {
          planned.settle(clash ? 'failed' : outcome);
        }
        if (outcome === 'committed') return done(events);
        if (clash) return this.alreadyReceived(id, input, ctx);
        await new Promise((r) => setTimeout(r, Math.random() * Math.min(2 + attempt * 2, 50)));
      }
      throw new VersionConflictError(`Could not allocate a dossier code for unit ${unit.code}: too much contention, retry`, 0);
    }

    const existing = await this.load(id);
    if (existing.state.status !== 'none') return this.alreadyReceived(id, input, ctx, existing.state);
    // Decide before allocating, so that a refused reception does not consume a code.
    decide(command(`${unit.code}-000000-0000`), initialDossierState, ctx.now);
    const code = await this.codes.allocate(unit.code, unit.timeZone, occurredAt, id, ctx);
    const events = decide(command(code), initialDossierState, ctx.now);
    try {
      await this.append(id, events, 'no-stream', ctx);
    } catch (err) {
      if (err instanceof WrongExpectedRevisionError) throw new DuplicateError(`Dossier id ${id} was received concurrently`);
      throw err;
    }
    return done(events);
  }

  /** A reception whose dossier id exists: the same reception again (a retry) or a clash. */
  private async alreadyReceived(id: string, input: ReceiveInput, ctx: CommandContext, known?: DossierState): Promise<CommandResult> {
    const s = known ?? (await this.load(id)).state;
    if (s.status === 'none') throw new DuplicateError(`Dossier id ${id} was received concurrently`);
    if (s.unitCode === input.unitCode && s.procedureCode === input.procedureCode && s.applicant.name === input.applicant.name && s.channel === input.channel) {
      return { view: toView(s, ctx.now), appended: 0, created: false };
    }
    // Only the id is said to be taken: another unit's dossier code is not the caller's to know.
    if (!coversUnit(this.reference.data, ctx.actor, s.unitCode)) throw new DuplicateError(`Dossier id ${id} is already taken: choose another id`);
    throw new DuplicateError(`Dossier id ${id} is already used by dossier ${s.code}`);
  }

  /**
   * Commands on one dossier take turns within this process (one read-decide-append at a time),
   * so concurrent requests do not race each other for the same revision; between processes the
   * expected revision settles it and the loser reads and decides again.
   */
  execute(id: string, action: DossierAction, request: CommandContext): Promise<CommandResult> {
    const previous = this.turns.get(id) ?? Promise.resolve();
    const run = previous.then(() => this.executeNow(id, action, request));
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.turns.set(id, settled);
    void settled.then(() => {
      if (this.turns.get(id) === settled) this.turns.delete(id);
    });
    return run;
  }

  private async executeNow(id: string, action: DossierAction, request: CommandContext): Promise<CommandResult> {
    for (let attempt = 1; ; attempt++) {
      const { state } = await this.load(id);
      if (state.status === 'none') throw new NotFoundError(`Dossier ${id} does not exist`);
      this.assertAccess(request, id, state.unitCode);
      if (request.expectedVersion !== undefined && request.expectedVersion !== state.version) {
        throw new VersionConflictError(
          `Dossier ${state.code} is at version ${state.version}, not ${request.expectedVersion}: reload it and try again`,
          state.version,
        );
      }
      const ctx = this.afterRead(request, state);
      if (ctx.occurredAt) this.checkBusinessTime(ctx.occurredAt, ctx.now, state.timeZone);
      const command = this.toCommand(id, action, state, ctx);
      const events = decide(command, state, ctx.now);
      if (events.length === 0) return { view: toView(state, ctx.now, this.timingMode(state)), appended: 0 };
      try {
        await this.append(id, events, BigInt(state.version - 1), ctx);
      } catch (err) {
        if (!(err instanceof WrongExpectedRevisionError)) throw err;
        const current = typeof err.actual === 'bigint' ? Number(err.actual) + 1 : 0;
        if (ctx.expectedVersion !== undefined || attempt >= MAX_ATTEMPTS) {
          throw new VersionConflictError(`Dossier ${state.code} changed meanwhile (now version ${current}): reload it and try again`, current);
        }
        // someone else wrote first: read and decide again (after a short random pause, so that a
        // crowd of writers on one dossier spreads out instead of colliding again)
        await new Promise((r) => setTimeout(r, Math.random() * Math.min(attempt * 4, 40)));
        continue;
      }
      const next = events.reduce((s, e) => foldDossier([e], s), state as DossierState) as ExistingDossier;
      return { view: toView(next, ctx.now, this.timingMode(next)), appended: events.length };
    }
  }

  /**
   * The request's context for a decision on the state just read. The server's `now` is taken after
   * the read, so it is never older than the stream it is appended to: a command sent without a
   * business time is not refused as "before the last step" because another request, started
   * later, was written first. (Between processes whose clocks differ by a few milliseconds, the
   * last step's time is used when it is ahead.)
   */
  private afterRead(request: CommandContext, state: ExistingDossier): CommandContext {
    let now = Math.max(request.now.getTime(), Date.now());
    if (request.occurredAt === undefined) {
      const last = Date.parse(state.lastStepOccurredAt);
      if (Number.isFinite(last) && last > now && last - now < 60_000) now = last;
    }
    return { ...request, now: new Date(now) };
  }

  /**
   * A business time given by the client: not in the future (checked first), not before the
   * earliest business date, and inside what the working calendar can compute.
   */
  private checkBusinessTime(occurredAt: Date, now: Date, timeZone: string): void {
    if (occurredAt.getTime() > now.getTime()) throw new OccurredInFuture(occurredAt.toISOString(), now.toISOString());
    if (!isSupportedInstant(occurredAt)) throw new DateOutOfRange('occurredAt', occurredAt.toISOString());
    const day = localDateOf(occurredAt, timeZone);
    if (day < this.earliest) {
      throw new RuleViolationError(
        'occurred-too-early',
        `occurredAt ${occurredAt.toISOString()} (${day}) is before ${this.earliest}, the earliest business date this service accepts`,
        { field: 'occurredAt', earliest: this.earliest },
      );
    }
  }

  /** State as of a moment: by business time (`occurred`) or by when it was recorded. */
  async getDossier(id: string, ctx: CommandContext, asOf?: { at: Date; by: 'occurred' | 'recorded' }): Promise<DossierView> {
    const { events } = await this.load(id);
    if (events.length === 0) throw new NotFoundError(`Dossier ${id} does not exist`);
    const first = foldDossier([toDomain(events[0])]) as ExistingDossier;
    this.assertAccess(ctx, id, first.unitCode);
    let selected = events;
    if (asOf) {
      const t = asOf.at.getTime();
      selected = events.filter((e) => Date.parse(asOf.by === 'recorded' ? e.recordedAt : e.metadata.occurredAt) <= t);
      if (selected.length === 0) throw new NotFoundError(`Dossier ${first.code} did not exist yet at ${asOf.at.toISOString()} (${asOf.by} time)`);
    }
    const state = foldDossier(selected.map(toDomain)) as ExistingDossier;
    return toView(state, asOf?.at ?? ctx.now, this.timingMode(state));
  }

  async history(id: string, ctx: CommandContext): Promise<{ id: string; code: string; events: HistoryEntry[] }> {
    const { events, state } = await this.load(id);
    if (state.status === 'none') throw new NotFoundError(`Dossier ${id} does not exist`);
    this.assertAccess(ctx, id, state.unitCode);
    return {
      id,
      code: state.code,
      events: events.map((e) => ({
        type: e.type,
        version: Number(e.revision) + 1,
        occurredAt: e.metadata.occurredAt,
        recordedAt: e.recordedAt,
        backdated: Date.parse(e.recordedAt) - Date.parse(e.metadata.occurredAt) > BACKDATED_MS,
        actor: e.metadata.actor,
        correlationId: e.metadata.correlationId,
        data: e.data,
      })),
    };
  }

  private toCommand(id: string, a: DossierAction, state: ExistingDossier, ctx: CommandContext): DossierCommand {
    const base = { dossierId: id, occurredAt: ctx.occurredAt ?? ctx.now };
    switch (a.action) {
      case 'assign': {
        // An officer may only take a dossier for themself; supervisors assign anyone.
        const roles = ctx.actor.roles;
        if (!roles.includes('supervisor') && !roles.includes('admin') && a.assignee !== ctx.actor.id) {
          throw new AccessDeniedError(`An officer may only assign a dossier to themself (${ctx.actor.id}), not to ${a.assignee}`);
        }
        return { type: 'AssignDossier', data: { ...base, assignee: a.assignee, assigneeName: a.assigneeName, department: a.department } };
      }
      case 'request-supplement':
        return { type: 'RequestSupplement', data: { ...base, reason: a.reason } };
      case 'receive-supplement': {
        // The processing time restarts from zero once the complete dossier arrives (Art. 19.4).
        const wt = this.reference.data.units.has(state.unitCode) ? this.reference.data.workingTime(state.unitCode) : undefined;
        if (!wt) throw new RuleViolationError('unknown-unit', `Unit "${state.unitCode}" no longer exists`);
        const due = dueAtWithinRange(wt, base.occurredAt, state.processingTime);
        return { type: 'ReceiveSupplement', data: { ...base, newDueAt: due.dueAt, calendarVersion: due.calendarVersion } };
      }
      case 'apologise':
        return { type: 'IssueApology', data: { ...base, reason: a.reason, newDueAt: a.newDueAt, letterNumber: a.letterNumber } };
      case 'resolve':
        return { type: 'ResolveDossier', data: { ...base, outcome: a.outcome, note: a.note, timingMode: this.timingMode(state) } };
      case 'withdraw':
        return { type: 'WithdrawDossier', data: { ...base, reason: a.reason } };
      case 'rate':
        return { type: 'RateSatisfaction', data: { ...base, rating: a.rating } };
      case 'raise-alert':
        return { type: 'RaiseDeadlineAlert', data: { ...base, kind: a.kind, dueAt: a.dueAt } };
    }
  }

  private timingMode(state: ExistingDossier): 'exact' | 'day' {
    return this.reference.data.units.get(state.unitCode)?.timingMode ?? 'exact';
  }

  /** A dossier outside the caller's units answers exactly like an unknown id (404): its existence is not revealed. */
  private assertAccess(ctx: CommandContext, id: string, unitCode: string): void {
    assertObjectAccess(this.reference.data, ctx.actor, unitCode, `Dossier ${id} does not exist`);
  }

  private async append(id: string, events: DossierEvent[], expected: bigint | 'no-stream', ctx: CommandContext): Promise<void> {
    await this.store.append(dossierStreamName(id), this.toAppend(events, ctx), { expectedRevision: expected });
  }

  private toAppend(events: DossierEvent[], ctx: CommandContext): EventToAppend[] {
    return events.map((e) => ({
      id: randomUUID(),
      type: e.type,
      data: e.data,
      // alerts are system observations stamped with `now`; steps carry their business time
      metadata: eventMetadata(ctx, {
        occurredAt: isDeadlineAlertEvent(e) ? ctx.now : ctx.occurredAt ?? ctx.now,
        schemaVersion: DOSSIER_EVENT_SCHEMA_VERSIONS[e.type],
        idempotencyKey: ctx.idempotencyKey,
      }),
    }));
  }
}

/**
 * The due time, or a 422 when the calendar cannot compute it (a reception late in the last year
 * it covers) or it falls outside the supported range: never a RangeError (500).
 */
function dueAtWithinRange(wt: WorkingTimeContext, from: Date, processingTime: ProcessingTime): DueAt {
  let due: DueAt;
  try {
    due = computeDueAt(wt, from, processingTime);
  } catch (err) {
    if (err instanceof CalendarYearOutOfRange) {
      throw new DateOutOfRange('dueAt', `computed from ${from.toISOString()}`, `The due time computed from ${from.toISOString()} falls in ${err.year}, outside the dates the working calendar supports`);
    }
    throw err;
  }
  if (!isSupportedInstant(due.dueAt)) {
    throw new DateOutOfRange('dueAt', due.dueAt.toISOString(), `The due time computed from ${from.toISOString()} (${due.dueAt.toISOString()}) is outside the dates the working calendar supports`);
  }
  return due;
}

function toDomain(e: RecordedEvent): DossierEvent {
  return toDossierEvent(e);
}

export { DomainError };
