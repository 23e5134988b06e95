import { execFileSync } from 'node:child_process';
import { FORM_TEMPLATES } from '@motcua/domain';
import { renderApology, renderControlSheet, renderReceipt, renderTrackingBook } from './forms';
import { renderRefusal, renderStopNotice, renderSupplementRequest } from './notices';

const TZ = 'Asia/Ho_Chi_Minh';
const base = { timeZone: TZ, place: 'TP. Hồ Chí Minh', agency: { superior: 'UBND TP. Hồ Chí Minh', name: 'UBND Phường Sài Gòn' } };
const CODE = '000.27.01.H29-250710-0001';
const APPLICANT = 'Nguyễn Thị Hồng Nhung';
const TT01 = FORM_TEMPLATES['TT01/2018'];
const TT03 = FORM_TEMPLATES['TT03/2025'];

const pdfText = (pdf: Buffer) => execFileSync('pdftotext', ['-layout', '-', '-'], { input: pdf }).toString('utf8');
const flat = (s: string) => s.replace(/\s+/g, ' ');
const textOf = async (pdf: Promise<Buffer>) => flat(pdfText(await pdf));

const receipt = {
  ...base,
  code: CODE,
  applicant: { name: APPLICANT },
  procedureName: 'Đăng ký biến động đất đai',
  channel: 'direct' as const,
  receivedAt: '2025-07-10T02:00:00Z',
  dueAt: '2025-07-15T10:00:00Z',
  receivedBy: 'Lê Thị Thu',
};
const apology = {
  ...base,
  code: CODE,
  applicantName: APPLICANT,
  procedureName: 'Đăng ký',
  receivedAt: '2025-07-10T02:00:00Z',
  previousDueAt: '2025-07-15T10:00:00Z',
  reason: 'Chờ xác minh',
  newDueAt: '2025-07-18T10:00:00Z',
  issuedAt: '2025-07-14T03:00:00Z',
  signedBy: 'Võ Thanh',
};
const sheet = {
  ...base,
  code: CODE,
  applicantName: APPLICANT,
  procedureName: 'Đăng ký',
  receivedAt: '2025-07-10T02:00:00Z',
  dueAt: '2025-07-15T10:00:00Z',
  rows: [],
  printedAt: '2025-07-20T03:00:00Z',
};
const book = { ...base, unitName: 'Phường Sài Gòn', year: 2025, rows: [], printedAt: '2025-12-31T03:00:00Z' };

describe('form numbers and titles by form set', () => {
  it('a 2018 dossier: Thông tư 01/2018 numbering (01, 04, 05, 06)', async () => {
    const r = await textOf(renderReceipt({ ...receipt, template: TT01.receipt }));
    expect(r).toContain('Mẫu số 01 (Thông tư số 01/2018/TT-VPCP)');
    expect(r).toContain('GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ');
    const a = await textOf(renderApology({ ...apology, template: TT01.apology }));
    expect(a).toContain('Mẫu số 04 (Thông tư số 01/2018/TT-VPCP)');
    expect(a).toContain('PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ');
    const c = await textOf(renderControlSheet({ ...sheet, template: TT01['control-sheet'] }));
    expect(c).toContain('Mẫu số 05 (Thông tư số 01/2018/TT-VPCP)');
    const b = await textOf(renderTrackingBook({ ...book, template: TT01['tracking-book'] }));
    expect(b).toContain('Mẫu số 06 (Thông tư số 01/2018/TT-VPCP)');
  });

  it('a 2025 dossier: Thông tư 03/2025 numbering and titles (01, 04, 06, 07)', async () => {
    const r = await textOf(renderReceipt({ ...receipt, template: TT03.receipt }));
    expect(r).toContain('Mẫu số 01 (Thông tư số 03/2025/TT-VPCP)');
    expect(r).toContain('GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ');
    const a = await textOf(renderApology({ ...apology, template: TT03.apology }));
    expect(a).toContain('Mẫu số 04 (Thông tư số 03/2025/TT-VPCP)');
    expect(a).toContain('VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT');
    expect(a).not.toContain('PHIẾU XIN LỖI');
    const c = await textOf(renderControlSheet({ ...sheet, template: TT03['control-sheet'] }));
    expect(c).toContain('Mẫu số 06 (Thông tư số 03/2025/TT-VPCP)');
    expect(c).toContain('PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ');
    const b = await textOf(renderTrackingBook({ ...book, template: TT03['tracking-book'] }));
    expect(b).toContain('Mẫu số 07 (Thông tư số 03/2025/TT-VPCP)');
    expect(b).toContain('SỔ THEO DÕI HỒ SƠ');
  });
});

describe('form 02: supplement request', () => {
  const form = {
    ...base,
    template: TT03['supplement-request'],
    code: CODE,
    applicantName: APPLICANT,
    procedureName: 'Đăng ký biến động đất đai',
    receivedAt: '2025-07-10T02:00:00Z',
    requestedAt: '2025-07-11T03:00:00Z',
    reason: 'Hồ sơ thiếu giấy tờ về quyền sử dụng đất',
    contact: { unit: 'Phòng Kinh tế', person: 'Trần Minh', phone: '028 3822 1234' },
    requestedBy: 'Trần Minh',
  };

  it('lists every item with its note, the reason and who to contact', async () => {
    const text = await textOf(
      renderSupplementRequest({
        ...form,
        items: [{ name: 'Bản sao Giấy chứng nhận QSDĐ', note: 'có chứng thực' }, { name: 'Tờ khai đăng ký biến động' }],
      }),
    );
    for (const s of [
      'Mẫu số 02 (Thông tư số 03/2025/TT-VPCP)',
      'PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ',
      `Mã hồ sơ: ${CODE}`,
      `Kính gửi: ${APPLICANT}`,
      'Ngày 10/07/2025',
      'Bản sao Giấy chứng nhận QSDĐ',
      'có chứng thực',
      'Tờ khai đăng ký biến động',
      'Lý do: Hồ sơ thiếu giấy tờ về quyền sử dụng đất',
      'liên hệ Trần Minh - Phòng Kinh tế, số điện thoại 028 3822 1234',
      'TP. Hồ Chí Minh, ngày 11 tháng 7 năm 2025',
    ])
      expect(text).toContain(s);
    expect(text).not.toContain('lần yêu cầu bổ sung thứ');
  });

  it('without items prints the reason alone; a second request says so', async () => {
    const text = await textOf(renderSupplementRequest({ ...form, template: TT01['supplement-request'], sequence: 2 }));
    expect(text).toContain('Mẫu số 02 (Thông tư số 01/2018/TT-VPCP)');
    expect(text).toContain('Lý do: Hồ sơ thiếu giấy tờ về quyền sử dụng đất');
    expect(text).not.toContain('STT');
    expect(text).toContain('Đây là lần yêu cầu bổ sung thứ 2 đối với hồ sơ này.');
  });
});

describe('form 03: refusal', () => {
  it('at reception: reason and legal basis', async () => {
    const text = await textOf(
      renderRefusal({
        ...base,
        template: TT03.refusal,
        stage: 'reception',
        code: CODE,
        applicantName: APPLICANT,
        procedureName: 'Cấp giấy phép xây dựng',
        refusedAt: '2025-07-10T02:30:00Z',
        reason: 'Thửa đất nằm ngoài địa bàn cấp phép',
        legalBasis: 'Khoản 2 Điều 89 Luật Xây dựng 2014',
        decree: 'Nghị định số 118/2025/NĐ-CP của Chính phủ',
        signedBy: 'Lê Thị Thu',
      }),
    );
    for (const s of [
      'Mẫu số 03 (Thông tư số 03/2025/TT-VPCP)',
      'PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ',
      'từ chối tiếp nhận hồ sơ',
      'Lý do: Thửa đất nằm ngoài địa bàn cấp phép',
      'Căn cứ pháp lý: Khoản 2 Điều 89 Luật Xây dựng 2014',
      'Nghị định số 118/2025/NĐ-CP',
      'Lê Thị Thu',
    ])
      expect(text).toContain(s);
  });

  it('of a refused resolution: the reception date, the reason, a blank legal basis to fill by hand', async () => {
    const text = await textOf(
      renderRefusal({
        ...base,
        stage: 'resolution',
        code: CODE,
        applicantName: APPLICANT,
        procedureName: 'Cấp giấy phép xây dựng',
        receivedAt: '2025-03-03T02:00:00Z',
        refusedAt: '2025-03-05T02:00:00Z',
        reason: 'Không đủ điều kiện',
        signedBy: 'Trần Minh',
      }),
    );
    expect(text).toContain('Mẫu số 03 (Thông tư số 01/2018/TT-VPCP)');
    expect(text).toContain('Ngày 03/03/2025');
    expect(text).toContain('không đủ điều kiện giải quyết (ngày 05/03/2025)');
    expect(text).toContain('Căn cứ pháp lý: …');
  });
});

describe('form 05 (Thông tư 03/2025): notice of stopping', () => {
  const form = {
    ...base,
    code: CODE,
    applicantName: APPLICANT,
    procedureName: 'Đăng ký kết hôn',
    receivedAt: '2025-07-10T02:00:00Z',
    stoppedAt: '2025-07-12T08:15:00Z',
    reason: 'Công dân xin rút hồ sơ',
    signedBy: 'Võ Thanh',
  };
  it('numbered 05 for a 2025 dossier, with the reason and the time processing stopped', async () => {
    const text = await textOf(renderStopNotice({ ...form, template: TT03['stop-notice'] }));
    for (const s of [
      'Mẫu số 05 (Thông tư số 03/2025/TT-VPCP)',
      'THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ',
      'dừng giải quyết hồ sơ nêu trên kể từ 15 giờ 15 phút, ngày 12/07/2025',
      'Lý do: Công dân xin rút hồ sơ',
      'Võ Thanh',
    ])
      expect(text).toContain(s);
  });
  it('without a form number for a 2018 dossier (Thông tư 01/2018 has none)', async () => {
    const text = await textOf(renderStopNotice({ ...form, template: TT01['stop-notice'] }));
    expect(text).toContain('THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ');
    expect(text).not.toContain('Mẫu số');
  });
});

describe('the tracking book shows the real return time and who took the result', () => {
  it('prints the return time and the recipient in the "Trả kết quả" cell', async () => {
    const raw = pdfText(
      await renderTrackingBook({
        ...book,
        rows: [
          {
            code: CODE,
            procedureName: 'Đăng ký',
            applicantName: APPLICANT,
            receivedAt: '2025-07-10T02:00:00Z',
            dueAt: '2025-07-15T10:00:00Z',
            result: 'Đã giải quyết - Trước hạn',
            returnedAt: '2025-07-16T02:30:00Z',
            returnedTo: 'Trần Văn Bình (người được ủy quyền)',
          },
        ],
      }),
    );
    const text = flat(raw);
    expect(text).toContain('09 giờ 30 phút');
    expect(text).toContain('16/07/2025');
    for (const w of ['Người', 'nhận:', 'Trần', 'Văn', 'Bình', 'ủy', 'quyền']) expect(text).toContain(w);
  });
});
