import { Controller, Get, Inject, Param, ParseUUIDPipe, Query, Req, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import { FastifyRequest } from 'fastify';
import { assertUnitAccess, DossierService, ReferenceService } from '@motcua/application';
import { CALENDAR_FIRST_YEAR, CALENDAR_LAST_YEAR, instantAt, isCalendarYear } from '@motcua/domain';
import { renderApology, renderControlSheet, renderReceipt, renderTrackingBook } from '@motcua/pdf';
import { BadRequestProblem, CurrentUser, NotFoundProblem, Principal, Roles, SQL_DRIVER, UnprocessableProblem } from '@motcua/platform';
import { SqlDriver } from '@motcua/sql';
import { commandContext } from '../common/command-context';
import { apologyForm, controlSheetForm, receiptForm, RecordedStep, trackingBookForm, unitInfo } from './form-data';

const uuid = new ParseUUIDPipe({ version: undefined });
const DOSSIER_READERS = ['clerk', 'officer', 'supervisor', 'auditor', 'admin'] as const;
const BOOK_READERS = ['supervisor', 'auditor', 'admin'] as const;

const PDF_RESPONSE = {
  description: 'The form as PDF (Vietnamese, DejaVu Sans embedded); shown inline',
  content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } },
};

/** An ASCII file name: anything but letters, digits, dot, dash and underscore becomes a dash. */
function asciiName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '-');
}

function pdf(bytes: Buffer, filename: string): StreamableFile {
  return new StreamableFile(bytes, { type: 'application/pdf', disposition: `inline; filename="${asciiName(filename)}"`, length: bytes.length });
}

/**
 * Printable forms of Thông tư 01/2018/TT-VPCP (api-v1 "Printable forms"). Unit scoping of the
 * dossier forms is enforced by DossierService (404 when unknown or outside the caller's units).
 */
@ApiTags('forms')
@ApiBearerAuth()
@Controller()
export class FormsController {
  constructor(
    private readonly dossiers: DossierService,
    private readonly reference: ReferenceService,
    @Inject(SQL_DRIVER) private readonly sql: SqlDriver,
  ) {}

  private async steps(id: string, req: FastifyRequest, user: Principal): Promise<{ code: string; steps: RecordedStep[] }> {
    const h = await this.dossiers.history(id, commandContext(req, user));
    return { code: h.code, steps: h.events };
  }

  @Get('dossiers/:id/forms/receipt.pdf')
  @Roles(...DOSSIER_READERS)
  @ApiOperation({ summary: 'Form 01: Giấy tiếp nhận hồ sơ và hẹn trả kết quả (A5)' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiProduces('application/pdf')
  @ApiOkResponse(PDF_RESPONSE)
  async receipt(@Param('id', uuid) id: string, @Req() req: FastifyRequest, @CurrentUser() user: Principal) {
    const { code, steps } = await this.steps(id, req, user);
    return pdf(await renderReceipt(receiptForm(this.reference.data, steps)), `${code}-giay-tiep-nhan.pdf`);
  }

  @Get('dossiers/:id/forms/apology.pdf')
  @Roles(...DOSSIER_READERS)
  @ApiOperation({ summary: 'Form 04: Phiếu xin lỗi và hẹn lại ngày trả kết quả (A5); 404 when the dossier has no apology' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiProduces('application/pdf')
  @ApiOkResponse(PDF_RESPONSE)
  async apology(@Param('id', uuid) id: string, @Req() req: FastifyRequest, @CurrentUser() user: Principal) {
    const { code, steps } = await this.steps(id, req, user);
    const form = apologyForm(this.reference.data, steps);
    if (!form) throw new NotFoundProblem(`no apology letter: dossier ${code} has no apology (phiếu xin lỗi)`, { extra: { code } });
    return pdf(await renderApology(form), `${code}-phieu-xin-loi.pdf`);
  }

  @Get('dossiers/:id/forms/control-sheet.pdf')
  @Roles(...DOSSIER_READERS)
  @ApiOperation({ summary: 'Form 05: Phiếu kiểm soát quá trình giải quyết hồ sơ (A4): one row per hand-off, early / on time / late' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiProduces('application/pdf')
  @ApiOkResponse(PDF_RESPONSE)
  async controlSheet(@Param('id', uuid) id: string, @Req() req: FastifyRequest, @CurrentUser() user: Principal) {
    const { code, steps } = await this.steps(id, req, user);
    return pdf(await renderControlSheet(controlSheetForm(this.reference.data, steps, new Date())), `${code}-phieu-kiem-soat.pdf`);
  }

  @Get('units/:code/tracking-book.pdf')
  @Roles(...BOOK_READERS)
  @ApiOperation({ summary: 'Form 06: Sổ theo dõi hồ sơ of a unit for a year (A4 landscape), numbered from 1 in order of reception' })
  @ApiParam({ name: 'code', description: 'unit code (agency e-ID code)' })
  @ApiQuery({ name: 'year', required: true, description: 'four-digit year, e.g. 2025', example: '2025' })
  @ApiProduces('application/pdf')
  @ApiOkResponse(PDF_RESPONSE)
  async trackingBook(@Param('code') code: string, @Query('year') year: string | undefined, @Req() req: FastifyRequest, @CurrentUser() user: Principal) {
    if (typeof year !== 'string' || !/^\d{4}$/.test(year)) {
      throw new BadRequestProblem('year is required as four digits, e.g. year=2025', { errors: [{ field: 'year', message: 'year must be a four-digit year' }] });
    }
    if (!isCalendarYear(Number(year))) {
      const message = `year must be one the working calendar supports (${CALENDAR_FIRST_YEAR}–${CALENDAR_LAST_YEAR})`;
      throw new UnprocessableProblem(`${message}, got ${year}`, { errors: [{ field: 'year', message }] });
    }
    const data = this.reference.data;
    if (!data.units.has(code)) throw new NotFoundProblem(`unknown unit ${code}`, { extra: { unitCode: code } });
    assertUnitAccess(data, user, code);
    const y = Number(year);
    const { timeZone } = unitInfo(data, code);
    const from = instantAt(`${year}-01-01`, '00:00', timeZone);
    const to = instantAt(`${String(y + 1).padStart(4, '0')}-01-01`, '00:00', timeZone);
    // The read model lists the unit's dossiers of the year; each dossier's events give the details.
    const { rows } = await this.sql.query<{ id: string }>(
      `SELECT id FROM dossier_summary WHERE unit_code = $1 AND received_at >= $2::timestamptz AND received_at < $3::timestamptz ORDER BY received_at, code, id`,
      [code, from.toISOString(), to.toISOString()],
    );
    const ctx = commandContext(req, user);
    const dossiers: RecordedStep[][] = [];
    for (const r of rows) dossiers.push((await this.dossiers.history(r.id, ctx)).events);
    const bytes = await renderTrackingBook(trackingBookForm(data, code, y, dossiers, new Date()));
    return pdf(bytes, `so-theo-doi-ho-so-${code}-${year}.pdf`);
  }
}
