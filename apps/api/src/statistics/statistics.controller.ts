import { Controller, Get, Headers, Inject, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ReferenceService, Report, reportCsvFilename, reportToCsv } from '@motcua/application';
import { DossierStatus } from '@motcua/domain';
import { CurrentUser, Principal, Roles } from '@motcua/platform';
import { WorkListPage } from '@motcua/projections';
import { pageSize } from '../common/list-query.dto';
import { StatisticsQueryDto, WorkListQueryDto } from './dto';
import { GetReportQuery, GetWorkListQuery } from './queries';
import { reportToXlsx, reportXlsxFilename, XLSX_CONTENT_TYPE } from './report-xlsx';

const READERS = ['supervisor', 'auditor', 'admin', 'officer', 'clerk'] as const;

@ApiTags('statistics')
@ApiBearerAuth()
@Controller('statistics')
export class StatisticsController {
  constructor(
    private readonly queries: QueryBus,
    @Inject(ReferenceService) private readonly reference: ReferenceService,
  ) {}

  @Get()
  @Roles(...READERS)
  @ApiOperation({
    summary: 'The official report (Biểu 06/VPCP/KSTT) for a unit and its descendants (as the tree was in the period) over a period',
    description:
      'JSON by default. With `format=csv` or `Accept: text/csv`: the same report as CSV (UTF-8 with BOM, comma-separated, CRLF, RFC 4180 quoting) ' +
      'with Vietnamese headers in the order of Biểu 06 (the key columns for `groupBy`, then Tổng số nhận, Trực tuyến, Trực tiếp và bưu chính, Từ kỳ trước, ' +
      'Đã giải quyết - Tổng số / Trước hạn / Đúng hạn / Quá hạn, Đang giải quyết - Tổng số / Trong hạn / Quá hạn, Đã rút, and the rates in percent with two decimals and a dot, empty over zero), ' +
      'one line per `rows` entry and a last line "Tổng cộng"; sent as an attachment `bieu-06-<unit>-<from>-<to>.csv`. ' +
      'With `format=xlsx` or `Accept: ' +
      XLSX_CONTENT_TYPE +
      '`: the Biểu 06 layout as an Excel workbook (merged block headers, Vietnamese headers, column numbers, the level subtotals and the total row; ' +
      'a second sheet "Chỉ số QĐ 766" with the indicators), attachment `bieu-06-<unit>-<from>-<to>.xlsx`. ' +
      'The JSON carries `indicators` (QĐ 766) on the total and every row, and `levelSubtotals` when groupBy=unit rows span levels. ' +
      '`period` (2026-11, 2026-Q4, 2026) with `cutoff=nd09` replaces from/to.',
  })
  @ApiProduces('application/json', 'text/csv', XLSX_CONTENT_TYPE)
  @ApiOkResponse({
    description: 'The report',
    content: {
      'application/json': { schema: { type: 'object' } },
      'text/csv': { schema: { type: 'string' }, example: '\uFEFFMã đơn vị,Đơn vị,Tổng số nhận,Trực tuyến,…\r\n' },
      [XLSX_CONTENT_TYPE]: { schema: { type: 'string', format: 'binary' } },
    },
  })
  async report(
    @Query() q: StatisticsQueryDto,
    @CurrentUser() user: Principal,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) res: FastifyReply,
  ) {
    const groupBy = q.groupBy ?? 'unit';
    const csv = q.format === 'csv' || (q.format === undefined && /\btext\/csv\b/i.test(accept ?? ''));
    const xlsx = q.format === 'xlsx' || (q.format === undefined && !csv && (accept ?? '').toLowerCase().includes(XLSX_CONTENT_TYPE));
    const asRecordedAt = q.asRecordedAt !== undefined ? new Date(q.asRecordedAt) : undefined;
    const report: Report = await this.queries.execute(
      new GetReportQuery(
        {
          unitCode: q.unitCode,
          from: q.from,
          to: q.to,
          groupBy,
          asRecordedAt,
          campaignId: q.campaign,
          perspective: q.perspective ?? 'competent',
          period: q.period,
          cutoff: q.cutoff,
          indicators: q.indicators !== 'false' && !csv,
        },
        user,
      ),
    );
    if (xlsx) {
      res.header('content-type', XLSX_CONTENT_TYPE);
      res.header('content-disposition', `attachment; filename="${reportXlsxFilename(report)}"`);
      return reportToXlsx(report, groupBy, this.reference.data.units.get(report.unitCode)?.name ?? report.unitCode);
    }
    if (!csv) return report;
    res.header('content-type', 'text/csv; charset=utf-8');
    res.header('content-disposition', `attachment; filename="${reportCsvFilename(report)}"`);
    return reportToCsv(report, groupBy);
  }
}

@ApiTags('dossiers')
@ApiBearerAuth()
@Controller('dossiers')
export class WorkListController {
  constructor(private readonly queries: QueryBus) {}

  /** `GET /dossiers` (no path parameter) never matches `GET /dossiers/:id`. */
  @Get()
  @Roles(...READERS)
  @ApiOperation({ summary: 'Work lists: the dossiers of the caller’s units by due time, filtered (or found by `code` or `q`), paged with a cursor' })
  list(@Query() q: WorkListQueryDto, @CurrentUser() user: Principal): Promise<WorkListPage> {
    return this.queries.execute(
      new GetWorkListQuery(
        {
          unitCode: q.unitCode,
          statuses: q.status ? (q.status.split(',') as DossierStatus[]) : undefined,
          overdue: q.overdue === undefined ? undefined : q.overdue === 'true',
          dueBefore: q.dueBefore ? new Date(q.dueBefore) : undefined,
          assignee: q.assignee,
          cursor: q.cursor,
          limit: pageSize(q),
          code: q.code,
          q: q.q,
        },
        user,
      ),
    );
  }
}

/** The query controllers of this folder (registered in ApiModule). */
export const QUERY_CONTROLLERS = [StatisticsController, WorkListController];
