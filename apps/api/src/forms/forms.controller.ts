import { Controller, Get, Inject, Param, ParseUUIDPipe, Query, Req, StreamableFile } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiConflictResponse, ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import { FastifyRequest } from 'fastify';
import { CALENDAR_FIRST_YEAR, CALENDAR_LAST_YEAR, isCalendarYear } from '@motcua/domain';
import { APP_CONFIG, AppConfig, BadRequestProblem, CurrentUser, Principal, Roles, UnprocessableProblem } from '@motcua/platform';
import { commandContext } from '../common/command-context';
import { DossierFormKind, PrintDossierFormQuery, PrintedForm, PrintTrackingBookQuery } from './queries';

const uuid = new ParseUUIDPipe({ version: undefined });
const DOSSIER_READERS = ['clerk', 'officer', 'supervisor', 'auditor', 'admin'] as const;
const BOOK_READERS = ['supervisor', 'auditor', 'admin'] as const;

const PDF_RESPONSE = {
  description: 'The form as PDF (Vietnamese, DejaVu Sans embedded); shown inline',
  content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } },
};

const NOT_APPLICABLE = { description: 'problem+json: the form does not apply to the dossier in its present state' };

/** An ASCII file name: anything but letters, digits, dot, dash and underscore becomes a dash. */
function asciiName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '-');
}

function pdf({ bytes, filename }: PrintedForm): StreamableFile {
  return new StreamableFile(bytes, { type: 'application/pdf', disposition: `inline; filename="${asciiName(filename)}"`, length: bytes.length });
}

/**
 * Printable forms (api-v1 "Printable forms", "Forms"): numbered and titled by the dossier's rule set
 * (Thông tư 01/2018/TT-VPCP or Thông tư 03/2025/TT-VPCP, libs/domain/src/rules). Unit scoping of the
 * dossier forms is enforced by DossierService (404 when unknown or outside the caller's units).
 */
@ApiTags('forms')
@ApiBearerAuth()
@Controller()
export class FormsController {
  constructor(
    private readonly queries: QueryBus,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private async dossierForm(id: string, form: DossierFormKind, req: FastifyRequest, user: Principal): Promise<StreamableFile> {
    return pdf(await this.queries.execute(new PrintDossierFormQuery(id, form, commandContext(req, user), this.publicBaseUrl(req))));
  }

  /** PUBLIC_BASE_URL, else the address this request came to (behind a proxy: its X-Forwarded-Proto and Host). */
  private publicBaseUrl(req: FastifyRequest): string | undefined {
    if (this.config.publicBaseUrl) return this.config.publicBaseUrl;
    const host = req.host;
    if (!host || !/^[A-Za-z0-9.:[\]-]+$/.test(host)) return undefined;
    return `${req.protocol === 'https' ? 'https' : 'http'}://${host}`;
  }

  @Get('dossiers/:id/forms/receipt.pdf')
  @Roles(...DOSSIER_READERS)
  @ApiOperation({ summary: 'Form 01 (both circulars): Giấy tiếp nhận hồ sơ và hẹn trả kết quả (A5)' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiProduces('application/pdf')
  @ApiOkResponse(PDF_RESPONSE)
  receipt(@Param('id', uuid) id: string, @Req() req: FastifyRequest, @CurrentUser() user: Principal) {
    return this.dossierForm(id, 'receipt', req, user);
  }

  @Get('dossiers/:id/forms/apology.pdf')
  @Roles(...DOSSIER_READERS)
  @ApiOperation({
    summary:
      'Form 04: Phiếu xin lỗi và hẹn lại ngày trả kết quả (TT 01/2018) / Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết (TT 03/2025) (A5); 404 when the dossier has no apology',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiProduces('application/pdf')
  @ApiOkResponse(PDF_RESPONSE)
  apology(@Param('id', uuid) id: string, @Req() req: FastifyRequest, @CurrentUser() user: Principal) {
    return this.dossierForm(id, 'apology', req, user);
  }

  @Get('dossiers/:id/forms/control-sheet.pdf')
  @Roles(...DOSSIER_READERS)
  @ApiOperation({
    summary: 'Form 05 (TT 01/2018) / 06 (TT 03/2025): Phiếu kiểm soát quá trình giải quyết hồ sơ (A4): one row per hand-off, early / on time / late',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiProduces('application/pdf')
  @ApiOkResponse(PDF_RESPONSE)
  controlSheet(@Param('id', uuid) id: string, @Req() req: FastifyRequest, @CurrentUser() user: Principal) {
    return this.dossierForm(id, 'control-sheet', req, user);
  }

  @Get('dossiers/:id/forms/supplement-request.pdf')
  @Roles(...DOSSIER_READERS)
  @ApiOperation({
    summary:
      'Form 02: Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (A5) of the last supplement request: items, reason, who to contact; 409 when no supplement was requested',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiProduces('application/pdf')
  @ApiOkResponse(PDF_RESPONSE)
  @ApiConflictResponse(NOT_APPLICABLE)
  supplementRequest(@Param('id', uuid) id: string, @Req() req: FastifyRequest, @CurrentUser() user: Principal) {
    return this.dossierForm(id, 'supplement-request', req, user);
  }

  @Get('dossiers/:id/forms/refusal.pdf')
  @Roles(...DOSSIER_READERS)
  @ApiOperation({
    summary: 'Form 03: Phiếu từ chối tiếp nhận giải quyết hồ sơ (A5): legal basis and reason, at reception or of a refused resolution; 409 otherwise',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiProduces('application/pdf')
  @ApiOkResponse(PDF_RESPONSE)
  @ApiConflictResponse(NOT_APPLICABLE)
  refusal(@Param('id', uuid) id: string, @Req() req: FastifyRequest, @CurrentUser() user: Principal) {
    return this.dossierForm(id, 'refusal', req, user);
  }

  @Get('dossiers/:id/forms/stop-notice.pdf')
  @Roles(...DOSSIER_READERS)
  @ApiOperation({ summary: 'Form 05 (Thông tư 03/2025): Thông báo dừng giải quyết hồ sơ (A5) of a withdrawn dossier; 409 otherwise' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiProduces('application/pdf')
  @ApiOkResponse(PDF_RESPONSE)
  @ApiConflictResponse(NOT_APPLICABLE)
  stopNotice(@Param('id', uuid) id: string, @Req() req: FastifyRequest, @CurrentUser() user: Principal) {
    return this.dossierForm(id, 'stop-notice', req, user);
  }

  @Get('units/:code/tracking-book.pdf')
  @Roles(...BOOK_READERS)
  @ApiOperation({
    summary: 'Form 06 (TT 01/2018) / 07 (TT 03/2025): Sổ theo dõi hồ sơ of a unit for a year (A4 landscape), numbered from 1 in order of reception',
  })
  @ApiParam({ name: 'code', description: 'unit code (agency e-ID code)' })
  @ApiQuery({ name: 'year', required: true, description: 'four-digit year, e.g. 2025', example: '2025' })
  @ApiProduces('application/pdf')
  @ApiOkResponse(PDF_RESPONSE)
  async trackingBook(@Param('code') code: string, @Query('year') year: string | undefined, @Req() req: FastifyRequest, @CurrentUser() user: Principal) {
    if (typeof year !== 'string' || !/^\d{4}$/.test(year)) {
      throw new BadRequestProblem('year is required as four digits, e.g. year=2025', {
        errors: [{ field: 'year', message: 'year must be a four-digit year' }],
      });
    }
    if (!isCalendarYear(Number(year))) {
      const message = `year must be one the working calendar supports (${CALENDAR_FIRST_YEAR}–${CALENDAR_LAST_YEAR})`;
      throw new UnprocessableProblem(`${message}, got ${year}`, { errors: [{ field: 'year', message }] });
    }
    return pdf(await this.queries.execute(new PrintTrackingBookQuery(code, Number(year), commandContext(req, user))));
  }
}
