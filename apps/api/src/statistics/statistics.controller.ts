import { Controller, Get, Headers, Inject, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { assertUnitAccess, coveredUnits, defaultApologyCutoff, InvalidReportPeriod, periodTree, ReferenceService, replayReport, reportCsvFilename, reportToCsv } from '@motcua/application';
import { apologyCutoff } from '@motcua/domain';
import { EventStore } from '@motcua/event-store/port';
import { DEFAULT_TIME_ZONE, DossierStatus } from '@motcua/domain';
import { BadRequestProblem, CurrentUser, EVENT_STORE, NotFoundProblem, Principal, Roles, SQL_DRIVER, UnprocessableProblem } from '@motcua/platform';
import { InvalidCursor, queryReport, queryWorkList } from '@motcua/projections';
import { SqlDriver } from '@motcua/sql';
import { StatisticsQueryDto, WorkListQueryDto } from './dto';

const READERS = ['supervisor', 'auditor', 'admin', 'officer', 'clerk'] as const;

/** Resolves the units a query covers: `unitCode`'s subtree (which the caller must hold), or all the caller's units. */
function scope(reference: ReferenceService, user: Principal, unitCode: string | undefined): string[] {
  const data = reference.data;
  if (unitCode !== undefined) {
    if (!data.units.has(unitCode)) throw new NotFoundProblem(`unknown unit ${unitCode}`, { extra: { unitCode } });
    assertUnitAccess(data, user, unitCode);
    return data.subtree(unitCode);
  }
  return coveredUnits(data, user);
}

@ApiTags('statistics')
@ApiBearerAuth()
@Controller('statistics')
export class StatisticsController {
  constructor(
    private readonly reference: ReferenceService,
    @Inject(SQL_DRIVER) private readonly sql: SqlDriver,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Get()
  @Roles(...READERS)
  @ApiOperation({
    summary: 'The official report (Biểu 06/VPCP/KSTT) for a unit and its descendants (as the tree was in the period) over a period',
    description:
      'JSON by default. With `format=csv` or `Accept: text/csv`: the same report as CSV (UTF-8 with BOM, comma-separated, CRLF, RFC 4180 quoting) ' +
      'with Vietnamese headers in the order of Biểu 06 (the key columns for `groupBy`, then Tổng số nhận, Trực tuyến, Trực tiếp và bưu chính, Từ kỳ trước, ' +
      'Đã giải quyết - Tổng số / Trước hạn / Đúng hạn / Quá hạn, Đang giải quyết - Tổng số / Trong hạn / Quá hạn, Đã rút, and the rates in percent with two decimals and a dot, empty over zero), ' +
      'one line per `rows` entry and a last line "Tổng cộng"; sent as an attachment `bieu-06-<unit>-<from>-<to>.csv`.',
  })
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({
    description: 'The report',
    content: {
      'application/json': { schema: { type: 'object' } },
      'text/csv': { schema: { type: 'string' }, example: '\uFEFFMã đơn vị,Đơn vị,Tổng số nhận,Trực tuyến,…\r\n' },
    },
  })
  async report(
    @Query() q: StatisticsQueryDto,
    @CurrentUser() user: Principal,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) res: FastifyReply,
  ) {
    let unitCode = q.unitCode;
    if (unitCode === undefined) {
      if (user.units.length !== 1) throw new BadRequestProblem('unitCode is required when your token grants several units (or none)', { errors: [{ field: 'unitCode', message: 'unitCode is required' }] });
      unitCode = user.units[0];
    }
    if (q.from > q.to) throw new UnprocessableProblem(`the period ends (${q.to}) before it starts (${q.from})`, { errors: [{ field: 'to', message: 'to must not be before from' }] });
    scope(this.reference, user, unitCode); // 404 / 403
    const data = this.reference.data;
    // the unit's subtree as it was during the period (validity and effective-dated parents)
    const tree = periodTree(data.units.values(), unitCode, q.from, q.to);
    const groupBy = q.groupBy ?? 'unit';
    const csv = q.format === 'csv' || (q.format === undefined && /\btext\/csv\b/i.test(accept ?? ''));
    const asRecordedAt = q.asRecordedAt !== undefined ? new Date(q.asRecordedAt) : undefined;
    if (asRecordedAt && asRecordedAt.getTime() > Date.now()) {
      throw new UnprocessableProblem('asRecordedAt is in the future: leave it out to get the report as of now', { errors: [{ field: 'asRecordedAt', message: 'must not be in the future' }] });
    }
    try {
      const options = {
        unitCode,
        units: tree.units,
        from: q.from,
        to: q.to,
        timeZone: data.units.get(unitCode)?.timeZone ?? DEFAULT_TIME_ZONE,
        groupBy,
        parentOf: tree.parentOf,
        unitName: (c: string) => data.units.get(c)?.name ?? c,
        procedureName: (c: string) => data.procedures.get(c)?.name,
      };
      const report = asRecordedAt
        ? await replayReport(this.store, {
            ...options,
            // every dossier of these units the read model knows; those recorded later drop out in the replay
            dossierIds: (await this.sql.query<{ id: string }>(`SELECT id::text AS id FROM dossier_summary WHERE unit_code = ANY($1::text[])`, [[...tree.units]])).rows.map((r) => r.id),
            asRecordedAt,
            apologyCutoff: (f, dueAt) => (data.units.has(f.unitCode) ? apologyCutoff(data.workingTime(f.unitCode), dueAt) : defaultApologyCutoff(f, dueAt)),
          })
        : await queryReport(this.sql, {
        unitCode,
        units: tree.units,
        from: q.from,
        to: q.to,
        timeZone: data.units.get(unitCode)?.timeZone ?? DEFAULT_TIME_ZONE,
        groupBy,
        parentOf: tree.parentOf,
        unitName: (c) => data.units.get(c)?.name ?? c,
        procedureName: (c) => data.procedures.get(c)?.name,
      });
      if (!csv) return report;
      res.header('content-type', 'text/csv; charset=utf-8');
      res.header('content-disposition', `attachment; filename="${reportCsvFilename(report)}"`);
      return reportToCsv(report, groupBy);
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
