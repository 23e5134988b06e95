/**
 * Printable forms: @nestjs/cqrs query handlers load what a form needs (the dossier's recorded
 * steps through DossierService, which scopes them; the register's dossiers from the read model),
 * map it (`form-data.ts`) and render the PDF. The controller only translates HTTP.
 */
import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { CommandContext, DossierService, ReferenceService } from '@motcua/application';
import { instantAt } from '@motcua/domain';
import { renderApology, renderControlSheet, renderReceipt, renderRefusal, renderStopNotice, renderSupplementRequest, renderTrackingBook } from '@motcua/pdf';
import { ConflictProblem, NotFoundProblem, SQL_DRIVER } from '@motcua/platform';
import { dossierIdsReceivedBetween } from '@motcua/projections';
import { SqlDriver } from '@motcua/sql';
import { requireUnitAccess } from '../common/unit-scope';
import {
  apologyForm,
  controlSheetForm,
  receiptForm,
  RecordedStep,
  refusalForm,
  stopNoticeForm,
  supplementRequestForm,
  trackingBookForm,
  unitInfo,
} from './form-data';

/** A rendered form and the file name it is sent under. */
export interface PrintedForm {
  bytes: Buffer;
  filename: string;
}

export type DossierFormKind = 'receipt' | 'apology' | 'control-sheet' | 'supplement-request' | 'refusal' | 'stop-notice';

/** 409: the form does not apply to the dossier in its present state (nothing is written). */
function notApplicable(code: string, detail: string): ConflictProblem {
  return new ConflictProblem(`form not applicable: dossier ${code} ${detail}`, { extra: { code } });
}

export class PrintDossierFormQuery {
  constructor(
    readonly dossierId: string,
    readonly form: DossierFormKind,
    readonly ctx: CommandContext,
    /** The service's public address, for the receipt's look-up QR code. */
    readonly publicBaseUrl?: string,
  ) {}
}

/** Form 06 of a unit for a (supported) calendar year. */
export class PrintTrackingBookQuery {
  constructor(
    readonly unitCode: string,
    readonly year: number,
    readonly ctx: CommandContext,
  ) {}
}

@QueryHandler(PrintDossierFormQuery)
export class PrintDossierFormHandler implements IQueryHandler<PrintDossierFormQuery, PrintedForm> {
  constructor(
    private readonly dossiers: DossierService,
    private readonly reference: ReferenceService,
  ) {}

  async execute(q: PrintDossierFormQuery): Promise<PrintedForm> {
    // 404 when unknown or outside the caller's units (DossierService scopes it)
    const { code, events: steps } = await this.dossiers.history(q.dossierId, q.ctx);
    const data = this.reference.data;
    const switches = this.dossiers.ruleSetSwitches;
    // a dossier refused at the counter was never received: only its refusal slip applies
    if (q.form !== 'refusal' && !steps.some((s) => s.type === 'DossierReceived')) {
      throw notApplicable(code, 'was refused at reception: only its refusal slip (refusal.pdf) applies');
    }
    switch (q.form) {
      case 'receipt':
        return { bytes: await renderReceipt(receiptForm(data, steps, switches, q.publicBaseUrl)), filename: `${code}-giay-tiep-nhan.pdf` };
      case 'apology': {
        const form = apologyForm(data, steps, switches);
        if (!form) throw new NotFoundProblem(`no apology letter: dossier ${code} has no apology (phiếu xin lỗi)`, { extra: { code } });
        return { bytes: await renderApology(form), filename: `${code}-phieu-xin-loi.pdf` };
      }
      case 'control-sheet':
        return { bytes: await renderControlSheet(controlSheetForm(data, steps, new Date(), switches)), filename: `${code}-phieu-kiem-soat.pdf` };
      case 'supplement-request': {
        const form = supplementRequestForm(data, steps, switches);
        if (!form) throw notApplicable(code, 'has no supplement request (phiếu yêu cầu bổ sung, hoàn thiện hồ sơ)');
        return { bytes: await renderSupplementRequest(form), filename: `${code}-phieu-yeu-cau-bo-sung.pdf` };
      }
      case 'refusal': {
        const form = refusalForm(data, steps, switches);
        if (!form) throw notApplicable(code, 'was not refused, at reception or in its resolution (phiếu từ chối)');
        return { bytes: await renderRefusal(form), filename: `${code}-phieu-tu-choi.pdf` };
      }
      case 'stop-notice': {
        const form = stopNoticeForm(data, steps, switches);
        if (!form) throw notApplicable(code, 'is not withdrawn: a notice of stopping is issued only when processing stops at the citizen’s request');
        return { bytes: await renderStopNotice(form), filename: `${code}-thong-bao-dung-giai-quyet.pdf` };
      }
    }
  }
}

@QueryHandler(PrintTrackingBookQuery)
export class PrintTrackingBookHandler implements IQueryHandler<PrintTrackingBookQuery, PrintedForm> {
  constructor(
    private readonly dossiers: DossierService,
    private readonly reference: ReferenceService,
    @Inject(SQL_DRIVER) private readonly sql: SqlDriver,
  ) {}

  async execute({ unitCode, year, ctx }: PrintTrackingBookQuery): Promise<PrintedForm> {
    const data = this.reference.data;
    requireUnitAccess(data, ctx.actor, unitCode);
    const { timeZone } = unitInfo(data, unitCode);
    const from = instantAt(`${String(year).padStart(4, '0')}-01-01`, '00:00', timeZone);
    const to = instantAt(`${String(year + 1).padStart(4, '0')}-01-01`, '00:00', timeZone);
    // the read model lists the unit's dossiers of the year; each dossier's events give the details
    const dossiers: RecordedStep[][] = [];
    for (const id of await dossierIdsReceivedBetween(this.sql, unitCode, from, to)) dossiers.push((await this.dossiers.history(id, ctx)).events);
    const bytes = await renderTrackingBook(trackingBookForm(data, unitCode, year, dossiers, new Date(), this.dossiers.ruleSetSwitches));
    return { bytes, filename: `so-theo-doi-ho-so-${unitCode}-${year}.pdf` };
  }
}

export const FORM_QUERY_HANDLERS = [PrintDossierFormHandler, PrintTrackingBookHandler];
