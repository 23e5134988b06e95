import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderApology, renderControlSheet, renderReceipt, renderTrackingBook, TrackingBookRow } from './forms';
import { viDate, viDateTime, viLongDate, viPlaceDate } from './format';

const TZ = 'Asia/Ho_Chi_Minh';
const agency = { superior: 'UBND Quận 1', name: 'UBND Phường Bến Nghé' };
const base = { timeZone: TZ, place: 'TP. Hồ Chí Minh', agency };
const CODE = '000.27.01.H29-250425-0001';
const APPLICANT = 'Nguyễn Thị Hồng Nhung';
const REASON = 'Cần xác minh thông tin đất đai với Văn phòng đăng ký';

/** Text of a PDF as `pdftotext -layout` sees it (poppler-utils). */
function pdfText(pdf: Buffer): string {
  return execFileSync('pdftotext', ['-layout', '-', '-'], { input: pdf }).toString('utf8');
}
/** Whitespace collapsed, so that wrapped lines read as one. */
const flat = (s: string) => s.replace(/\s+/g, ' ');

/** Set PDF_OUT=/some/dir to keep the rendered files for a look (never commit them). */
function keep(name: string, pdf: Buffer): void {
  const dir = process.env.PDF_OUT;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, name), pdf);
}

describe('Vietnamese date wording', () => {
  it('prints instants in the unit time zone', () => {
    expect(viDateTime('2025-04-25T03:00:00Z', TZ)).toBe('10 giờ 00 phút, ngày 25/04/2025');
    expect(viDateTime('2025-04-24T17:05:00Z', TZ)).toBe('00 giờ 05 phút, ngày 25/04/2025');
    expect(viDate('2025-12-31T18:00:00Z', TZ)).toBe('01/01/2026');
    expect(viPlaceDate('TP. Hồ Chí Minh', '2025-04-25T03:00:00Z', TZ)).toBe('TP. Hồ Chí Minh, ngày 25 tháng 4 năm 2025');
    expect(viLongDate('2025-02-05T03:00:00Z', TZ)).toBe('ngày 05 tháng 02 năm 2025');
    expect(viLongDate('2025-11-05T03:00:00Z', TZ)).toBe('ngày 05 tháng 11 năm 2025');
  });
});

describe('forms (pdfkit + DejaVu)', () => {
  it('form 01: the receipt on A5 with the national motto, code, applicant and times', async () => {
    const pdf = await renderReceipt({
      ...base,
      code: CODE,
      applicant: { name: APPLICANT, address: '12 Lê Lợi, Phường Bến Nghé', phone: '0901234567', email: 'nhung@example.vn' },
      procedureName: 'Đăng ký biến động quyền sử dụng đất',
      processingTime: '03 ngày làm việc',
      channel: 'direct',
      receivedAt: '2025-04-25T03:00:00Z',
      dueAt: '2025-04-29T10:00:00Z',
      receivedBy: 'Lê Thị Thu',
    });
    keep('01.pdf', pdf);
    expect(pdf.subarray(0, 4).toString()).toBe('%PDF');
    expect(pdf.toString('latin1')).toContain('DejaVuSans');
    expect(pdf.toString('latin1')).toMatch(/\/MediaBox \[0 0 419\.53 595\.28\]/); // A5
    const text = flat(pdfText(pdf));
    for (const s of [
      'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
      'Độc lập - Tự do - Hạnh phúc',
      'Mẫu số 01',
      'GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ',
      'TP. Hồ Chí Minh, ngày 25 tháng 4 năm 2025',
      CODE,
      APPLICANT,
      '0901234567',
      'nhung@example.vn',
      'Đăng ký biến động quyền sử dụng đất',
      'Thời gian nhận hồ sơ: 10 giờ 00 phút, ngày 25/04/2025',
      'Thời gian hẹn trả kết quả: 17 giờ 00 phút, ngày 29/04/2025',
      'Lê Thị Thu',
    ])
      expect(text).toContain(s);
  });

  it('form 04: the apology with the old and new return times and the reason', async () => {
    const pdf = await renderApology({
      ...base,
      code: CODE,
      applicantName: APPLICANT,
      procedureName: 'Đăng ký biến động quyền sử dụng đất',
      receivedAt: '2025-04-25T03:00:00Z',
      previousDueAt: '2025-05-08T10:00:00Z',
      reason: REASON,
      newDueAt: '2025-05-12T10:00:00Z',
      letterNumber: '12/PXL-UBND',
      issuedAt: '2025-05-07T03:00:00Z',
      signedBy: 'Võ Thanh',
    });
    keep('04.pdf', pdf);
    const text = flat(pdfText(pdf));
    for (const s of [
      'Mẫu số 04',
      'PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ',
      'Số: 12/PXL-UBND',
      'TP. Hồ Chí Minh, ngày 07 tháng 5 năm 2025',
      `Kính gửi: ${APPLICANT}`,
      '17 giờ 00 phút, ngày 08/05/2025',
      `Lý do: ${REASON}`,
      '17 giờ 00 phút, ngày 12/05/2025',
      'THỦ TRƯỞNG CƠ QUAN',
      'Võ Thanh',
    ])
      expect(text).toContain(s);
  });

  it('form 05: one row per hand-off with its timing class', async () => {
    const pdf = await renderControlSheet({
      ...base,
      code: CODE,
      applicantName: APPLICANT,
      procedureName: 'Đăng ký',
      receivedAt: '2025-04-25T03:00:00Z',
      dueAt: '2025-04-29T10:00:00Z',
      resolvingAgency: 'Phòng Địa chính',
      printedAt: '2025-05-10T03:00:00Z',
      rows: [
        {
          step: 'Tiếp nhận, chuyển hồ sơ',
          fromAgency: 'Bộ phận Một cửa',
          toAgency: 'Phòng Địa chính',
          handedOverAt: '2025-04-25T03:00:00Z',
          takenAt: '2025-04-25T04:00:00Z',
          giver: 'Lê Thị Thu',
          taker: 'Trần Minh',
          timing: 'early',
        },
        {
          step: 'Trả kết quả',
          fromAgency: 'Phòng Địa chính',
          toAgency: 'Bộ phận Một cửa',
          takenAt: '2025-04-29T10:30:00Z',
          giver: 'Trần Minh',
          timing: 'late',
        },
      ],
    });
    keep('05.pdf', pdf);
    const text = pdfText(pdf);
    expect(pdf.toString('latin1')).toMatch(/\/MediaBox \[0 0 595\.28 841\.89\]/); // A4 portrait
    const lines = text.split('\n');
    const first = lines.findIndex((l) => /^\s*1\s+Tiếp nhận, chuyển hồ sơ/.test(l));
    const second = lines.findIndex((l) => /^\s*2\s+Trả kết quả/.test(l));
    expect(first).toBeGreaterThan(0);
    expect(second).toBeGreaterThan(first);
    expect(lines[first]).toContain('Trước hạn');
    expect(lines[second]).toContain('Quá hạn');
  });

  it('form 06: A4 landscape, numbered from 1, page breaks repeat the header row', async () => {
    const rows: TrackingBookRow[] = Array.from({ length: 30 }, (_, i) => ({
      code: `000.27.01.H29-250425-${String(i + 1).padStart(4, '0')}`,
      procedureName: 'Đăng ký biến động quyền sử dụng đất',
      applicantName: `Công dân số ${i + 1}`,
      addressPhone: '12 Lê Lợi; 0901234567',
      receivedAt: '2025-04-25T03:00:00Z',
      dueAt: '2025-04-29T10:00:00Z',
      transferredTo: 'Phòng Địa chính',
      transferredAt: '2025-04-25T04:00:00Z',
      result: 'Đã giải quyết - Trước hạn',
      returnedAt: '2025-04-28T03:00:00Z',
    }));
    const pdf = await renderTrackingBook({ ...base, unitName: 'Phường Bến Nghé', year: 2025, rows, printedAt: '2025-12-31T03:00:00Z' });
    keep('06.pdf', pdf);
    expect(pdf.toString('latin1')).toMatch(/\/MediaBox \[0 0 841\.89 595\.28\]/); // landscape
    const text = pdfText(pdf);
    const pages = text.split('\f').filter((p) => p.trim().length);
    expect(pages.length).toBeGreaterThan(1);
    for (const p of pages) expect(p).toContain('Mã hồ sơ');
    const numbered = text
      .split('\n')
      .map((l) => /^\s*(\d+)\s+(000\.27\.01\.H29-250425-\d{4})/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null);
    expect(numbered.map((m) => Number(m[1]))).toEqual(rows.map((_, i) => i + 1));
    expect(numbered.map((m) => m[2])).toEqual(rows.map((r) => r.code));
  });
});
