import { randomUUID } from 'node:crypto';
import {
  validateOfficeHours,
  validateProcessingTime,
  validateYearCalendar,
  YearCalendar,
  DEFAULT_OFFICE_HOURS,
  DEFAULT_TIME_ZONE,
  isCalendarYear,
  CALENDAR_FIRST_YEAR,
  CALENDAR_LAST_YEAR,
  addDays,
  findCampaignConflict,
  InvalidCampaign,
  validateCampaign,
} from '@motcua/domain';
import { EventStore, EventToAppend, RecordedEvent, Subscription } from '@motcua/event-store/port';
import { canonicalJson } from '../canonical-json';
import { DEFAULT_EARLIEST_BUSINESS_DATE } from '../dossiers/business-time';
import { CommandContext } from '../context';
import { eventMetadata } from '../event-metadata';
import { AccessDeniedError, NotFoundError, RuleViolationError } from '../errors';
import {
  calendarStream,
  campaignStream,
  CampaignDefinition,
  CalendarYearDefinition,
  procedureStream,
  ProcedureDefinition,
  REFERENCE_SCHEMA_VERSION,
  REFERENCE_STREAM_PREFIXES,
  ReferenceEvent,
  unitStream,
  UnitDefinition,
} from './events';
import { CampaignRecord, ProcedureRecord, ReferenceData, UnitRecord } from './reference-data';
import { assertRootUnitAccess, assertUnitAccess, coversUnit, rootUnitsOf } from './unit-access';

export type UnitInput = Omit<UnitDefinition, 'code' | 'timeZone' | 'officeHours'> & {
  timeZone?: string;
  officeHours?: UnitDefinition['officeHours'];
};
export type ProcedureInput = Omit<ProcedureDefinition, 'code' | 'onlineLevel'> & { onlineLevel?: ProcedureDefinition['onlineLevel'] };

export type CampaignInput = Omit<CampaignDefinition, 'id'>;

/** One change of a campaign: the definition it got, when and by whom (the event's metadata). */
export interface CampaignChange {
  version: number;
  recordedAt: string;
  actor: { id: string; name?: string };
  definition: CampaignDefinition;
}

const LEVEL_RANK = { province: 0, district: 1, commune: 2 } as const;

function metadata(ctx: CommandContext) {
  return eventMetadata(ctx, { occurredAt: ctx.occurredAt ?? ctx.now, schemaVersion: REFERENCE_SCHEMA_VERSION });
}

/**
 * The reference data as of now, for a one-shot process (a rebuild, a verification): read to the
 * end of the log, then no longer followed.
 */
export async function loadReferenceData(store: EventStore): Promise<ReferenceData> {
  const service = new ReferenceService(store);
  await service.start();
  await service.stop();
  return service.data;
}

/**
 * Writes reference data (admin) as events and keeps an in-memory fold of it, fed by a
 * subscription so that several API instances see each other's edits.
 */
export class ReferenceService {
  readonly data = new ReferenceData();
  private subscription?: Subscription;

  constructor(private readonly store: EventStore) {}

  /** Loads everything, then follows new reference events. Resolves once caught up. */
  async start(): Promise<void> {
    this.subscription = this.store.subscribeAll(
      { filter: { streamPrefixes: REFERENCE_STREAM_PREFIXES }, batchSize: 1000 },
      { handle: (events) => events.forEach((e) => this.applyRecorded(e)) },
    );
    await this.subscription.caughtUp;
  }

  async stop(): Promise<void> {
    await this.subscription?.stop();
  }

  private applyRecorded(e: RecordedEvent): void {
    this.data.apply({ type: e.type, data: e.data } as ReferenceEvent, Number(e.revision));
  }

  private async write(stream: string, event: ReferenceEvent, ctx: CommandContext): Promise<number> {
    const toAppend: EventToAppend = { id: randomUUID(), type: event.type, data: event.data, metadata: metadata(ctx) };
    const r = await this.store.append(stream, [toAppend]);
    const revision = Number(r.nextExpectedRevision);
    this.data.apply(event, revision);
    return revision;
  }

  // ---- units -------------------------------------------------------------------------------

  async putUnit(code: string, input: UnitInput, ctx: CommandContext): Promise<{ unit: UnitRecord; created: boolean }> {
    const def: UnitDefinition = {
      code,
      name: input.name.trim(),
      level: input.level,
      parentCode: input.parentCode || undefined,
      timeZone: input.timeZone ?? DEFAULT_TIME_ZONE,
      officeHours: input.officeHours ?? DEFAULT_OFFICE_HOURS,
      validFrom: input.validFrom,
      validTo: input.validTo,
      timingMode: input.timingMode,
      ...(input.effectiveFrom !== undefined && { effectiveFrom: input.effectiveFrom }),
      ...(input.predecessors !== undefined && input.predecessors.length > 0 && { predecessors: [...new Set(input.predecessors)].sort() }),
      // set by a succession; an edit of the closed unit keeps it
      ...(this.data.units.get(code)?.successorCode !== undefined && { successorCode: this.data.units.get(code)!.successorCode }),
    };
    this.validateUnit(def, ctx);
    const existing = this.data.units.get(code);
    if (existing && sameUnit(existing, def)) return { unit: existing, created: false };
    await this.write(unitStream(code), { type: 'UnitDefined', data: def }, ctx);
    return { unit: this.data.units.get(code)!, created: !existing };
  }

  private validateUnit(def: UnitDefinition, ctx: CommandContext): void {
    if (!/^[\w.-]{1,40}$/.test(def.code)) {
      throw new RuleViolationError('invalid-unit-code', `Unit code "${def.code}" may only contain letters, digits, ".", "-" and "_" (at most 40)`);
    }
    try {
      new Intl.DateTimeFormat('en', { timeZone: def.timeZone });
    } catch {
      throw new RuleViolationError('invalid-time-zone', `Unknown time zone "${def.timeZone}" (use an IANA name such as Asia/Ho_Chi_Minh)`);
    }
    try {
      validateOfficeHours(def.officeHours);
    } catch (err) {
      throw new RuleViolationError('invalid-office-hours', (err as Error).message);
    }
    if (def.validFrom && def.validTo && def.validTo < def.validFrom) {
      throw new RuleViolationError('invalid-validity', `validTo ${def.validTo} is before validFrom ${def.validFrom}`);
    }
    for (const p of def.predecessors ?? []) {
      if (p === def.code) throw new RuleViolationError('invalid-predecessor', `Unit "${def.code}" cannot be its own predecessor`, { field: 'predecessors' });
      if (!this.data.units.has(p)) throw new RuleViolationError('unknown-predecessor', `Predecessor unit "${p}" does not exist`, { field: 'predecessors' });
      if (def.predecessors!.length > 0 && !def.validFrom) {
        throw new RuleViolationError('predecessors-need-valid-from', `A unit with predecessors needs validFrom (the day it took them over)`, {
          field: 'validFrom',
        });
      }
    }
    if (def.parentCode) {
      const parent = this.data.units.get(def.parentCode);
      if (!parent) throw new RuleViolationError('unknown-parent', `Parent unit "${def.parentCode}" does not exist: create it first`);
      if (def.parentCode === def.code || this.data.ancestors(def.parentCode).includes(def.code)) {
        throw new RuleViolationError('unit-cycle', `Unit "${def.code}" cannot be placed under its own descendant "${def.parentCode}"`);
      }
      if (LEVEL_RANK[parent.level] >= LEVEL_RANK[def.level]) {
        throw new RuleViolationError('invalid-level', `A ${def.level} cannot be placed under a ${parent.level} ("${parent.code}")`);
      }
    }
    this.assertMayDefineUnit(def, ctx);
  }

  /**
   * Unit scope of `PUT /units/{code}` (reference/unit-access.ts): the caller's units must cover the
   * unit where it is now (an existing unit) and where it goes (a new unit, or one whose parent
   * changes): under a parent they cover; a new root unit (no parent) only when the caller's units
   * name that very code (the token was issued for that province); an existing unit detached into a
   * root only by an administrator of the root unit it is under now. `units: []` covers nothing.
   */
  private assertMayDefineUnit(def: UnitDefinition, ctx: CommandContext): void {
    const actor = ctx.actor;
    const existing = this.data.units.get(def.code);
    if (existing) assertUnitAccess(this.data, actor, def.code);
    if (existing && (existing.parentCode ?? undefined) === def.parentCode) return;
    if (def.parentCode) {
      if (!coversUnit(this.data, actor, def.parentCode)) {
        throw new AccessDeniedError(`your units (${actor.units.join(', ') || 'none'}) do not include unit ${def.parentCode}, the parent of ${def.code}`, {
          unitCode: def.parentCode,
        });
      }
    } else if (actor.id.startsWith('system:')) {
      return;
    } else if (existing) {
      // detaching a unit from its tree: only an administrator of the root unit it is under now
      if (!rootUnitsOf(this.data, actor).some((root) => this.data.isWithin(def.code, [root]))) {
        throw new AccessDeniedError(`Unit ${def.code} would become a root unit (no parent): only an administrator of the root unit it is under may detach it`, {
          unitCode: def.code,
        });
      }
    } else if (!actor.units.includes(def.code)) {
      throw new AccessDeniedError(
        `Unit ${def.code} would be a root unit (no parent): only an administrator whose units name ${def.code} may define it; your units (${actor.units.join(', ') || 'none'}) do not`,
        { unitCode: def.code },
      );
    }
  }

  /**
   * Closes `code` the day before `effectiveDate` and names its successor, which gains `code` among
   * its predecessors (issue #16). Idempotent: a unit already closed so, and a successor already
   * naming it, are not written again. 404 unknown unit, 403 outside the caller's units (both units),
   * 422 for an unknown or closed successor or a unit already passed to another successor.
   */
  async closeForSuccession(
    code: string,
    successorCode: string,
    effectiveDate: string,
    ctx: CommandContext,
  ): Promise<{ unit: UnitRecord; successor: UnitRecord }> {
    const unit = this.getUnit(code);
    assertUnitAccess(this.data, ctx.actor, code);
    if (successorCode === code) throw new RuleViolationError('invalid-successor', `Unit "${code}" cannot be its own successor`, { field: 'successorCode' });
    const successor = this.data.units.get(successorCode);
    if (!successor) throw new RuleViolationError('unknown-successor', `Successor unit "${successorCode}" does not exist`, { field: 'successorCode' });
    assertUnitAccess(this.data, ctx.actor, successorCode);
    if ((successor.validTo && successor.validTo < effectiveDate) || (successor.validFrom && successor.validFrom > effectiveDate)) {
      throw new RuleViolationError('successor-not-valid', `Successor unit "${successorCode}" is not in operation on ${effectiveDate}`, {
        field: 'successorCode',
      });
    }
    if (unit.successorCode && unit.successorCode !== successorCode) {
      throw new RuleViolationError('already-succeeded', `Unit "${code}" was already passed to "${unit.successorCode}"`, { successorCode: unit.successorCode });
    }
    const validTo = addDays(effectiveDate, -1);
    if (unit.validFrom && validTo < unit.validFrom) {
      throw new RuleViolationError('invalid-validity', `Unit "${code}" is only valid from ${unit.validFrom}: it cannot close on ${validTo}`, {
        field: 'effectiveDate',
      });
    }
    if (unit.successorCode !== successorCode || unit.validTo !== validTo) {
      const { version: _v, history: _h, ...def } = unit;
      await this.write(unitStream(code), { type: 'UnitDefined', data: { ...def, validTo, successorCode } }, ctx);
    }
    if (!(successor.predecessors ?? []).includes(code)) {
      const { version: _v, history: _h, ...def } = successor;
      const predecessors = [...(successor.predecessors ?? []), code].sort();
      await this.write(unitStream(successorCode), { type: 'UnitDefined', data: { ...def, predecessors, validFrom: def.validFrom ?? undefined } }, ctx);
    }
    return { unit: this.data.units.get(code)!, successor: this.data.units.get(successorCode)! };
  }

  getUnit(code: string): UnitRecord {
    const u = this.data.units.get(code);
    if (!u) throw new NotFoundError(`Unit ${code} does not exist`);
    return u;
  }

  listUnits(): UnitRecord[] {
    return [...this.data.units.values()].sort((a, b) => a.code.localeCompare(b.code));
  }

  // ---- procedures --------------------------------------------------------------------------

  async putProcedure(code: string, input: ProcedureInput, ctx: CommandContext): Promise<{ procedure: ProcedureRecord; created: boolean }> {
    assertRootUnitAccess(this.data, ctx.actor, `Procedure ${code}`);
    if (!/^[\w.-]{1,60}$/.test(code)) {
      throw new RuleViolationError('invalid-procedure-code', `Procedure code "${code}" may only contain letters, digits, ".", "-" and "_" (at most 60)`);
    }
    const def: ProcedureDefinition = {
      code,
      name: input.name.trim(),
      field: input.field.trim(),
      processingTime: { amount: input.processingTime.amount, unit: input.processingTime.unit },
      onlineLevel: input.onlineLevel ?? 'none',
    };
    try {
      validateProcessingTime(def.processingTime);
    } catch (err) {
      throw new RuleViolationError('invalid-processing-time', (err as Error).message);
    }
    const existing = this.data.procedures.get(code);
    if (existing && canonicalJson(strip(existing)) === canonicalJson(def)) return { procedure: existing, created: false };
    await this.write(procedureStream(code), { type: 'ProcedureDefined', data: def }, ctx);
    return { procedure: this.data.procedures.get(code)!, created: !existing };
  }

  getProcedure(code: string): ProcedureRecord {
    const p = this.data.procedures.get(code);
    if (!p) throw new NotFoundError(`Procedure ${code} does not exist`);
    return p;
  }

  listProcedures(): ProcedureRecord[] {
    return [...this.data.procedures.values()].sort((a, b) => a.code.localeCompare(b.code));
  }

  // ---- campaign windows ---------------------------------------------------------------------

  /**
   * Creates or replaces a campaign window (api-v1 "Campaign windows"). Validated before anything is
   * appended (libs/domain/src/campaign): a 422 names the field, or the campaign that already gives
   * one of these units (or an ancestor or descendant) one of these procedures on an overlapping day.
   * The caller's units must cover every unit of the campaign, before and after the change. A change
   * never moves a due time already frozen on a dossier.
   */
  async putCampaign(id: string, input: CampaignInput, ctx: CommandContext): Promise<{ campaign: CampaignRecord; created: boolean }> {
    if (!/^[\w.-]{1,60}$/.test(id)) {
      throw new RuleViolationError('invalid-campaign-id', `Campaign id "${id}" may only contain letters, digits, ".", "-" and "_" (at most 60)`, {
        field: 'id',
      });
    }
    const def: CampaignDefinition = {
      id,
      name: input.name.trim(),
      unitCodes: [...new Set(input.unitCodes)],
      from: input.from,
      to: input.to,
      procedures: input.procedures.map((p) => ({
        procedureCode: p.procedureCode,
        processingTime: { amount: p.processingTime.amount, unit: p.processingTime.unit },
      })),
    };
    const data = this.data;
    // a campaign shortens receptions, which no business time may put before the earliest business date
    if (/^\d{4}-\d{2}-\d{2}$/.test(def.from) && def.from < DEFAULT_EARLIEST_BUSINESS_DATE) {
      throw new RuleViolationError('invalid-campaign', `from ${def.from} is before the earliest business date ${DEFAULT_EARLIEST_BUSINESS_DATE}`, {
        field: 'from',
      });
    }
    try {
      validateCampaign(def, {
        unitExists: (u) => data.units.has(u),
        procedureTime: (p) => data.procedures.get(p)?.processingTime,
      });
    } catch (err) {
      if (err instanceof InvalidCampaign) throw new RuleViolationError(err.code, err.message, { field: err.field });
      throw err;
    }
    const existing = data.campaigns.get(id);
    for (const u of new Set([...(existing?.unitCodes ?? []), ...def.unitCodes])) assertUnitAccess(data, ctx.actor, u);
    const related = (a: string, b: string) => data.isWithin(a, [b]) || data.isWithin(b, [a]);
    const conflict = findCampaignConflict(def, data.campaigns.values(), related);
    if (conflict) {
      throw new RuleViolationError(
        'campaign-overlap',
        `Campaign "${conflict.campaignId}" already shortens procedure "${conflict.procedureCode}" for unit "${conflict.unitCode}" (or a unit above or below it) on some of these dates`,
        { field: 'procedures', conflictingCampaignId: conflict.campaignId, unitCode: conflict.unitCode, procedureCode: conflict.procedureCode },
      );
    }
    if (existing && canonicalJson(stripCampaign(existing)) === canonicalJson(def)) return { campaign: existing, created: false };
    await this.write(campaignStream(id), { type: 'CampaignDefined', data: def }, ctx);
    return { campaign: data.campaigns.get(id)!, created: !existing };
  }

  getCampaign(id: string): CampaignRecord {
    const c = this.data.campaigns.get(id);
    if (!c) throw new NotFoundError(`Campaign ${id} does not exist`);
    return c;
  }

  listCampaigns(): CampaignRecord[] {
    return [...this.data.campaigns.values()].sort((a, b) => a.from.localeCompare(b.from) || a.id.localeCompare(b.id));
  }

  /** Every definition the campaign had, oldest first, with who changed it and when (read from its stream). */
  async campaignHistory(id: string): Promise<CampaignChange[]> {
    this.getCampaign(id);
    const events = await this.store.readStream(campaignStream(id));
    return events
      .filter((e) => e.type === 'CampaignDefined')
      .map((e) => ({
        version: Number(e.revision),
        recordedAt: e.recordedAt,
        actor: { id: e.metadata.actor.id, ...(e.metadata.actor.name !== undefined && { name: e.metadata.actor.name }) },
        definition: e.data as CampaignDefinition,
      }));
  }

  // ---- calendar ----------------------------------------------------------------------------

  async putCalendar(year: number, input: Omit<CalendarYearDefinition, 'year'>, ctx: CommandContext): Promise<YearCalendar> {
    assertCalendarYear(year); // validated before anything is appended
    assertRootUnitAccess(this.data, ctx.actor, `The working calendar of ${year}`);
    const def: CalendarYearDefinition = {
      year,
      holidays: [...new Set(input.holidays)].sort(),
      workingDays: [...new Set(input.workingDays)].sort(),
    };
    const probe: YearCalendar = { ...def, version: 'probe', source: 'admin' };
    try {
      validateYearCalendar(probe);
    } catch (err) {
      throw new RuleViolationError('invalid-calendar', (err as Error).message);
    }
    await this.write(calendarStream(year), { type: 'WorkingCalendarSet', data: def }, ctx);
    return this.data.calendarFor(year);
  }

  getCalendar(year: number): YearCalendar {
    assertCalendarYear(year);
    return this.data.calendarFor(year);
  }
}

/** A year the working calendar covers (the domain's range), else a 422 naming it. */
function assertCalendarYear(year: number): void {
  if (!isCalendarYear(year)) {
    throw new RuleViolationError(
      'invalid-year',
      `Year ${year} is outside the years the working calendar supports (${CALENDAR_FIRST_YEAR}–${CALENDAR_LAST_YEAR})`,
      { field: 'year' },
    );
  }
}

function strip(p: ProcedureRecord): ProcedureDefinition {
  const { version: _v, ...rest } = p;
  return rest;
}

function stripCampaign(c: CampaignRecord): CampaignDefinition {
  const { version: _v, history: _h, ...rest } = c;
  return rest;
}

function sameUnit(a: UnitRecord, b: UnitDefinition): boolean {
  const { version: _v, history: _h, ...rest } = a;
  return canonicalJson(rest) === canonicalJson(b);
}
