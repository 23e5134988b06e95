import { execFileSync } from 'node:child_process';
import { SQL_DRIVER } from '@motcua/platform';
import { dossierSummaryProjection, ProjectionRunner } from '@motcua/projections';
import { SqlDriver } from '@motcua/sql';
import { waitCaughtUp, waitFor } from '../../../libs/projections/src/__tests__/support';
import { Harness } from '../../support/api-harness';

const PROVINCE = '000.00.00.H29';
const WARD_A = '000.27.01.H29';
const WARD_B = '000.27.02.H29';
const BIRTH = '1.001612'; // 3 working days, Hộ tịch

/** `pdftotext -layout - -` (poppler-utils) on the bytes, through stdin. */
function pdfText(pdf: Buffer): string {
  return execFileSync('pdftotext', ['-layout', '-', '-'], { input: pdf }).toString('utf8');
}

/**
 * Issue #14's "Done when": one day (and a few) at a commune centre in November 2026, through the
 * HTTP API only, on PGlite and PostgreSQL: receive, refuse one at the counter, ask for a supplement
 * with its list of items, pause for a fee and resume, resolve, return the result to an authorised
 * person, correct a mistaken return; then the forms (Thông tư 03/2025 numbering), the look-ups by
 * code and by name, the public status page with a right and a wrong PIN, and the report.
 */
export function counterDaySuite(name: string, start: () => Promise<Harness>) {
  describe(`a day at the counter under Nghị định 118/2025 (${name})`, () => {
    let h: Harness;
    let runner: ProjectionRunner;
    let admin: string, clerkA: string, clerkB: string, officerA: string, supervisor: string;
    const dao = { name: 'Phạm Thị Hồng Đào', idNumber: '079190004321', phone: '0912345678', email: 'dao@example.vn' };
    const an = { name: 'Nguyễn Văn An', idNumber: '079203001234' };

    const post = async (url: string, token: string, body: Record<string, unknown>, status = 200) => {
      const r = await h.request('POST', url, { token, body });
      expect({ url, status: r.status, detail: r.body?.detail }).toMatchObject({ url, status });
      return r.body;
    };
    const pdf = async (url: string, token: string) => {
      const res = await h.app.inject({ method: 'GET', url: `/api/v1${url}`, headers: { authorization: `Bearer ${token}` } });
      return { status: res.statusCode, text: res.statusCode === 200 ? pdfText(res.rawPayload) : res.body };
    };
    async function readModelHolds(id: string, version: number) {
      const sql = h.app.get<SqlDriver>(SQL_DRIVER);
      await waitFor(
        `dossier ${id} at version ${version} in the read model`,
        async () => {
          const { rows } = await sql.query<{ version: number }>('SELECT version FROM dossier_summary WHERE id = $1', [id]);
          return rows[0]?.version === version;
        },
        60_000,
      );
    }

    beforeAll(async () => {
      h = await start();
      admin = await h.token({ sub: 'admin-1', roles: ['admin'], units: [PROVINCE] });
      clerkA = await h.token({ sub: 'clerk-a', name: 'Lê Thị Thu', roles: ['clerk'], units: [WARD_A] });
      clerkB = await h.token({ sub: 'clerk-b', roles: ['clerk'], units: [WARD_B] });
      officerA = await h.token({ sub: 'officer-a', name: 'Võ Minh Tâm', roles: ['officer'], units: [WARD_A] });
      supervisor = await h.token({ sub: 'sup-1', name: 'Trương Quốc Bảo', roles: ['supervisor'], units: [WARD_A] });
      for (const [url, body] of [
        [`/units/${PROVINCE}`, { name: 'TP. Hồ Chí Minh', level: 'province' }],
        [`/units/${WARD_A}`, { name: 'Phường Bến Nghé', level: 'commune', parentCode: PROVINCE }],
        [`/units/${WARD_B}`, { name: 'Phường Đa Kao', level: 'commune', parentCode: PROVINCE }],
        [`/procedures/${BIRTH}`, { name: 'Đăng ký khai sinh', field: 'Hộ tịch', processingTime: { amount: 3, unit: 'working_day' } }],
      ] as const) {
        const r = await h.request('PUT', url, { token: admin, body });
        expect([200, 201]).toContain(r.status);
      }
      runner = new ProjectionRunner({
        store: h.store,
        driver: h.app.get<SqlDriver>(SQL_DRIVER),
        projections: [dossierSummaryProjection()],
        leaseKey: `test:counter-day:${name}:${Date.now()}`,
      });
      await runner.start();
      await waitCaughtUp(runner);
    }, 120_000);

    afterAll(async () => {
      await runner?.stop();
      await h?.close();
    });

    it('receives, refuses one, supplements with items, pauses, resolves, returns, corrects; then forms, look-ups, the public page and the report', async () => {
      // Monday 2 November 2026, Phường Bến Nghé: a reception, a refusal, another reception (one receipt book)
      const d = await post(
        '/dossiers',
        clerkA,
        { unitCode: WARD_A, procedureCode: BIRTH, channel: 'direct', applicant: dao, occurredAt: '2026-11-02T08:00:00+07:00' },
        201,
      );
      expect(d.lookupPin).toMatch(/^[A-Z2-9]{6}$/);
      const refused = await post(
        '/refusals',
        clerkA,
        {
          unitCode: WARD_A,
          procedureCode: BIRTH,
          channel: 'direct',
          applicant: an,
          occurredAt: '2026-11-02T08:10:00+07:00',
          // handed in at Bến Nghé's centre for Đa Kao's procedure (since 1 July 2025)
          competentUnitCode: WARD_B,
          reason: 'Người nộp không phải cha, mẹ hoặc người có trách nhiệm đi đăng ký khai sinh',
          legalBasis: 'Điều 15 Luật Hộ tịch 2014',
        },
        201,
      );
      expect(refused).toMatchObject({ status: 'refused-at-reception', unitCode: WARD_A, competentUnitCode: WARD_B });
      expect((await h.request('GET', `/dossiers/${refused.id}`, { token: clerkB })).status).toBe(200);
      const other = await post(
        '/dossiers',
        clerkA,
        { unitCode: WARD_A, procedureCode: BIRTH, channel: 'online', applicant: an, occurredAt: '2026-11-02T08:20:00+07:00' },
        201,
      );
      const seq = (code: string) => Number(code.slice(-4));
      expect([seq(refused.code), seq(other.code)]).toEqual([seq(d.code) + 1, seq(d.code) + 2]);

      // the officer asks once for everything missing, within 3 working days: form 02
      const asked = await post(`/dossiers/${d.id}/request-supplement`, officerA, {
        reason: 'Thiếu giấy tờ chứng minh nơi cư trú',
        items: [{ name: 'Bản sao giấy chứng sinh', note: 'bản sao có chứng thực' }, { name: 'Giấy xác nhận thông tin cư trú' }],
        occurredAt: '2026-11-02T10:00:00+07:00',
      });
      expect(asked.status).toBe('awaiting-supplement');
      expect(asked.supplementRequests).toEqual([expect.objectContaining({ withinLegalTime: true, sequence: 1 })]);
      expect(asked.supplementRequestFlagged).toBe(false);
      await post(`/dossiers/${d.id}/receive-supplement`, clerkA, { occurredAt: '2026-11-03T08:00:00+07:00' });

      // paused for the fee from Tuesday 10:00 to 14:00; the due time moves later by the working time paused
      const paused = await post(`/dossiers/${d.id}/pause`, officerA, { kind: 'fee', reason: 'Chờ nộp lệ phí', occurredAt: '2026-11-03T10:00:00+07:00' });
      expect(paused.status).toBe('paused');
      const dueBefore = paused.dueAt as string;
      expect((await h.request('POST', `/dossiers/${d.id}/resolve`, { token: officerA, body: { outcome: 'approved' } })).status).toBe(422);
      const resumed = await post(`/dossiers/${d.id}/resume`, officerA, { occurredAt: '2026-11-03T14:00:00+07:00' });
      expect(resumed.status).toBe('received');
      const pause = resumed.pauses[0];
      expect(pause).toMatchObject({ kind: 'fee', pausedAt: '2026-11-03T03:00:00.000Z', resumedAt: '2026-11-03T07:00:00.000Z' });
      expect(pause.pausedWorkingMinutes).toBeGreaterThan(0);
      expect(Date.parse(resumed.dueAt) - Date.parse(dueBefore)).toBeGreaterThan(0);

      const resolved = await post(`/dossiers/${d.id}/resolve`, officerA, { outcome: 'approved', occurredAt: '2026-11-04T09:00:00+07:00' });
      expect(resolved.status).toBe('resolved');
      await readModelHolds(d.id, resolved.version);
      const waiting = await h.request('GET', `/dossiers?unitCode=${WARD_A}&status=resolved`, { token: clerkA });
      expect(waiting.body.items.map((x: { id: string }) => x.id)).toEqual([d.id]);

      // handed to the wrong person by mistake, corrected by the supervisor, then handed to the authorised one
      await post(`/dossiers/${d.id}/return-result`, clerkA, {
        method: 'counter',
        recipient: { name: 'Trần Văn Sai' },
        occurredAt: '2026-11-04T10:00:00+07:00',
      });
      expect((await h.request('POST', `/dossiers/${d.id}/correct`, { token: clerkA, body: { undo: 'return-result', reason: 'x' } })).status).toBe(403);
      const corrected = await post(`/dossiers/${d.id}/correct`, supervisor, {
        undo: 'return-result',
        reason: 'Ghi nhầm người nhận',
        occurredAt: '2026-11-04T10:05:00+07:00',
      });
      expect(corrected.status).toBe('resolved');
      const returned = await post(`/dossiers/${d.id}/return-result`, clerkA, {
        method: 'counter',
        recipient: { name: 'Trần Thị Bình', idNumber: '079203009999', relation: 'được ủy quyền' },
        occurredAt: '2026-11-04T10:10:00+07:00',
      });
      expect(returned).toMatchObject({ status: 'returned', returnedAt: '2026-11-04T03:10:00.000Z', resolvedAt: '2026-11-04T02:00:00.000Z' });
      await readModelHolds(d.id, returned.version);
      expect((await h.request('GET', `/dossiers?unitCode=${WARD_A}&status=resolved`, { token: clerkA })).body.items).toEqual([]);

      // the forms, numbered by Thông tư 03/2025 (received after 1 July 2025)
      const receipt = await pdf(`/dossiers/${d.id}/forms/receipt.pdf`, clerkA);
      expect(receipt.status).toBe(200);
      expect(receipt.text).toContain('Mẫu số 01');
      expect(receipt.text).toContain(d.lookupPin);
      const slip = await pdf(`/dossiers/${d.id}/forms/supplement-request.pdf`, clerkA);
      expect(slip.text).toContain('Mẫu số 02');
      expect(slip.text).toContain('Bản sao giấy chứng sinh');
      expect(slip.text).toContain('Giấy xác nhận thông tin cư trú');
      const refusal = await pdf(`/dossiers/${refused.id}/forms/refusal.pdf`, clerkA);
      expect(refusal.text).toContain('Mẫu số 03');
      expect(refusal.text).toContain('Điều 15 Luật Hộ tịch 2014');
      const sheet = await pdf(`/dossiers/${d.id}/forms/control-sheet.pdf`, supervisor);
      expect(sheet.text).toContain('Mẫu số 06');
      expect(sheet.text).toContain('Trần Thị Bình');
      expect(sheet.text).not.toContain('Trần Văn Sai');
      expect((await pdf(`/dossiers/${d.id}/forms/stop-notice.pdf`, clerkA)).status).toBe(409);

      // finding it again: the code on the receipt, the name without accents, the phone; never another unit's
      const byCode = await h.request('GET', `/dossiers?code=${encodeURIComponent(d.code)}`, { token: clerkA });
      expect(byCode.body.items.map((x: { id: string }) => x.id)).toEqual([d.id]);
      const byName = await h.request('GET', `/dossiers?q=${encodeURIComponent('pham thi hong dao')}`, { token: clerkA });
      expect(byName.body.items.map((x: { id: string }) => x.id)).toEqual([d.id]);
      const byPhone = await h.request('GET', `/dossiers?q=0912345`, { token: clerkA });
      expect(byPhone.body.items.map((x: { id: string }) => x.id)).toEqual([d.id]);
      expect((await h.request('GET', `/dossiers?code=${encodeURIComponent(d.code)}`, { token: clerkB })).body.items).toEqual([]);

      // the citizen's own look-up: no token, nothing personal; a wrong PIN is the unknown code's 404
      const pub = await h.request('GET', `/public/dossiers/${encodeURIComponent(d.code)}?pin=${d.lookupPin}`);
      expect(pub.status).toBe(200);
      expect(pub.body).toMatchObject({
        code: d.code,
        procedureName: 'Đăng ký khai sinh',
        status: 'returned',
        returnedAt: returned.returnedAt,
        resolvedAt: returned.resolvedAt,
      });
      for (const personal of ['Đào', 'Bình', dao.phone, dao.idNumber, d.id]) expect(JSON.stringify(pub.body)).not.toContain(personal);
      const wrong = await h.request('GET', `/public/dossiers/${encodeURIComponent(d.code)}?pin=${d.lookupPin === 'AAAAAA' ? 'CCCCCC' : 'AAAAAA'}`);
      const unknown = await h.request('GET', `/public/dossiers/${encodeURIComponent(`${WARD_A}-261102-9999`)}?pin=${d.lookupPin}`);
      expect([wrong.status, unknown.status]).toEqual([404, 404]);
      const problem = (b: Record<string, unknown>) => ({ ...b, instance: undefined, correlationId: undefined });
      expect(problem(wrong.body)).toEqual(problem(unknown.body));

      // the report: two received (the refusal is not), one resolved (the return counts as resolved), one pending
      await readModelHolds(other.id, other.version);
      const report = await h.request('GET', `/statistics?unitCode=${WARD_A}&from=2026-11-01&to=2026-11-30`, { token: supervisor });
      expect(report.status).toBe(200);
      expect(report.body.received).toMatchObject({ total: 2, newInPeriod: 2, carriedOver: 0 });
      expect(report.body.resolved.total).toBe(1);
      expect(report.body.resolved.early + report.body.resolved.onTime).toBe(1);
      expect(report.body.pending.total).toBe(1);
    }, 120_000);
  });
}
