/**
 * The slips and notices added by issue #14, filled from plain models like the other forms:
 * - the supplement request (Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ: Mẫu 02 of both circulars),
 * - the refusal (Phiếu từ chối tiếp nhận giải quyết hồ sơ: Mẫu 03), at reception or of a refused resolution,
 * - the notice of stopping (Thông báo dừng giải quyết hồ sơ: Mẫu 05 of Thông tư 03/2025; Thông tư
 *   01/2018 has no such form, so a 2018 dossier's notice carries no form number).
 * All A5 portrait. Field layouts of Thông tư 03/2025 are unverified: the wording follows the
 * 2018 forms' style.
 */
import { blank, FormBase, formNumberLine, templateOf } from './forms';
import { Instant, viDate, viDateTime, viPlaceDate } from './format';
import { PdfWriter } from './pdf-writer';

/** What the citizen must add or fix (one complete list: "một lần đầy đủ"). */
export interface SupplementItem {
  name: string;
  note?: string;
}

/** Who the citizen asks when completing the dossier. */
export interface FormContact {
  /** The unit (or department) that handles the dossier. */
  unit: string;
  /** The person (the assignee), when known. */
  person?: string;
  phone?: string;
}

/** Mẫu 02: Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ. */
export interface SupplementRequestForm extends FormBase {
  code: string;
  applicantName: string;
  procedureName: string;
  receivedAt: Instant;
  requestedAt: Instant;
  reason: string;
  /** The items to add or fix (absent on requests recorded before items existed: the reason stands alone). */
  items?: SupplementItem[];
  contact: FormContact;
  /** 2 or more: a repeated request (a breach of "một lần đầy đủ"), printed as such. */
  sequence?: number;
  /** Who issues the slip. */
  requestedBy: string;
}

/** Mẫu 03: Phiếu từ chối tiếp nhận giải quyết hồ sơ. */
export interface RefusalForm extends FormBase {
  /** At the counter (the dossier is not received) or after processing (a refused resolution). */
  stage: 'reception' | 'resolution';
  code: string;
  applicantName: string;
  procedureName: string;
  /** The reception, for a refused resolution. */
  receivedAt?: Instant;
  refusedAt: Instant;
  reason: string;
  /** The legal provision the refusal rests on (blank line to fill by hand when not recorded). */
  legalBasis?: string;
  /** The decree of the dossier's rule set, cited as the basis of the procedure. */
  decree?: string;
  signedBy: string;
}

/** Mẫu 05 (Thông tư 03/2025): Thông báo dừng giải quyết hồ sơ (withdrawal at the citizen's request). */
export interface StopNoticeForm extends FormBase {
  code: string;
  applicantName: string;
  procedureName: string;
  receivedAt: Instant;
  stoppedAt: Instant;
  reason: string;
  signedBy: string;
}

export function renderSupplementRequest(f: SupplementRequestForm): Promise<Buffer> {
  const t = templateOf(f, 'supplement-request');
  const tz = f.timeZone;
  const w = new PdfWriter({ format: 'A5', title: `${t.title} ${f.code}` });
  w.header(f.agency, formNumberLine(t));
  w.placeDate(viPlaceDate(f.place, f.requestedAt, tz));
  w.title(t.title, `Mã hồ sơ: ${f.code}`);
  w.field('Kính gửi:', f.applicantName);
  w.paragraph(`Ngày ${viDate(f.receivedAt, tz)}, ${f.agency.name} tiếp nhận hồ sơ của Ông/Bà đề nghị giải quyết thủ tục: ${f.procedureName}.`);
  w.paragraph('Sau khi xem xét, hồ sơ của Ông/Bà cần bổ sung, hoàn thiện các nội dung sau:');
  const items = f.items ?? [];
  if (items.length) {
    w.table(
      [
        { header: 'STT', width: 26, align: 'center' },
        { header: 'Giấy tờ, nội dung cần bổ sung, hoàn thiện', width: (w.contentWidth - 26) * 0.6 },
        { header: 'Ghi chú', width: (w.contentWidth - 26) * 0.4 },
      ],
      items.map((item, i) => [String(i + 1), item.name, blank(item.note)]),
      { fontSize: 9, headerFontSize: 8.5 },
    );
  }
  w.field('Lý do:', f.reason);
  if (f.sequence !== undefined && f.sequence > 1) {
    w.paragraph(`Đây là lần yêu cầu bổ sung thứ ${f.sequence} đối với hồ sơ này.`, { style: 'italic' });
  }
  const who = [f.contact.person, f.contact.unit].filter(Boolean).join(' - ');
  w.paragraph(
    `Trong quá trình bổ sung, hoàn thiện hồ sơ, nếu có vướng mắc, Ông/Bà liên hệ ${who}${f.contact.phone ? `, số điện thoại ${f.contact.phone}` : ''} để được hướng dẫn.`,
  );
  w.signatures([{ title: 'Người hướng dẫn', note: '(Ký và ghi rõ họ tên)', name: f.requestedBy }], { alignRight: true });
  return w.finish();
}

export function renderRefusal(f: RefusalForm): Promise<Buffer> {
  const t = templateOf(f, 'refusal');
  const tz = f.timeZone;
  const w = new PdfWriter({ format: 'A5', title: `${t.title} ${f.code}` });
  w.header(f.agency, formNumberLine(t));
  w.placeDate(viPlaceDate(f.place, f.refusedAt, tz));
  w.title(t.title, `Mã hồ sơ: ${f.code}`);
  w.field('Kính gửi:', f.applicantName);
  if (f.stage === 'reception') {
    w.paragraph(`Ngày ${viDate(f.refusedAt, tz)}, ${f.agency.name} nhận hồ sơ của Ông/Bà đề nghị giải quyết thủ tục: ${f.procedureName}.`);
    w.paragraph(`Sau khi kiểm tra, ${f.agency.name} từ chối tiếp nhận hồ sơ của Ông/Bà với lý do sau:`);
  } else {
    const received = f.receivedAt ? `Ngày ${viDate(f.receivedAt, tz)}, ` : '';
    w.paragraph(`${received}${f.agency.name} tiếp nhận hồ sơ của Ông/Bà đề nghị giải quyết thủ tục: ${f.procedureName}.`);
    w.paragraph(`Sau khi xem xét, hồ sơ của Ông/Bà không đủ điều kiện giải quyết (ngày ${viDate(f.refusedAt, tz)}) với lý do sau:`);
  }
  w.field('Lý do:', f.reason);
  w.field('Căn cứ pháp lý:', blank(f.legalBasis));
  if (f.decree) w.paragraph(`(Thực hiện theo ${f.decree} về cơ chế một cửa, một cửa liên thông trong giải quyết thủ tục hành chính.)`, { style: 'italic' });
  w.paragraph('Xin thông báo để Ông/Bà được biết và thực hiện.');
  w.signatures([{ title: 'Người tiếp nhận hồ sơ', note: '(Ký và ghi rõ họ tên)', name: f.signedBy }], { alignRight: true });
  return w.finish();
}

export function renderStopNotice(f: StopNoticeForm): Promise<Buffer> {
  const t = templateOf(f, 'stop-notice');
  const tz = f.timeZone;
  const w = new PdfWriter({ format: 'A5', title: `${t.title} ${f.code}` });
  w.header(f.agency, formNumberLine(t));
  w.placeDate(viPlaceDate(f.place, f.stoppedAt, tz));
  w.title(t.title, `Mã hồ sơ: ${f.code}`);
  w.field('Kính gửi:', f.applicantName);
  w.paragraph(`Ngày ${viDate(f.receivedAt, tz)}, ${f.agency.name} tiếp nhận hồ sơ của Ông/Bà đề nghị giải quyết thủ tục: ${f.procedureName}.`);
  w.paragraph(`Theo đề nghị của Ông/Bà, ${f.agency.name} dừng giải quyết hồ sơ nêu trên kể từ ${viDateTime(f.stoppedAt, tz)}.`);
  w.field('Lý do:', f.reason);
  w.paragraph('Xin thông báo để Ông/Bà được biết.');
  w.signatures([{ title: 'Thủ trưởng cơ quan', note: '(Ký, ghi rõ họ tên, đóng dấu)', name: f.signedBy }], { alignRight: true });
  return w.finish();
}
