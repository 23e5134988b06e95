/**
 * The printable forms (receipt, apology, control sheet, tracking book; the slips and notices are in
 * `notices.ts`), filled from plain models. Each model may name its template (number, title, circular:
 * libs/domain/src/rules); without one it is printed as the Thông tư 01/2018/TT-VPCP form.
 * Times are given as instants and printed in the unit's time zone (`timeZone`).
 * Forms 01 and 04 are A5 portrait; 05 is A4 portrait; 06 (the book) is A4 landscape.
 */
import { FORM_TEMPLATES, FormKind, FormTemplate } from '@motcua/domain';
import { Instant, viDate, viDateTime, viPlaceDate } from './format';
import { AgencyHeader, PdfWriter } from './pdf-writer';
import { drawQrCode } from './qr';

export type { AgencyHeader } from './pdf-writer';

export type Channel = 'direct' | 'online' | 'postal';
/** Result of a step or of the dossier against the due time in force (trước hạn / đúng hạn / quá hạn). */
export type StepTiming = 'early' | 'on-time' | 'late';

export const CHANNEL_LABELS: Record<Channel, string> = {
  direct: 'Trực tiếp tại Bộ phận Một cửa',
  online: 'Trực tuyến',
  postal: 'Qua dịch vụ bưu chính công ích',
};

export const TIMING_LABELS: Record<StepTiming, string> = {
  early: 'Trước hạn',
  'on-time': 'Đúng hạn',
  late: 'Quá hạn',
};

export interface FormBase {
  /**
   * Number, title and circular of the form in the dossier's form set (libs/domain/src/rules);
   * absent: Thông tư 01/2018.
   */
  template?: FormTemplate;
  /** IANA zone of the unit, e.g. Asia/Ho_Chi_Minh. */
  timeZone: string;
  /** Place name of the place-and-date line, e.g. "TP. Hồ Chí Minh". */
  place: string;
  agency: AgencyHeader;
}

export interface ApplicantInfo {
  name: string;
  idNumber?: string;
  address?: string;
  phone?: string;
  email?: string;
}

/** Mẫu 01: Giấy tiếp nhận hồ sơ và hẹn trả kết quả. */
export interface ReceiptForm extends FormBase {
  code: string;
  applicant: ApplicantInfo;
  procedureName: string;
  /** e.g. "03 ngày làm việc" */
  processingTime?: string;
  channel: Channel;
  receivedAt: Instant;
  /** The return time appointed at reception (hẹn trả kết quả). */
  dueAt: Instant;
  /** The clerk who received the dossier. */
  receivedBy: string;
  /** After a supplement: when the complete dossier arrived and the recomputed return time. */
  supplement?: { receivedAt: Instant; dueAt: Instant };
  /** The citizen's look-up: the PIN and the public address (printed, and as a QR code). Absent on old dossiers. */
  lookup?: { pin: string; url: string };
}

/** Mẫu 04: Phiếu xin lỗi và hẹn lại ngày trả kết quả. */
export interface ApologyForm extends FormBase {
  code: string;
  applicantName: string;
  procedureName: string;
  receivedAt: Instant;
  /** The return time the dossier misses (the one in force when the apology was issued). */
  previousDueAt: Instant;
  reason: string;
  newDueAt: Instant;
  letterNumber?: string;
  issuedAt: Instant;
  /** The agency head who signs (the supervisor who issued the apology). */
  signedBy: string;
}

/** One hand-off of the dossier (one row of Mẫu 05). */
export interface ControlSheetRow {
  /** What happens, e.g. "Tiếp nhận, chuyển hồ sơ". */
  step: string;
  /** Agency (or person) that hands over and the one that takes. */
  fromAgency: string;
  toAgency: string;
  handedOverAt?: Instant;
  takenAt?: Instant;
  giver?: string;
  taker?: string;
  /** Null when the step is not counted against the due time (e.g. the citizen's own supplement). */
  timing?: StepTiming | null;
  note?: string;
}

/** Mẫu 05: Phiếu kiểm soát quá trình giải quyết hồ sơ. */
export interface ControlSheetForm extends FormBase {
  code: string;
  applicantName: string;
  procedureName: string;
  receivedAt: Instant;
  dueAt: Instant;
  /** The agency that resolves (cơ quan giải quyết). */
  resolvingAgency?: string;
  rows: ControlSheetRow[];
  printedAt: Instant;
}

/** One dossier in the tracking book (its number is its position, from 1 each year). */
export interface TrackingBookRow {
  code: string;
  procedureName: string;
  applicantName: string;
  addressPhone?: string;
  receivedAt: Instant;
  dueAt: Instant;
  transferredTo?: string;
  transferredAt?: Instant;
  /** e.g. "Đã giải quyết - Trước hạn", "Đang giải quyết". */
  result?: string;
  /** The real return of the result (ResultReturned), not the resolution. */
  returnedAt?: Instant;
  /** Who took the result, e.g. "Trần Văn B (người được ủy quyền)". */
  returnedTo?: string;
  notes?: string;
}

/** Mẫu 06: Sổ theo dõi hồ sơ, one unit and one year. */
export interface TrackingBookForm extends FormBase {
  unitName: string;
  year: number;
  rows: TrackingBookRow[];
  printedAt: Instant;
}

export const blank = (v: string | undefined) => (v && v.trim().length ? v : '');

/** The form's template, Thông tư 01/2018 when the model names none. */
export function templateOf(f: FormBase, kind: FormKind): FormTemplate {
  return f.template ?? FORM_TEMPLATES['TT01/2018'][kind];
}

/** The form-number line: "Mẫu số 01 (Thông tư số 03/2025/TT-VPCP)"; none when the circular has no such form. */
export function formNumberLine(t: FormTemplate): string | undefined {
  return t.number ? `Mẫu số ${t.number} (${t.circular})` : undefined;
}

export function renderReceipt(f: ReceiptForm): Promise<Buffer> {
  const t = templateOf(f, 'receipt');
  const w = new PdfWriter({ format: 'A5', title: `${t.title} ${f.code}` });
  w.header(f.agency, formNumberLine(t));
  w.placeDate(viPlaceDate(f.place, f.receivedAt, f.timeZone));
  w.title(t.title, `Mã hồ sơ: ${f.code}`);
  w.paragraph(`${f.agency.name} tiếp nhận hồ sơ của:`);
  w.field('Ông/Bà:', f.applicant.name);
  if (f.applicant.idNumber) w.field('Số định danh cá nhân / CCCD:', f.applicant.idNumber);
  if (f.applicant.address) w.field('Địa chỉ:', f.applicant.address);
  if (f.applicant.phone) w.field('Số điện thoại:', f.applicant.phone);
  if (f.applicant.email) w.field('Email:', f.applicant.email);
  w.field('Nội dung yêu cầu giải quyết:', f.procedureName);
  w.field('Hình thức nộp hồ sơ:', CHANNEL_LABELS[f.channel]);
  if (f.processingTime) w.field('Thời gian giải quyết hồ sơ theo quy định:', f.processingTime);
  w.field('Thời gian nhận hồ sơ:', viDateTime(f.receivedAt, f.timeZone));
  w.field('Thời gian hẹn trả kết quả:', viDateTime(f.dueAt, f.timeZone));
  if (f.supplement) {
    w.field('Nhận đủ hồ sơ bổ sung:', viDateTime(f.supplement.receivedAt, f.timeZone));
    w.field('Thời gian hẹn trả kết quả (tính lại):', viDateTime(f.supplement.dueAt, f.timeZone));
  }
  w.field('Nhận kết quả tại:', 'Bộ phận Tiếp nhận và Trả kết quả', { boldValue: false });
  if (f.lookup) lookupBlock(w, f.lookup);
  w.signatures([
    { title: 'Người nộp hồ sơ', note: '(Ký và ghi rõ họ tên)', name: f.applicant.name },
    { title: 'Người tiếp nhận hồ sơ', note: '(Ký và ghi rõ họ tên)', name: f.receivedBy },
  ]);
  return w.finish();
}

/** The look-up block of the receipt: a QR code of the public status address, and the code and PIN to type. */
function lookupBlock(w: PdfWriter, lookup: { pin: string; url: string }): void {
  const d = w.doc;
  const size = 72;
  w.ensureSpace(size + w.fontSize);
  d.moveDown(0.3);
  const top = d.y;
  drawQrCode(d, lookup.url, w.left, top, size);
  const x = w.left + size + 8;
  const width = w.contentWidth - size - 8;
  w.style('bold');
  d.text(`Mã tra cứu (PIN): ${lookup.pin}`, x, top + 8, { width });
  w.style('regular', w.fontSize - 1);
  d.text('Quét mã QR hoặc mở địa chỉ dưới đây để tra cứu tình trạng hồ sơ (cần mã hồ sơ và mã tra cứu):', x, d.y + 2, { width });
  d.text(lookup.url.replace(/\?.*$/, ''), x, d.y + 2, { width });
  w.style('regular');
  d.x = w.left;
  d.y = Math.max(d.y, top + size) + 4;
}

export function renderApology(f: ApologyForm): Promise<Buffer> {
  const t = templateOf(f, 'apology');
  const w = new PdfWriter({ format: 'A5', title: `${t.title} ${f.code}` });
  w.header(f.agency, formNumberLine(t), `Số: ${blank(f.letterNumber) || '……/PXL'}`);
  w.placeDate(viPlaceDate(f.place, f.issuedAt, f.timeZone));
  w.title(t.title);
  w.field('Kính gửi:', f.applicantName);
  w.field('Mã hồ sơ:', f.code);
  w.paragraph(`Ngày ${viDate(f.receivedAt, f.timeZone)}, ${f.agency.name} tiếp nhận giải quyết hồ sơ đề nghị: ${f.procedureName}.`);
  w.field('Thời gian hẹn trả kết quả giải quyết hồ sơ:', viDateTime(f.previousDueAt, f.timeZone));
  w.paragraph(`Tuy nhiên đến nay, ${f.agency.name} chưa trả kết quả giải quyết hồ sơ cho Ông/Bà đúng hạn ghi trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả.`);
  w.field('Lý do:', f.reason);
  w.paragraph(`Sự chậm trễ này đã gây phiền hà, tốn kém chi phí, công sức của Ông/Bà. ${f.agency.name} xin lỗi Ông/Bà và hẹn lại thời gian trả kết quả:`);
  w.field('Thời gian hẹn trả kết quả mới:', viDateTime(f.newDueAt, f.timeZone));
  w.paragraph('Rất mong nhận được sự thông cảm của Ông/Bà.', { style: 'italic' });
  w.signatures([{ title: 'Thủ trưởng cơ quan', note: '(Ký, ghi rõ họ tên, đóng dấu)', name: f.signedBy }], { alignRight: true });
  return w.finish();
}

export function renderControlSheet(f: ControlSheetForm): Promise<Buffer> {
  const t = templateOf(f, 'control-sheet');
  const w = new PdfWriter({ format: 'A4', title: `${t.title} ${f.code}` });
  w.header(f.agency, formNumberLine(t));
  w.placeDate(viPlaceDate(f.place, f.printedAt, f.timeZone));
  w.title(t.title, `Mã hồ sơ: ${f.code}`);
  w.paragraph(`(Kèm theo Giấy tiếp nhận hồ sơ và hẹn trả kết quả mã hồ sơ: ${f.code})`, { style: 'italic', align: 'center' });
  w.field('Người nộp hồ sơ:', f.applicantName);
  w.field('Thủ tục:', f.procedureName);
  w.field('Thời gian nhận hồ sơ:', viDateTime(f.receivedAt, f.timeZone));
  w.field('Thời gian hẹn trả kết quả:', viDateTime(f.dueAt, f.timeZone));
  w.field('Cơ quan (bộ phận) giải quyết hồ sơ:', f.resolvingAgency);
  w.space(0.3);
  const tz = f.timeZone;
  const rows = f.rows.map((r, i) => [
    String(i + 1),
    [r.step, `Giao: ${r.fromAgency}`, `Nhận: ${r.toAgency}`].join('\n'),
    [
      r.handedOverAt ? `Giao: ${viDateTime(r.handedOverAt, tz)}` : 'Giao: …',
      r.takenAt ? `Nhận: ${viDateTime(r.takenAt, tz)}` : 'Nhận: …',
      `Người giao: ${blank(r.giver) || '…'}`,
      `Người nhận: ${blank(r.taker) || '…'}`,
    ].join('\n'),
    r.timing ? TIMING_LABELS[r.timing] : '—',
    blank(r.note),
  ]);
  w.table(
    [
      { header: 'STT', width: 26, align: 'center' },
      { header: 'TÊN CƠ QUAN', width: 140 },
      { header: 'THỜI GIAN GIAO, NHẬN HỒ SƠ', width: 185 },
      { header: 'KẾT QUẢ GIẢI QUYẾT HỒ SƠ (Trước hạn / Đúng hạn / Quá hạn)', width: 72, align: 'center' },
      { header: 'GHI CHÚ', width: w.contentWidth - 26 - 140 - 185 - 72 },
    ],
    rows,
    { fontSize: 8.5, headerFontSize: 8 },
  );
  w.paragraph(
    'Kết quả của mỗi bước so với thời hạn giải quyết đang áp dụng: Trước hạn = xong trước ngày hết hạn; Đúng hạn = xong trong ngày hết hạn, không muộn hơn giờ hết hạn; Quá hạn = sau thời hạn. Bước do công dân thực hiện (bổ sung hồ sơ) không tính (—).',
    { style: 'italic' },
  );
  return w.finish();
}

export function renderTrackingBook(f: TrackingBookForm): Promise<Buffer> {
  const t = templateOf(f, 'tracking-book');
  const w = new PdfWriter({ format: 'A4-landscape', title: `${t.title} ${f.unitName} năm ${f.year}` });
  w.header(f.agency, formNumberLine(t));
  w.placeDate(viPlaceDate(f.place, f.printedAt, f.timeZone));
  w.title(t.title, `${f.unitName} - Năm ${f.year}`);
  const tz = f.timeZone;
  const moment = (at: Instant | undefined) => (at ? viDateTime(at, tz).replace(', ', ',\n') : '');
  // STT, code, procedure, applicant, address/phone, received, promised, transferred, result, returned; notes take the rest
  const widths = [22, 118, 82, 92, 72, 72, 72, 80, 62, 72];
  const rest = w.contentWidth - widths.reduce((a, b) => a + b, 0);
  const headers = [
    'STT',
    'Mã hồ sơ',
    'Tên thủ tục hành chính',
    'Tên tổ chức, cá nhân',
    'Địa chỉ, số điện thoại',
    'Nhận hồ sơ',
    'Hẹn trả kết quả',
    'Chuyển hồ sơ đến cơ quan giải quyết',
    'Kết quả giải quyết',
    'Trả kết quả',
    'Ghi chú',
  ];
  const rows = f.rows.map((r, i) => [
    String(i + 1),
    r.code,
    r.procedureName,
    r.applicantName,
    blank(r.addressPhone),
    moment(r.receivedAt),
    moment(r.dueAt),
    [blank(r.transferredTo), r.transferredAt ? `ngày ${viDate(r.transferredAt, tz)}` : ''].filter(Boolean).join('\n'),
    blank(r.result),
    [moment(r.returnedAt), r.returnedTo ? `Người nhận: ${r.returnedTo}` : ''].filter(Boolean).join('\n'),
    blank(r.notes),
  ]);
  w.table(
    headers.map((header, i) => ({ header, width: i < widths.length ? widths[i] : rest, align: i === 0 ? 'center' : 'left' })),
    rows,
    { fontSize: 7.5, headerFontSize: 7.5, padding: 2.5 },
  );
  if (f.rows.length === 0) w.paragraph(`Không có hồ sơ nào được tiếp nhận trong năm ${f.year}.`, { style: 'italic' });
  return w.finish();
}
