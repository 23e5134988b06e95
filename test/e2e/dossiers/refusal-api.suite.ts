import { randomUUID } from 'node:crypto';
import { DossierEvent, dossierStreamName } from '@motcua/domain';
import { SQL_DRIVER } from '@motcua/platform';
import { dossierSummaryProjection, ProjectionRunner } from '@motcua/projections';
import { SqlDriver } from '@motcua/sql';
import { oracleBlocks, oracleCounts, oracleIndicatorCounts, oracleIndicators } from '../../../libs/application/src/reports/__tests__/report-fixtures';
import { waitCaughtUp, waitFor } from '../../../libs/projections/src/__tests__/support';
import { Harness } from '../../support/api-harness';

const PROVINCE = '000.00.00.H29';
const WARD_A = '000.27.01.H29';
const WARD_B = '000.27.02.H29';
const BIRTH = '1.001612'; // 3 working days, Hộ tịch

/**
 * Issue #14 at the counter, over HTTP against the real app with the read model running (PGlite and
 * PostgreSQL): a dossier refused at the counter (POST /refusals: a code from the reception
 * numbering, status refused-at-reception, terminal, never in the report's received), supplement
 * requests with the one complete list of items, the 3-working-day rule and a second request flagged,
 * the import's `refuse` and items, and bad input that writes nothing.
 */
export function refusalApiSuite(name: string, start: () => Promise<Harness>) {
  describe(`refusal at reception and supplement requests end to end (${name})`, () => {
    let h: Harness;
    let runner: ProjectionRunner;
    let admin: string, clerkA: string, clerkB: string, officerA: string, supervisor: string;

    const applicant = { name: 'Nguyễn Văn An', idNumber: '079203001234', phone: '0901234567' };
    const refusalBody = (extra: Record<string, unknown> = {}) => ({
      unitCode: WARD_A,
      procedureCode: BIRTH,
      channel: 'direct',
      applicant,
      reason: 'Hồ sơ không thuộc thẩm quyền giải quyết của Ủy ban nhân dân phường',
      legalBasis: 'Khoản 2 Điều 18 Nghị định 61/2018/NĐ-CP',
      ...extra,
    });
    const receive = async (occurredAt: string, extra: Record<string, unknown> = {}) => {
      const r = await h.request('POST', '/dossiers', {
        token: clerkA,
        body: { unitCode: WARD_A, procedureCode: BIRTH, channel: 'direct', applicant, occurredAt, ...extra },
      });
      expect(r.status).toBe(201);
      return r.body;
    };
    /** Events written by people on dossier streams and code counters, counted in SQL (see dossier-api.suite). */
    async function eventCount(): Promise<number> {
      const sql = h.app.get<SqlDriver>(SQL_DRIVER);
      const { rows } = await sql.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM es_events WHERE (stream_id LIKE 'dossier-%' OR stream_id LIKE 'code-counter-%') AND coalesce(metadata->'actor'->>'id', '') NOT LIKE 'system:%'`,
      );
      return rows[0].n;
    }
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
      officerA = await h.token({ sub: 'officer-a', roles: ['officer'], units: [WARD_A] });
      supervisor = await h.token({ sub: 'sup-1', roles: ['supervisor'], units: [PROVINCE] });
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
        leaseKey: `test:refusal:${name}:${Date.now()}`,
      });
      await runner.start();
      await waitCaughtUp(runner);
    }, 120_000);

    afterAll(async () => {
      await runner?.stop();
      await h?.close();
    });

    it('refuses one at the counter: a code from the reception numbering, terminal, never received in the report', async () => {
      // Mon 3 Mar 2025: reception #1, refusal #2, reception #3 in one unit-day (one receipt book)
      const first = await receive('2025-03-03T08:00:00+07:00');
      const id = randomUUID();
      const r = await h.request('POST', '/refusals', { token: clerkA, body: refusalBody({ id, occurredAt: '2025-03-03T08:30:00+07:00' }) });
      expect(r.status).toBe(201);
      expect(r.headers['content-type']).toMatch(/application\/json/);
      expect(r.headers.location).toBe(`/api/v1/dossiers/${id}`);
      expect(r.body).toMatchObject({
        id,
        status: 'refused-at-reception',
        version: 1,
        refusalReason: refusalBody().reason,
        legalBasis: refusalBody().legalBasis,
        applicant: { name: applicant.name },
      });
      expect(new Date(r.body.refusedAt).toISOString()).toBe('2025-03-03T01:30:00.000Z');
      expect(r.body.dueAt).toBeUndefined();
      expect(r.body.receivedAt).toBeUndefined();
      const third = await receive('2025-03-03T09:00:00+07:00');
      const seq = (code: string) => Number(code.slice(-4));
      expect(r.body.code).toMatch(/^000\.27\.01\.H29-250303-\d{4}$/);
      expect([seq(first.code), seq(r.body.code), seq(third.code)]).toEqual([seq(first.code), seq(first.code) + 1, seq(first.code) + 2]);

      // the same refusal again (client id, then Idempotency-Key): nothing appended
      const before = await eventCount();
      const again = await h.request('POST', '/refusals', { token: clerkA, body: refusalBody({ id, occurredAt: '2025-03-03T08:30:00+07:00' }) });
      expect(again.status).toBe(201);
      expect(again.body).toMatchObject({ id, code: r.body.code, version: 1 });
      const key = randomUUID();
      const k1 = await h.request('POST', '/refusals', {
        token: clerkA,
        body: refusalBody({ occurredAt: '2025-03-03T10:00:00+07:00' }),
        headers: { 'idempotency-key': key },
      });
      const k2 = await h.request('POST', '/refusals', {
        token: clerkA,
        body: refusalBody({ occurredAt: '2025-03-03T10:00:00+07:00' }),
        headers: { 'idempotency-key': key },
      });
      expect(k1.status).toBe(201);
      expect(k2.body).toEqual(k1.body);
      expect(k2.headers['idempotent-replayed']).toBe('true');
      expect(await eventCount()).toBe(before + 2); // one refusal + its code allocation
      // a reception under the refused id is a clash
      const clash = await h.request('POST', '/dossiers', {
        token: clerkA,
        body: { id, unitCode: WARD_A, procedureCode: BIRTH, channel: 'direct', applicant, occurredAt: '2025-03-03T11:00:00+07:00' },
      });
      expect(clash.status).toBe(409);

      // terminal: every step answers 422 dossier-closed and writes nothing
      const n = await eventCount();
      const steps: [string, string, Record<string, unknown>][] = [
        [officerA, 'assign', { assignee: 'officer-a' }],
        [officerA, 'request-supplement', { reason: 'Thiếu', items: [{ name: 'Tờ khai' }] }],
        [clerkA, 'receive-supplement', {}],
        [supervisor, 'apologise', { reason: 'Chậm', newDueAt: '2025-03-20T17:00:00+07:00' }],
        [officerA, 'resolve', { outcome: 'approved' }],
        [clerkA, 'withdraw', { reason: 'Rút' }],
        [clerkA, 'rate', { rating: 'satisfied' }],
      ];
      for (const [token, step, body] of steps) {
        const s = await h.request('POST', `/dossiers/${id}/${step}`, { token, body });
        expect({ step, status: s.status }).toEqual({ step, status: 422 });
        expect(s.headers['content-type']).toMatch(/application\/problem\+json/);
        expect(s.body.detail).toMatch(/refused at reception/);
      }
      expect(await eventCount()).toBe(n);
      // the forms of a received dossier do not apply to it (409 problem+json, never a 500); its own slip is refusal.pdf
      for (const form of ['receipt', 'control-sheet', 'apology']) {
        const f = await h.request('GET', `/dossiers/${id}/forms/${form}.pdf`, { token: clerkA });
        expect({ form, status: f.status }).toEqual({ form, status: 409 });
        expect(f.headers['content-type']).toMatch(/application\/problem\+json/);
      }

      // the read model: listed under its status, never counted as received
      await readModelHolds(id, 1);
      await readModelHolds(third.id, 1);
      await readModelHolds(k1.body.id, 1);
      const listed = await h.request('GET', `/dossiers?unitCode=${WARD_A}&status=refused-at-reception`, { token: clerkA });
      expect(listed.status).toBe(200);
      expect(listed.body.items.map((i: { id: string }) => i.id).sort()).toEqual([id, k1.body.id].sort());
      expect(listed.body.items.find((i: { id: string }) => i.id === id)).toMatchObject({ code: r.body.code, status: 'refused-at-reception' });
      const open = await h.request('GET', `/dossiers?unitCode=${WARD_A}&status=received,assigned,awaiting-supplement`, { token: clerkA });
      expect(open.body.items.map((i: { id: string }) => i.id)).not.toContain(id);
      const overdue = await h.request('GET', `/dossiers?unitCode=${WARD_A}&overdue=true`, { token: clerkA });
      expect(overdue.body.items.map((i: { id: string }) => i.id)).not.toContain(id);

      const report = await h.request('GET', `/statistics?unitCode=${WARD_A}&from=2025-03-01&to=2025-03-31`, { token: supervisor });
      expect(report.status).toBe(200);
      // every dossier of the unit so far (this test is the suite's first): 2 receptions, 2 refusals
      const dossiers = await Promise.all(
        [first.id, id, k1.body.id, third.id].map(async (d: string) => ({
          id: d,
          events: (await h.store.readStream(dossierStreamName(d))).map((e) => ({ type: e.type, data: e.data }) as DossierEvent),
        })),
      );
      expect(dossiers.map((d) => d.events[0].type)).toEqual(['DossierReceived', 'DossierRefusedAtReception', 'DossierRefusedAtReception', 'DossierReceived']);
      const { unitCode: _u, from: _f, to: _t, rows: _r, indicators, ...blocks } = report.body;
      expect(blocks.received).toEqual({ total: 2, newInPeriod: 2, carriedOver: 0, byChannel: { direct: 2, online: 0, postal: 0 } });
      expect(blocks).toEqual(oracleBlocks(oracleCounts({ dossiers }, [WARD_A], '2025-03-01', '2025-03-31')));
      // the refusals are counted by the QĐ 766 indicators (issue #18), nowhere in Biểu 06
      expect(indicators).toEqual(
        oracleIndicators(
          oracleCounts({ dossiers }, [WARD_A], '2025-03-01', '2025-03-31'),
          oracleIndicatorCounts({ dossiers }, [WARD_A], '2025-03-01', '2025-03-31'),
        ),
      );
      expect(indicators.refusedAtReception).toBe(2);
      // no timer, no alert: the refused dossier's stream holds its one event
      expect((await h.store.readStream(dossierStreamName(id))).map((e) => e.type)).toEqual(['DossierRefusedAtReception']);
    }, 120_000);

    it('records the supplement list, the 3-working-day rule and flags a second request', async () => {
      // received Mon 3 Mar 2025 09:00: the request is within the legal time until Thu 6 Mar 17:00
      const d = await receive('2025-03-03T09:00:00+07:00');
      const items = [{ name: 'Bản sao giấy chứng sinh', note: 'bản sao có chứng thực' }, { name: 'Giấy đăng ký kết hôn của cha mẹ' }];
      const first = await h.request('POST', `/dossiers/${d.id}/request-supplement`, {
        token: officerA,
        body: { reason: 'Hồ sơ chưa đầy đủ', items, occurredAt: '2025-03-06T17:00:00+07:00' },
      });
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ status: 'awaiting-supplement', supplementRequestFlagged: false });
      expect(first.body.supplementRequests).toEqual([
        { reason: 'Hồ sơ chưa đầy đủ', items, requestedAt: '2025-03-06T10:00:00.000Z', withinLegalTime: true, sequence: 1 },
      ]);
      await h.request('POST', `/dossiers/${d.id}/receive-supplement`, { token: clerkA, body: { occurredAt: '2025-03-07T08:00:00+07:00' } });
      // a second request (Mon 10 Mar): late and a breach of "một lần đầy đủ"
      const second = await h.request('POST', `/dossiers/${d.id}/request-supplement`, {
        token: officerA,
        body: { reason: 'Thiếu thêm giấy tờ', items: [{ name: 'Ảnh 4x6' }], occurredAt: '2025-03-10T09:00:00+07:00' },
      });
      expect(second.status).toBe(200);
      expect(second.body.supplementRequestFlagged).toBe(true);
      expect(second.body.supplementRequests[1]).toEqual({
        reason: 'Thiếu thêm giấy tờ',
        items: [{ name: 'Ảnh 4x6' }],
        requestedAt: '2025-03-10T02:00:00.000Z',
        withinLegalTime: false,
        sequence: 2,
      });
      const view = await h.request('GET', `/dossiers/${d.id}`, { token: supervisor });
      expect(view.body.supplementRequests.map((r: { sequence: number; withinLegalTime: boolean }) => [r.sequence, r.withinLegalTime])).toEqual([
        [1, true],
        [2, false],
      ]);
      // the fact is kept in the read model for the report's future indicators
      await readModelHolds(d.id, 4);
      const sql = h.app.get<SqlDriver>(SQL_DRIVER);
      const { rows } = await sql.query('SELECT supplement_requests_late, supplement_requests_repeated FROM dossier_summary WHERE id = $1', [d.id]);
      expect(rows[0]).toEqual({ supplement_requests_late: 1, supplement_requests_repeated: 1 });
    }, 120_000);

    it('imports `refuse` lines and supplement requests with items through the command table', async () => {
      const refused = randomUUID();
      const received = randomUUID();
      const lines = [
        { command: 'refuse', dossierId: refused, ...refusalBody({ occurredAt: '2025-03-04T08:00:00+07:00' }) },
        {
          command: 'receive',
          dossierId: received,
          unitCode: WARD_A,
          procedureCode: BIRTH,
          channel: 'postal',
          applicant,
          occurredAt: '2025-03-04T08:10:00+07:00',
        },
        { command: 'request-supplement', dossierId: received, reason: 'Thiếu', items: [{ name: 'Tờ khai' }], occurredAt: '2025-03-04T09:00:00+07:00' },
        { command: 'resolve', dossierId: refused, outcome: 'approved', occurredAt: '2025-03-04T10:00:00+07:00' },
        { command: 'request-supplement', dossierId: received, reason: 'Thiếu', items: [{ name: '' }] },
        { command: 'refuse', dossierId: randomUUID(), ...refusalBody({ reason: undefined }) },
      ];
      const r = await h.request('POST', '/imports', {
        token: admin,
        raw: lines.map((l) => JSON.stringify(l)).join('\n') + '\n',
        headers: { 'content-type': 'application/x-ndjson' },
      });
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ accepted: 3, rejected: 3 });
      expect(r.body.errors.map((e: { line: number; status: number }) => [e.line, e.status])).toEqual([
        [4, 422],
        [5, 400],
        [6, 400],
      ]);
      const refusedView = (await h.request('GET', `/dossiers/${refused}`, { token: clerkA })).body;
      expect(refusedView).toMatchObject({ status: 'refused-at-reception', code: expect.stringMatching(/^000\.27\.01\.H29-250304-\d{4}$/) });
      const receivedView = (await h.request('GET', `/dossiers/${received}`, { token: clerkA })).body;
      expect(Number(receivedView.code.slice(-4))).toBe(Number(refusedView.code.slice(-4)) + 1);
      expect(receivedView.supplementRequests).toEqual([
        { reason: 'Thiếu', items: [{ name: 'Tờ khai' }], requestedAt: '2025-03-04T02:00:00.000Z', withinLegalTime: true, sequence: 1 },
      ]);
    }, 120_000);

    it('turns bad input on POST /refusals and on supplement items into a problem+json 4xx that writes nothing', async () => {
      const open = await receive('2025-03-05T09:00:00+07:00');
      const before = await eventCount();
      const cases: [string, string, string, unknown, number][] = [
        [clerkA, 'POST', '/refusals', refusalBody({ reason: undefined }), 400],
        [clerkA, 'POST', '/refusals', refusalBody({ reason: '' }), 400],
        [clerkA, 'POST', '/refusals', refusalBody({ reason: 'x'.repeat(2001) }), 400],
        [clerkA, 'POST', '/refusals', refusalBody({ reason: '   ' }), 422],
        [clerkA, 'POST', '/refusals', refusalBody({ legalBasis: '' }), 400],
        [clerkA, 'POST', '/refusals', refusalBody({ legalBasis: 42 }), 400],
        [clerkA, 'POST', '/refusals', refusalBody({ extra: 1 }), 400],
        [clerkA, 'POST', '/refusals', refusalBody({ channel: 'fax' }), 400],
        [clerkA, 'POST', '/refusals', refusalBody({ applicant: {} }), 400],
        [clerkA, 'POST', '/refusals', refusalBody({ id: 'not-a-uuid' }), 400],
        [clerkA, 'POST', '/refusals', refusalBody({ procedureCode: 'NOPE' }), 422],
        [clerkA, 'POST', '/refusals', refusalBody({ unitCode: 'NOPE' }), 422],
        [clerkA, 'POST', '/refusals', refusalBody({ occurredAt: '2099-01-01T00:00:00Z' }), 422],
        [clerkA, 'POST', '/refusals', refusalBody({ occurredAt: '1999-01-01T00:00:00Z' }), 422],
        [clerkA, 'POST', '/refusals', refusalBody({ occurredAt: '2025-03-05T09:00:00' }), 400],
        [clerkA, 'POST', '/refusals', refusalBody({ reason: 'a\u0000b' }), 400],
        [clerkB, 'POST', '/refusals', refusalBody(), 403],
        [officerA, 'POST', '/refusals', refusalBody(), 403],
        [clerkA, 'POST', '/refusals', refusalBody({ id: open.id }), 409],
        [officerA, 'POST', `/dossiers/${open.id}/request-supplement`, { reason: 'r', items: [] }, 400],
        [officerA, 'POST', `/dossiers/${open.id}/request-supplement`, { reason: 'r', items: [{ name: '' }] }, 400],
        [officerA, 'POST', `/dossiers/${open.id}/request-supplement`, { reason: 'r', items: [{ note: 'x' }] }, 400],
        [officerA, 'POST', `/dossiers/${open.id}/request-supplement`, { reason: 'r', items: [{ name: 'a', extra: 1 }] }, 400],
        [officerA, 'POST', `/dossiers/${open.id}/request-supplement`, { reason: 'r', items: [{ name: 'a'.repeat(501) }] }, 400],
        [officerA, 'POST', `/dossiers/${open.id}/request-supplement`, { reason: 'r', items: [{ name: 'a', note: 'n'.repeat(1001) }] }, 400],
        [officerA, 'POST', `/dossiers/${open.id}/request-supplement`, { reason: 'r', items: Array.from({ length: 51 }, () => ({ name: 'a' })) }, 400],
        [officerA, 'POST', `/dossiers/${open.id}/request-supplement`, { reason: 'r', items: 'Tờ khai' }, 400],
        [officerA, 'POST', `/dossiers/${open.id}/request-supplement`, { reason: 'r', items: [{ name: '  ' }] }, 422],
      ];
      for (const [token, method, url, body, status] of cases) {
        const r = await h.request(method, url, { token, body });
        expect({ url, body, status: r.status }).toEqual({ url, body, status });
        expect(r.headers['content-type']).toMatch(/application\/problem\+json/);
        expect(r.body).toMatchObject({ status, title: expect.any(String), detail: expect.any(String) });
      }
      expect(await eventCount()).toBe(before);
    }, 120_000);
  });
}
