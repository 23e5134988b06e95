import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SQL_DRIVER } from '@motcua/platform';
import { dossierSummaryProjection, ProjectionRunner } from '@motcua/projections';
import { SqlDriver } from '@motcua/sql';
import { waitCaughtUp } from '../../../libs/projections/src/__tests__/support';
import { Harness, startHarness } from '../../support/api-harness';

const PROVINCE = '000.00.00.H29';
const DISTRICT = '000.00.27.H29';
const WARD_A = '000.27.01.H29';
const WARD_B = '000.27.02.H29';
const LAND = '1.004227'; // 3 working days, Đất đai
const APPLICANT = 'Nguyễn Thị Hồng Nhung';
const REASON = 'Cần xác minh thông tin đất đai với Văn phòng đăng ký';

/** `pdftotext -layout - -` (poppler-utils) on the bytes, through stdin. */
function pdfText(pdf: Buffer): string {
  return execFileSync('pdftotext', ['-layout', '-', '-'], { input: pdf }).toString('utf8');
}
/** Whitespace collapsed, so that a wrapped line reads as one. */
const flat = (s: string) => s.replace(/\s+/g, ' ');

/** Printable forms (Thông tư 01/2018 Mẫu 01, 04, 05, 06) over HTTP against the real app on PGlite. */
describe('printable forms end to end (PGlite)', () => {
  let h: Harness;
  let runner: ProjectionRunner;
  let admin: string, clerkA: string, clerkB: string, officerA: string, supervisor: string, auditor: string;
  let id: string, code: string;
  const others: Record<string, { id: string; code: string }> = {};

  /** GET a PDF: the raw bytes (the harness decodes bodies as text). */
  async function getPdf(url: string, token?: string) {
    const res = await h.app.inject({ method: 'GET', url: `/api/v1${url}`, headers: token ? { authorization: `Bearer ${token}` } : {} });
    let json: any;
    try {
      json = JSON.parse(res.body);
    } catch {
      json = undefined;
    }
    if (process.env.PDF_OUT && res.statusCode === 200) writeFileSync(join(process.env.PDF_OUT, url.replace(/[^A-Za-z0-9.]+/g, '_')), res.rawPayload);
    return { status: res.statusCode, headers: res.headers, bytes: res.rawPayload, json };
  }

  const post = async (token: string, url: string, body: Record<string, unknown>) => {
    const r = await h.request('POST', url, { token, body });
    expect([200, 201]).toContain(r.status);
    return r.body;
  };

  beforeAll(async () => {
    h = await startHarness('pglite://memory');
    admin = await h.token({ sub: 'admin-1', name: 'Quản trị', roles: ['admin'], units: [PROVINCE] });
    clerkA = await h.token({ sub: 'clerk-a', name: 'Lê Thị Thu', roles: ['clerk'], units: [WARD_A] });
    clerkB = await h.token({ sub: 'clerk-b', name: 'Phạm Văn Bình', roles: ['clerk'], units: [WARD_B] });
    officerA = await h.token({ sub: 'officer-a', name: 'Trần Minh', roles: ['officer'], units: [WARD_A] });
    supervisor = await h.token({ sub: 'sup-1', name: 'Võ Thanh', roles: ['supervisor'], units: [DISTRICT] });
    auditor = await h.token({ sub: 'aud-1', name: 'Đỗ Kiểm', roles: ['auditor'], units: [PROVINCE] });
    for (const [url, body] of [
      [`/units/${PROVINCE}`, { name: 'TP. Hồ Chí Minh', level: 'province' }],
      [`/units/${DISTRICT}`, { name: 'UBND Quận 1', level: 'district', parentCode: PROVINCE }],
      [`/units/${WARD_A}`, { name: 'UBND Phường Bến Nghé', level: 'commune', parentCode: DISTRICT }],
      [`/units/${WARD_B}`, { name: 'UBND Phường Đa Kao', level: 'commune', parentCode: DISTRICT }],
      [`/procedures/${LAND}`, { name: 'Đăng ký biến động đất đai', field: 'Đất đai', processingTime: { amount: 3, unit: 'working_day' } }],
    ] as const) {
      const r = await h.request('PUT', url, { token: admin, body });
      expect([200, 201]).toContain(r.status);
    }
    const receive = (token: string, unitCode: string, name: string, occurredAt: string, applicant: Record<string, string> = {}) =>
      post(token, '/dossiers', { unitCode, procedureCode: LAND, channel: 'direct', applicant: { name, ...applicant }, occurredAt });

    // The dossier of the forms: reception, assignment, supplement, apology, resolution.
    // Fri 25 Apr 2025 10:00 (+07), 3 working days → due Tue 29 Apr 17:00.
    const d = await receive(clerkA, WARD_A, APPLICANT, '2025-04-25T10:00:00+07:00', {
      address: '12 Lê Lợi, Phường Bến Nghé',
      phone: '0901234567',
      email: 'nhung@example.vn',
    });
    id = d.id;
    code = d.code;
    await post(supervisor, `/dossiers/${id}/assign`, {
      assignee: 'officer-a',
      assigneeName: 'Trần Minh',
      department: 'Phòng Tài nguyên và Môi trường',
      occurredAt: '2025-04-25T11:00:00+07:00',
    });
    await post(officerA, `/dossiers/${id}/request-supplement`, { reason: 'Thiếu bản sao sổ đỏ', occurredAt: '2025-04-29T09:00:00+07:00' });
    // the supplement arrives Mon 5 May 08:00: the clock restarts → due Thu 8 May 17:00
    const sup = await post(clerkA, `/dossiers/${id}/receive-supplement`, { occurredAt: '2025-05-05T08:00:00+07:00' });
    expect(new Date(sup.dueAt).toISOString()).toBe('2025-05-08T10:00:00.000Z');
    await post(supervisor, `/dossiers/${id}/apologise`, {
      reason: REASON,
      newDueAt: '2025-05-12T17:00:00+07:00',
      letterNumber: '15/PXL-UBND',
      occurredAt: '2025-05-07T10:00:00+07:00',
    });
    const res = await post(officerA, `/dossiers/${id}/resolve`, { outcome: 'approved', occurredAt: '2025-05-09T09:00:00+07:00' });
    expect(res.timing).toBe('late');

    // The tracking book's neighbours: the previous year, earlier and later this year, another ward.
    for (const [key, token, unit, name, at] of [
      ['dec2024', clerkA, WARD_A, 'Trương Văn Cũ', '2024-12-30T09:00:00+07:00'],
      ['march', clerkA, WARD_A, 'Lý Thị Mười', '2025-03-10T09:00:00+07:00'],
      ['june', clerkA, WARD_A, 'Hoàng Đức Sáu', '2025-06-02T14:00:00+07:00'],
      ['wardB', clerkB, WARD_B, 'Phan Thị Khác', '2025-04-01T09:00:00+07:00'],
    ] as const) {
      const v = await receive(token, unit, name, at);
      others[key] = { id: v.id, code: v.code };
    }
    await post(officerA, `/dossiers/${others.march.id}/resolve`, { outcome: 'refused', occurredAt: '2025-03-11T09:00:00+07:00' });

    runner = new ProjectionRunner({
      store: h.store,
      driver: h.app.get<SqlDriver>(SQL_DRIVER),
      projections: [dossierSummaryProjection()],
      leaseKey: `test:forms:${Date.now()}`,
    });
    await runner.start();
    await waitCaughtUp(runner);
  }, 180_000);

  afterAll(async () => {
    await runner?.stop();
    await h?.close();
  });

  it('form 01: the receipt, inline PDF with the code, applicant, times and clerk in Vietnamese', async () => {
    const r = await getPdf(`/dossiers/${id}/forms/receipt.pdf`, clerkA);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/^application\/pdf/);
    expect(r.headers['content-disposition']).toBe(`inline; filename="${code}-giay-tiep-nhan.pdf"`);
    expect(r.bytes.subarray(0, 4).toString('latin1')).toBe('%PDF');
    const text = flat(pdfText(r.bytes));
    for (const s of [
      'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
      'Độc lập - Tự do - Hạnh phúc',
      'GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ',
      'TP. Hồ Chí Minh, ngày 25 tháng 4 năm 2025',
      code,
      APPLICANT,
      '12 Lê Lợi, Phường Bến Nghé',
      '0901234567',
      'Đăng ký biến động đất đai',
      'Thời gian nhận hồ sơ: 10 giờ 00 phút, ngày 25/04/2025',
      'Thời gian hẹn trả kết quả: 17 giờ 00 phút, ngày 29/04/2025',
      '17 giờ 00 phút, ngày 08/05/2025', // recomputed after the supplement
      'Lê Thị Thu',
    ])
      expect(text).toContain(s);
  });

  it('form 04: the apology with the original and new return dates and the reason, signed by the supervisor', async () => {
    const r = await getPdf(`/dossiers/${id}/forms/apology.pdf`, officerA);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/^application\/pdf/);
    expect(r.headers['content-disposition']).toBe(`inline; filename="${code}-phieu-xin-loi.pdf"`);
    expect(r.bytes.subarray(0, 4).toString('latin1')).toBe('%PDF');
    const text = flat(pdfText(r.bytes));
    for (const s of [
      'PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ',
      'Số: 15/PXL-UBND',
      'TP. Hồ Chí Minh, ngày 07 tháng 5 năm 2025',
      `Kính gửi: ${APPLICANT}`,
      code,
      'Thời gian hẹn trả kết quả giải quyết hồ sơ: 17 giờ 00 phút, ngày 08/05/2025',
      `Lý do: ${REASON}`,
      'Thời gian hẹn trả kết quả mới: 17 giờ 00 phút, ngày 12/05/2025',
      'THỦ TRƯỞNG CƠ QUAN',
      'Võ Thanh',
    ])
      expect(text).toContain(s);
  });

  it('form 04 of a dossier without an apology is a 404 problem', async () => {
    const r = await getPdf(`/dossiers/${others.march.id}/forms/apology.pdf`, clerkA);
    expect(r.status).toBe(404);
    expect(r.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(r.json.detail).toMatch(/no apology letter/);
  });

  it('form 05: the control sheet lists each hand-off in order with its timing class', async () => {
    const r = await getPdf(`/dossiers/${id}/forms/control-sheet.pdf`, auditor);
    expect(r.status).toBe(200);
    expect(r.headers['content-disposition']).toBe(`inline; filename="${code}-phieu-kiem-soat.pdf"`);
    const raw = pdfText(r.bytes);
    const text = flat(raw);
    for (const s of ['PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ', code, APPLICANT, 'Phòng Tài nguyên và Môi trường']) expect(text).toContain(s);
    // the first line of each table row: number, step, hand-over time, result
    const expected: [string, string][] = [
      ['Tiếp nhận, chuyển', 'Trước hạn'], // assigned Fri 25 Apr, due Tue 29 Apr
      ['Yêu cầu bổ sung', 'Đúng hạn'], // Tue 29 Apr 09:00, the due day, before 17:00
      ['Nhận hồ sơ bổ sung', '—'], // the citizen's step: not counted
      ['Xin lỗi, hẹn lại', 'Trước hạn'], // Wed 7 May, due Thu 8 May (restarted)
      ['Giải quyết xong', 'Quá hạn'], // Fri 9 May, after Thu 8 May 17:00
      ['Trả kết quả', '—'],
    ];
    const lines = raw.split('\n');
    let previous = -1;
    expected.forEach(([step, timing], i) => {
      const at = lines.findIndex((l) => new RegExp(`^\\s*${i + 1}\\s+${step}`).test(l));
      expect(at).toBeGreaterThan(previous);
      expect(lines[at]).toContain(timing);
      previous = at;
    });
    expect(lines[lines.findIndex((l) => /^\s*1\s+Tiếp nhận/.test(l))]).toContain('Giao: 10 giờ 00 phút, ngày 25/04/2025');
    for (const s of ['Người giao: Lê Thị Thu', 'Người nhận: Trần Minh', 'Người giao: Võ Thanh', `Người nhận: ${APPLICANT}`]) expect(text).toContain(s);
  });

  it('form 06: the tracking book of a unit lists its dossiers of the year in order, numbered from 1', async () => {
    const r = await getPdf(`/units/${WARD_A}/tracking-book.pdf?year=2025`, supervisor);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/^application\/pdf/);
    expect(r.headers['content-disposition']).toBe(`inline; filename="so-theo-doi-ho-so-${WARD_A}-2025.pdf"`);
    expect(r.bytes.subarray(0, 4).toString('latin1')).toBe('%PDF');
    const raw = pdfText(r.bytes);
    expect(flat(raw)).toContain('SỔ THEO DÕI HỒ SƠ');
    const rows = raw
      .split('\n')
      .map((l) => /^\s*(\d+)\s+(\S+-\d{6}-\d{4})\s/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [Number(m[1]), m[2]]);
    expect(rows).toEqual([
      [1, others.march.code],
      [2, code],
      [3, others.june.code],
    ]);
    // each row's lines (cells wrap side by side, so a wrapped cell is checked word by word)
    const lines = raw.split('\n');
    const starts = [1, 2, 3].map((n) => lines.findIndex((l) => new RegExp(`^\\s*${n}\\s+\\S+-\\d{6}-\\d{4}\\s`).test(l)));
    const region = (i: number) => flat(lines.slice(starts[i], i + 1 < starts.length ? starts[i + 1] : starts[i] + 8).join(' '));
    const expectWords = (i: number, phrase: string) => {
      for (const w of phrase.split(' ')) expect(region(i)).toContain(w);
    };
    expectWords(0, 'Lý Thị Mười');
    expectWords(0, 'Từ chối - Trước hạn');
    expectWords(1, APPLICANT);
    // received and promised return: "10 giờ 00 phút," over "ngày 25/04/2025" in their cells
    for (const part of ['10 giờ 00 phút,', 'ngày 25/04/2025', '17 giờ 00 phút,', 'ngày 29/04/2025']) expect(region(1)).toContain(part);
    expectWords(1, 'Đã giải quyết - Quá hạn');
    expectWords(1, 'Phòng Tài nguyên và Môi trường');
    expectWords(1, 'Xin lỗi hẹn lại 12/05/2025');
    expectWords(2, 'Hoàng Đức Sáu');
    expectWords(2, 'Đang giải quyết');
    const text = flat(raw);
    expect(text).not.toContain('Trương Văn Cũ');
    expect(text).not.toContain('Phan Thị Khác');

    const last = await getPdf(`/units/${WARD_A}/tracking-book.pdf?year=2024`, auditor);
    expect(last.status).toBe(200);
    const lastRows = pdfText(last.bytes)
      .split('\n')
      .filter((l) => /^\s*\d+\s+\S+-\d{6}-\d{4}\s/.test(l));
    expect(lastRows).toHaveLength(1);
    expect(lastRows[0]).toMatch(new RegExp(`^\\s*1\\s+${others.dec2024.code.replace(/\./g, '\\.')}`));
  });

  it('checks the year, the roles and the units', async () => {
    for (const q of ['', '?year=', '?year=25', '?year=abcd', '?year=20255']) {
      const r = await getPdf(`/units/${WARD_A}/tracking-book.pdf${q}`, supervisor);
      expect(r.status).toBe(400);
      expect(r.headers['content-type']).toMatch(/application\/problem\+json/);
    }
    expect((await getPdf(`/units/${WARD_A}/tracking-book.pdf?year=2025`, clerkA)).status).toBe(403);
    expect((await getPdf(`/units/${WARD_A}/tracking-book.pdf?year=2025`, officerA)).status).toBe(403);
    expect((await getPdf(`/units/NOPE/tracking-book.pdf?year=2025`, admin)).status).toBe(404);
    const supB = await h.token({ sub: 'sup-b', roles: ['supervisor'], units: [WARD_B] });
    expect((await getPdf(`/units/${WARD_A}/tracking-book.pdf?year=2025`, supB)).status).toBe(403);
    expect((await getPdf(`/dossiers/${id}/forms/receipt.pdf`, clerkB)).status).toBe(404); // like an unknown id
    expect((await getPdf(`/dossiers/${id}/forms/receipt.pdf`)).status).toBe(401);
    expect((await getPdf(`/dossiers/00000000-0000-4000-8000-000000000000/forms/receipt.pdf`, admin)).status).toBe(404);
    expect((await getPdf(`/dossiers/not-a-uuid/forms/control-sheet.pdf`, admin)).status).toBe(400);
  });

  describe('rule sets by reception date (issue #14): Thông tư 01/2018 before 1 July 2025, Thông tư 03/2025 from it', () => {
    // in ward B, so that ward A's book above keeps its three rows
    const history = async (dossierId: string) => (await h.request('GET', `/dossiers/${dossierId}/history`, { token: admin })).body;
    const receiveB = (name: string, occurredAt: string) =>
      post(clerkB, '/dossiers', { unitCode: WARD_B, procedureCode: LAND, channel: 'direct', applicant: { name }, occurredAt });
    const expectConflict = async (url: string, token: string, detail: RegExp) => {
      const r = await getPdf(url, token);
      expect(r.status).toBe(409);
      expect(r.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(r.json.detail).toMatch(detail);
    };
    let june: { id: string; code: string }, july: { id: string; code: string }, stopped: { id: string; code: string };

    beforeAll(async () => {
      june = await receiveB('Đặng Văn Ba Mươi', '2025-06-30T23:59:00+07:00');
      july = await receiveB('Ngô Thị Mồng Một', '2025-07-01T00:00:00+07:00');
      stopped = await receiveB('Bùi Văn Dừng', '2025-07-02T09:00:00+07:00');
      await post(supervisor, `/dossiers/${july.id}/assign`, {
        assignee: 'officer-b',
        assigneeName: 'Phạm Quốc Huy',
        department: 'Phòng Kinh tế',
        occurredAt: '2025-07-01T09:00:00+07:00',
      });
      await post(supervisor, `/dossiers/${july.id}/request-supplement`, { reason: 'Thiếu tờ khai đăng ký biến động', occurredAt: '2025-07-02T10:00:00+07:00' });
      await post(supervisor, `/dossiers/${stopped.id}/apologise`, {
        reason: 'Chờ ý kiến Văn phòng đăng ký đất đai',
        newDueAt: '2025-07-10T17:00:00+07:00',
        occurredAt: '2025-07-03T10:00:00+07:00',
      });
      await post(clerkB, `/dossiers/${stopped.id}/withdraw`, { reason: 'Công dân đề nghị dừng giải quyết', occurredAt: '2025-07-04T15:30:00+07:00' });
      await post(clerkB, `/dossiers/${june.id}/withdraw`, { reason: 'Nộp nhầm thủ tục', occurredAt: '2025-07-01T08:00:00+07:00' });
    }, 60_000);

    it('freezes the rule set at reception: 23:59 on 30 June is 2018, 00:00 on 1 July is 2025', async () => {
      expect((await history(june.id)).events[0].data.ruleSet).toBe('2018');
      expect((await history(july.id)).events[0].data.ruleSet).toBe('2025');
      expect((await history(id)).events[0].data.ruleSet).toBe('2018');
    });

    it('numbers and titles every form by the dossier’s circular', async () => {
      const text = async (url: string) => {
        const r = await getPdf(url, clerkB);
        expect(r.status).toBe(200);
        return flat(pdfText(r.bytes));
      };
      expect(await text(`/dossiers/${june.id}/forms/receipt.pdf`)).toContain('Mẫu số 01 (Thông tư số 01/2018/TT-VPCP)');
      const receipt = await text(`/dossiers/${july.id}/forms/receipt.pdf`);
      expect(receipt).toContain('Mẫu số 01 (Thông tư số 03/2025/TT-VPCP)');
      expect(receipt).toContain('GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ');
      expect(await text(`/dossiers/${june.id}/forms/control-sheet.pdf`)).toContain('Mẫu số 05 (Thông tư số 01/2018/TT-VPCP)');
      expect(await text(`/dossiers/${july.id}/forms/control-sheet.pdf`)).toContain('Mẫu số 06 (Thông tư số 03/2025/TT-VPCP)');
      const apology = await text(`/dossiers/${stopped.id}/forms/apology.pdf`);
      expect(apology).toContain('Mẫu số 04 (Thông tư số 03/2025/TT-VPCP)');
      expect(apology).toContain('VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT');
      expect(flat(pdfText((await getPdf(`/dossiers/${id}/forms/apology.pdf`, clerkA)).bytes))).toContain('Mẫu số 04 (Thông tư số 01/2018/TT-VPCP)');
      const book2025 = flat(pdfText((await getPdf(`/units/${WARD_B}/tracking-book.pdf?year=2025`, supervisor)).bytes));
      expect(book2025).toContain('Mẫu số 07 (Thông tư số 03/2025/TT-VPCP)');
      const book2024 = flat(pdfText((await getPdf(`/units/${WARD_A}/tracking-book.pdf?year=2024`, supervisor)).bytes));
      expect(book2024).toContain('Mẫu số 06 (Thông tư số 01/2018/TT-VPCP)');
    });

    it('form 02: the supplement request with its reason and who to contact (the assignee)', async () => {
      const r = await getPdf(`/dossiers/${july.id}/forms/supplement-request.pdf`, clerkB);
      expect(r.status).toBe(200);
      expect(r.headers['content-disposition']).toBe(`inline; filename="${july.code}-phieu-yeu-cau-bo-sung.pdf"`);
      const text = flat(pdfText(r.bytes));
      for (const s of [
        'Mẫu số 02 (Thông tư số 03/2025/TT-VPCP)',
        'PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ',
        july.code,
        'Kính gửi: Ngô Thị Mồng Một',
        'Lý do: Thiếu tờ khai đăng ký biến động',
        'liên hệ Phạm Quốc Huy - Phòng Kinh tế',
        'TP. Hồ Chí Minh, ngày 02 tháng 7 năm 2025',
      ])
        expect(text).toContain(s);
      const old = flat(pdfText((await getPdf(`/dossiers/${id}/forms/supplement-request.pdf`, officerA)).bytes));
      for (const s of ['Mẫu số 02 (Thông tư số 01/2018/TT-VPCP)', 'Lý do: Thiếu bản sao sổ đỏ', 'liên hệ Trần Minh - Phòng Tài nguyên và Môi trường'])
        expect(old).toContain(s);
      await expectConflict(`/dossiers/${june.id}/forms/supplement-request.pdf`, clerkB, /has no supplement request/);
    });

    it('form 03: the refusal of a refused resolution; 409 for a dossier that was not refused', async () => {
      const r = await getPdf(`/dossiers/${others.march.id}/forms/refusal.pdf`, clerkA);
      expect(r.status).toBe(200);
      expect(r.headers['content-disposition']).toBe(`inline; filename="${others.march.code}-phieu-tu-choi.pdf"`);
      const text = flat(pdfText(r.bytes));
      for (const s of [
        'Mẫu số 03 (Thông tư số 01/2018/TT-VPCP)',
        'PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ',
        'Kính gửi: Lý Thị Mười',
        'Ngày 10/03/2025',
        'Nghị định số 61/2018/NĐ-CP',
      ])
        expect(text).toContain(s);
      await expectConflict(`/dossiers/${id}/forms/refusal.pdf`, clerkA, /was not refused/);
    });

    it('form 05 (Thông tư 03/2025): the notice of stopping of a withdrawn dossier; 409 for one still in processing', async () => {
      const r = await getPdf(`/dossiers/${stopped.id}/forms/stop-notice.pdf`, clerkB);
      expect(r.status).toBe(200);
      expect(r.headers['content-disposition']).toBe(`inline; filename="${stopped.code}-thong-bao-dung-giai-quyet.pdf"`);
      const text = flat(pdfText(r.bytes));
      for (const s of [
        'Mẫu số 05 (Thông tư số 03/2025/TT-VPCP)',
        'THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ',
        'Kính gửi: Bùi Văn Dừng',
        'kể từ 15 giờ 30 phút, ngày 04/07/2025',
        'Lý do: Công dân đề nghị dừng giải quyết',
        'Phạm Văn Bình',
      ])
        expect(text).toContain(s);
      // a 2018 dossier: Thông tư 01/2018 has no such form, so no form number
      const old = flat(pdfText((await getPdf(`/dossiers/${june.id}/forms/stop-notice.pdf`, clerkB)).bytes));
      expect(old).toContain('THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ');
      expect(old).not.toContain('Mẫu số');
      await expectConflict(`/dossiers/${july.id}/forms/stop-notice.pdf`, clerkB, /is not withdrawn/);
      await expectConflict(`/dossiers/${id}/forms/stop-notice.pdf`, clerkA, /is not withdrawn/);
    });

    it('the new forms are scoped like the others', async () => {
      expect((await getPdf(`/dossiers/${stopped.id}/forms/stop-notice.pdf`, clerkA)).status).toBe(404);
      expect((await getPdf(`/dossiers/${july.id}/forms/supplement-request.pdf`)).status).toBe(401);
      expect((await getPdf(`/dossiers/not-a-uuid/forms/refusal.pdf`, admin)).status).toBe(400);
    });
  });

  it('documents the form routes in OpenAPI as application/pdf', async () => {
    const doc = await h.request('GET', '/docs/openapi.json');
    expect(doc.status).toBe(200);
    for (const p of [
      '/api/v1/dossiers/{id}/forms/receipt.pdf',
      '/api/v1/dossiers/{id}/forms/apology.pdf',
      '/api/v1/dossiers/{id}/forms/control-sheet.pdf',
      '/api/v1/units/{code}/tracking-book.pdf',
      '/api/v1/dossiers/{id}/forms/supplement-request.pdf',
      '/api/v1/dossiers/{id}/forms/refusal.pdf',
      '/api/v1/dossiers/{id}/forms/stop-notice.pdf',
    ]) {
      expect(doc.body.paths[p]?.get?.responses?.['200']?.content?.['application/pdf']).toBeDefined();
    }
    const year = doc.body.paths['/api/v1/units/{code}/tracking-book.pdf'].get.parameters.find((x: { name: string }) => x.name === 'year');
    expect(year).toMatchObject({ in: 'query', required: true });
  });
});
