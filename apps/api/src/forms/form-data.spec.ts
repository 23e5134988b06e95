import { ReferenceService, SYSTEM_ACTOR } from '@motcua/application';
import { MemoryEventStore } from '@motcua/event-store';
import { controlSheetForm, formSetOfSteps, RecordedStep, refusalForm, supplementRequestForm, trackingBookForm, trackingBookRow } from './form-data';

const P = '000.00.00.H29';
const W = '000.27.01.H29';
const TZ = 'Asia/Ho_Chi_Minh';
const clerk = { id: 'clerk-1', name: 'Lê Thị Thu' };
const officer = { id: 'officer-1', name: 'Trần Minh' };

async function reference() {
  const ref = new ReferenceService(new MemoryEventStore());
  const sys = { actor: SYSTEM_ACTOR, correlationId: 'c', causationId: 'c', now: new Date('2026-01-05T03:00:00Z') };
  await ref.putUnit(P, { name: 'TP. Hồ Chí Minh', level: 'province' }, sys);
  await ref.putUnit(W, { name: 'UBND Phường Sài Gòn', level: 'commune', parentCode: P }, sys);
  return ref.data;
}

const step = (type: string, occurredAt: string, data: object, actor = clerk): RecordedStep => ({ type, occurredAt, actor, data });
const received = (receivedAt: string, extra: object = {}) =>
  step('DossierReceived', receivedAt, {
    dossierId: 'd-1',
    code: `${W}-250701-0001`,
    unitCode: W,
    procedureCode: '1.004227',
    procedureName: 'Đăng ký biến động đất đai',
    field: 'Đất đai',
    channel: 'direct',
    onlineLevel: 'partial',
    applicant: { name: 'Ngô Thị Mồng Một' },
    processingTime: { amount: 3, unit: 'working_day' },
    timeZone: TZ,
    receivedAt,
    dueAt: '2025-07-04T10:00:00.000Z',
    calendarVersion: 'test',
    ...extra,
  });

/** A 2025 dossier through to the return of its result (the #14 events carry their contract fields). */
const day = (): RecordedStep[] => [
  received('2025-07-01T02:00:00.000Z'),
  step('DossierAssigned', '2025-07-01T03:00:00.000Z', {
    assignee: 'officer-1',
    assigneeName: 'Trần Minh',
    department: 'Phòng Kinh tế',
    assignedAt: '2025-07-01T03:00:00.000Z',
  }),
  step(
    'SupplementRequested',
    '2025-07-02T03:00:00.000Z',
    { reason: 'Thiếu giấy tờ', requestedAt: '2025-07-02T03:00:00.000Z', items: [{ name: 'Tờ khai', note: 'bản chính' }], sequence: 1, withinLegalTime: true },
    officer,
  ),
  step('SupplementReceived', '2025-07-03T02:00:00.000Z', {
    receivedAt: '2025-07-03T02:00:00.000Z',
    dueAt: '2025-07-08T10:00:00.000Z',
    calendarVersion: 'test',
    previousDueAt: '2025-07-04T10:00:00.000Z',
  }),
  step('DossierResolved', '2025-07-07T03:00:00.000Z', { outcome: 'approved', resolvedAt: '2025-07-07T03:00:00.000Z' }, officer),
  step('ResultReturned', '2025-07-08T02:30:00.000Z', {
    method: 'counter',
    recipient: { name: 'Trần Văn Bình', idNumber: '079088001234', relation: 'người được ủy quyền' },
    returnedAt: '2025-07-08T02:30:00.000Z',
  }),
];

describe('form view-models from the recorded steps (issue #14 fields)', () => {
  it('a 2025 dossier is printed on the Thông tư 03/2025 forms; without a frozen rule set, by its reception date', async () => {
    expect(formSetOfSteps(day())).toBe('TT03/2025');
    expect(formSetOfSteps([received('2025-06-30T16:59:00.000Z')])).toBe('TT01/2018');
    expect(formSetOfSteps([received('2025-06-30T17:00:00.000Z')])).toBe('TT03/2025');
    expect(formSetOfSteps([received('2025-07-01T02:00:00.000Z', { ruleSet: '2018' })])).toBe('TT01/2018');
    expect(formSetOfSteps([received('2025-07-01T02:00:00.000Z')], { rules2025From: '2025-07-01', tt03FormsFrom: '2025-08-01' })).toBe('TT01/2018');
  });

  it('the control sheet and the tracking book show the real return time and the recipient, not the resolution', async () => {
    const ref = await reference();
    const sheet = controlSheetForm(ref, day(), new Date('2025-07-09T00:00:00Z'));
    expect(sheet.template).toMatchObject({ number: '06', circular: 'Thông tư số 03/2025/TT-VPCP' });
    expect(sheet.rows[sheet.rows.length - 1]).toMatchObject({
      step: 'Trả kết quả cho tổ chức, cá nhân',
      handedOverAt: '2025-07-08T02:30:00.000Z',
      takenAt: '2025-07-08T02:30:00.000Z',
      giver: 'Lê Thị Thu',
      taker: 'Trần Văn Bình (người được ủy quyền)',
      note: 'Trả trực tiếp tại Bộ phận Một cửa',
    });
    const row = trackingBookRow(day(), TZ, 'exact');
    expect(row.returnedAt).toBe('2025-07-08T02:30:00.000Z');
    expect(row.returnedTo).toBe('Trần Văn Bình (người được ủy quyền)');
  });

  it('a corrected return is no return: blank cells again', async () => {
    const ref = await reference();
    const steps = [
      ...day(),
      step('StepCorrected', '2025-07-08T03:00:00.000Z', { undo: 'return-result', reason: 'Nhầm hồ sơ', correctedAt: '2025-07-08T03:00:00.000Z' }),
    ];
    const last = controlSheetForm(ref, steps, new Date('2025-07-09T00:00:00Z')).rows.pop()!;
    expect(last.handedOverAt).toBeUndefined();
    expect(last.taker).toBe('Ngô Thị Mồng Một');
    expect(trackingBookRow(steps, TZ, 'exact').returnedAt).toBeUndefined();
    // resolved but not returned: the book's return cell stays blank (never the resolution time)
    expect(trackingBookRow(day().slice(0, 5), TZ, 'exact')).toMatchObject({ returnedAt: undefined, result: 'Đã giải quyết - Trước hạn' });
  });

  it('form 02 carries the items, the sequence and the assignee as contact', async () => {
    const form = supplementRequestForm(await reference(), day())!;
    expect(form).toMatchObject({
      template: { number: '02' },
      items: [{ name: 'Tờ khai', note: 'bản chính' }],
      sequence: 1,
      reason: 'Thiếu giấy tờ',
      contact: { unit: 'Phòng Kinh tế', person: 'Trần Minh' },
      requestedBy: 'Trần Minh',
    });
  });

  it('form 03 of a dossier refused at the counter: reason, legal basis, the 2025 decree', async () => {
    const ref = await reference();
    const refused = step('DossierRefusedAtReception', '2025-07-02T02:00:00.000Z', {
      dossierId: 'd-2',
      code: `${W}-250702-0001`,
      unitCode: W,
      procedureCode: '1.004227',
      field: 'Đất đai',
      channel: 'direct',
      onlineLevel: 'partial',
      applicant: { name: 'Bùi Văn Từ' },
      timeZone: TZ,
      refusedAt: '2025-07-02T02:00:00.000Z',
      reason: 'Không thuộc thẩm quyền',
      legalBasis: 'Khoản 3 Điều 17',
      ruleSet: '2025',
    });
    expect(refusalForm(ref, [refused])).toMatchObject({
      template: { number: '03', circular: 'Thông tư số 03/2025/TT-VPCP' },
      stage: 'reception',
      code: `${W}-250702-0001`,
      applicantName: 'Bùi Văn Từ',
      reason: 'Không thuộc thẩm quyền',
      legalBasis: 'Khoản 3 Điều 17',
      signedBy: 'Lê Thị Thu',
    });
    expect(refusalForm(ref, [refused])!.decree).toContain('118/2025');
    expect(refusalForm(ref, day())).toBeUndefined();
  });

  it('the tracking book of a year is on the form in force on its last day (or today)', async () => {
    const ref = await reference();
    expect(trackingBookForm(ref, W, 2024, [], new Date('2026-01-05T00:00:00Z')).template?.number).toBe('06');
    expect(trackingBookForm(ref, W, 2025, [], new Date('2026-01-05T00:00:00Z')).template?.number).toBe('07');
    expect(trackingBookForm(ref, W, 2025, [], new Date('2025-06-30T00:00:00Z')).template?.number).toBe('06');
  });
});
