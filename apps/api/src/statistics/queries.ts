/**
 * The report and the work lists: @nestjs/cqrs query handlers are the use cases (unit scope, period
 * rules, which read model answers); the controllers only translate HTTP.
 */
import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import {
  IndicatorTable,
  InvalidPeriodPreset,
  InvalidReportPeriod,
  levelSubtotals,
  periodTree,
  presetPeriod,
  ReferenceService,
  CsvGroupBy,
  Report,
  ReportCutoff,
  replayReport,
  UnitLevel,
  UnitScoped,
  withIndicators,
  ReportPerspective,
  withPredecessors,
} from '@motcua/application';
import { DEFAULT_TIME_ZONE, DossierStatus } from '@motcua/domain';
import { EventStore } from '@motcua/event-store/port';
import { BadRequestProblem, EVENT_STORE, SQL_DRIVER, UnprocessableProblem } from '@motcua/platform';
import { dossierIdsOfUnits, queryReport, queryReportAndIndicators, queryWorkList, WorkListPage } from '@motcua/projections';
import { SqlDriver } from '@motcua/sql';
import { readPage } from '../common/list-query.dto';
import { ReadModelHandler } from '../common/read-model-handler';
import { requireUnitAccess, unitScope } from '../common/unit-scope';

export interface ReportRequest {
  /** Default: the caller's unit when the token grants exactly one. */
  unitCode?: string;
  /** Default with a campaign: the campaign's dates. */
  from?: string;
  to?: string;
  groupBy: CsvGroupBy;
  /** Replay the events recorded by then instead of reading the read model. */
  asRecordedAt?: Date;
  /** Only the dossiers received under this campaign window. */
  campaignId?: string;
  /** The unit a dossier counts under (default competent). */
  perspective?: ReportPerspective;
  /** A period preset (`2026-11`, `2026-Q4`, `2026`) instead of from/to, with its cut-off (issue #18). */
  period?: string;
  cutoff?: ReportCutoff;
  /** false: no QĐ 766 indicators (default true). */
  indicators?: boolean;
}

export class GetReportQuery {
  constructor(
    readonly request: ReportRequest,
    readonly who: UnitScoped,
  ) {}
}

export interface WorkListRequest {
  unitCode?: string;
  statuses?: DossierStatus[];
  overdue?: boolean;
  dueBefore?: Date;
  assignee?: string;
  cursor?: string;
  limit: number;
  code?: string;
  q?: string;
}

export class GetWorkListQuery {
  constructor(
    readonly request: WorkListRequest,
    readonly who: UnitScoped,
  ) {}
}

@QueryHandler(GetReportQuery)
export class GetReportHandler implements IQueryHandler<GetReportQuery, Report> {
  constructor(
    private readonly reference: ReferenceService,
    @Inject(SQL_DRIVER) private readonly sql: SqlDriver,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  async execute({ request: r, who }: GetReportQuery): Promise<Report> {
    let unitCode = r.unitCode;
    if (unitCode === undefined) {
      if (who.units.length !== 1)
        throw new BadRequestProblem('unitCode is required when your token grants several units (or none)', {
          errors: [{ field: 'unitCode', message: 'unitCode is required' }],
        });
      unitCode = who.units[0];
    }
    const data = this.reference.data;
    let { from, to } = r;
    if (r.period !== undefined) {
      if (from !== undefined || to !== undefined)
        throw new BadRequestProblem('give either period or from/to, not both', { errors: [{ field: 'period', message: 'not with from/to' }] });
      try {
        ({ from, to } = presetPeriod(r.period, r.cutoff));
      } catch (err) {
        if (err instanceof InvalidPeriodPreset) throw new BadRequestProblem(err.message, { errors: [{ field: 'period', message: err.message }] });
        throw err;
      }
    } else if (r.cutoff !== undefined) {
      throw new BadRequestProblem('cutoff applies to a period preset (period=…)', { errors: [{ field: 'cutoff', message: 'only with period' }] });
    }
    if (r.campaignId !== undefined) {
      const campaign = data.campaigns.get(r.campaignId);
      if (!campaign)
        throw new UnprocessableProblem(`Campaign ${r.campaignId} does not exist`, { errors: [{ field: 'campaign', message: 'no campaign of this id' }] });
      from ??= campaign.from;
      to ??= campaign.to;
    }
    if (from === undefined || to === undefined)
      throw new BadRequestProblem('from and to are required (or give a campaign)', {
        errors: [{ field: from === undefined ? 'from' : 'to', message: 'required' }],
      });
    if (from > to)
      throw new UnprocessableProblem(`the period ends (${to}) before it starts (${from})`, {
        errors: [{ field: 'to', message: 'to must not be before from' }],
      });
    requireUnitAccess(data, who, unitCode);
    // the unit's subtree as it was during the period (validity and effective-dated parents)
    // and the units merged into them (issue #16): a successor's report includes its predecessors' dossiers
    const tree = withPredecessors(data.units, periodTree(data.units.values(), unitCode, from, to));
    if (r.asRecordedAt && r.asRecordedAt.getTime() > Date.now()) {
      throw new UnprocessableProblem('asRecordedAt is in the future: leave it out to get the report as of now', {
        errors: [{ field: 'asRecordedAt', message: 'must not be in the future' }],
      });
    }
    const options = {
      unitCode,
      units: tree.units,
      from,
      to,
      timeZone: data.units.get(unitCode)?.timeZone ?? DEFAULT_TIME_ZONE,
      groupBy: r.groupBy,
      parentOf: tree.parentOf,
      unitName: (c: string) => data.units.get(c)?.name ?? c,
      procedureName: (c: string) => data.procedures.get(c)?.name,
      ...(r.campaignId !== undefined && { campaignId: r.campaignId }),
      perspective: r.perspective ?? 'competent',
    };
    try {
      let table: IndicatorTable | undefined;
      const withInd = r.indicators !== false;
      // the report and the indicators: one read of the daily roll-up, or two scans side by side
      const report = !r.asRecordedAt
        ? withInd
          ? await queryReportAndIndicators(this.sql, options).then(({ report: counts, table: t }) => withIndicators(counts, (table = t)))
          : await queryReport(this.sql, options)
        : await replayReport(this.store, {
            ...options,
            // every dossier of these units the read model knows; those recorded later drop out in the replay
            dossierIds: await dossierIdsOfUnits(this.sql, [...tree.units]),
            asRecordedAt: r.asRecordedAt,
            // the cut-off every process projects with (the unit's office hours, the calendars in force)
            apologyCutoff: data.apologyCutoff,
            indicators: withInd,
            workingTime: data.workingTimeMeasure,
            onIndicatorTable: (t) => (table = t),
          });
      // subtotals by level when the unit rows span levels (province bodies, districts before July 2025, communes)
      const subtotals = r.groupBy === 'unit' ? levelSubtotals(report, (c) => data.units.get(c)?.level as UnitLevel | undefined, table) : [];
      return {
        ...report,
        ...(r.campaignId !== undefined && { campaignId: r.campaignId }),
        ...(subtotals.length > 0 && { levelSubtotals: subtotals }),
      };
    } catch (err) {
      if (err instanceof InvalidReportPeriod) {
        const errors = [{ field: err.field, message: err.message }];
        throw err.kind === 'rule' ? new UnprocessableProblem(err.message, { errors }) : new BadRequestProblem(err.message, { errors });
      }
      throw err;
    }
  }
}

@QueryHandler(GetWorkListQuery)
export class GetWorkListHandler extends ReadModelHandler implements IQueryHandler<GetWorkListQuery, WorkListPage> {
  execute({ request: r, who }: GetWorkListQuery): Promise<WorkListPage> {
    const { unitCode, ...filter } = r;
    const units = unitScope(this.reference.data, who, unitCode);
    return readPage(() => queryWorkList(this.sql, { ...filter, units, now: new Date() }));
  }
}

export const STATISTICS_QUERY_HANDLERS = [GetReportHandler, GetWorkListHandler];
