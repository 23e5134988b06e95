import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { InvalidReportPeriod, ReferenceService } from '@motcua/application';
import { DEFAULT_TIME_ZONE, DossierStatus } from '@motcua/domain';
import { BadRequestProblem, CurrentUser, ForbiddenProblem, NotFoundProblem, Principal, Roles, SQL_DRIVER, UnprocessableProblem } from '@motcua/platform';
import { InvalidCursor, queryReport, queryWorkList } from '@motcua/projections';
import { SqlDriver } from '@motcua/sql';
import { StatisticsQueryDto, WorkListQueryDto } from './dto';

const READERS = ['supervisor', 'auditor', 'admin', 'officer', 'clerk'] as const;

/** Resolves the units a query covers: `unitCode`'s subtree (which the caller must hold), or all the caller's units. */
function scope(reference: ReferenceService, user: Principal, unitCode: string | undefined): string[] {
  const data = reference.data;
  if (unitCode !== undefined) {
    if (!data.units.has(unitCode)) throw new NotFoundProblem(`unknown unit ${unitCode}`, { extra: { unitCode } });
    if (!data.isWithin(unitCode, user.units)) {
      throw new ForbiddenProblem(`your units (${user.units.join(', ') || 'none'}) do not include unit ${unitCode}`, { extra: { unitCode } });
    }
    return data.subtree(unitCode);
  }
  return [...new Set(user.units.flatMap((u) => (data.units.has(u) ? data.subtree(u) : [u])))];
}

@ApiTags('statistics')
@ApiBearerAuth()
@Controller('statistics')
export class StatisticsController {
  constructor(
    private readonly reference: ReferenceService,
    @Inject(SQL_DRIVER) private readonly sql: SqlDriver,
  ) {}

  @Get()
  @Roles(...READERS)
  @ApiOperation({ summary: 'The official report (Biểu 06/VPCP/KSTT) for a unit and its descendants over a period' })
  async report(@Query() q: StatisticsQueryDto, @CurrentUser() user: Principal) {
    if (q.asRecordedAt !== undefined) throw new BadRequestProblem('asRecordedAt is not supported by this server yet: leave it out to get the report as of now');
    let unitCode = q.unitCode;
    if (unitCode === undefined) {
      if (user.units.length !== 1) throw new BadRequestProblem('unitCode is required when your token grants several units (or none)', { errors: [{ field: 'unitCode', message: 'unitCode is required' }] });
      unitCode = user.units[0];
    }
    if (q.from > q.to) throw new UnprocessableProblem(`the period ends (${q.to}) before it starts (${q.from})`, { errors: [{ field: 'to', message: 'to must not be before from' }] });
    const units = scope(this.reference, user, unitCode);
    const data = this.reference.data;
    try {
      return await queryReport(this.sql, {
        unitCode,
        units,
        from: q.from,
        to: q.to,
        timeZone: data.units.get(unitCode)?.timeZone ?? DEFAULT_TIME_ZONE,
        groupBy: q.groupBy ?? 'unit',
        parentOf: (c) => data.units.get(c)?.parentCode,
        unitName: (c) => data.units.get(c)?.name ?? c,
        procedureName: (c) => data.procedures.get(c)?.name,
      });
    } catch (err) {
      if (err instanceof InvalidReportPeriod) {
        if (err.kind === 'rule') throw new UnprocessableProblem(err.message, { errors: [{ field: err.field, message: err.message }] });
        throw new BadRequestProblem(err.message, { errors: [{ field: err.field, message: err.message }] });
      }
      throw err;
    }
  }
}

@ApiTags('dossiers')
@ApiBearerAuth()
@Controller('dossiers')
export class WorkListController {
  constructor(
    private readonly reference: ReferenceService,
    @Inject(SQL_DRIVER) private readonly sql: SqlDriver,
  ) {}

  /** `GET /dossiers` (no path parameter) never matches `GET /dossiers/:id`. */
  @Get()
  @Roles(...READERS)
  @ApiOperation({ summary: 'Work lists: the dossiers of the caller’s units by due time, filtered, paged with a cursor' })
  async list(@Query() q: WorkListQueryDto, @CurrentUser() user: Principal) {
    const units = scope(this.reference, user, q.unitCode);
    try {
      return await queryWorkList(this.sql, {
        units,
        statuses: q.status ? (q.status.split(',') as DossierStatus[]) : undefined,
        overdue: q.overdue === undefined ? undefined : q.overdue === 'true',
        dueBefore: q.dueBefore ? new Date(q.dueBefore) : undefined,
        assignee: q.assignee,
        cursor: q.cursor,
        limit: q.limit ? Number(q.limit) : 50,
        now: new Date(),
      });
    } catch (err) {
      if (err instanceof InvalidCursor) throw new BadRequestProblem(err.message, { errors: [{ field: 'cursor', message: err.message }] });
      throw err;
    }
  }
}

/** The query controllers of this folder (registered in ApiModule). */
export const QUERY_CONTROLLERS = [StatisticsController, WorkListController];
