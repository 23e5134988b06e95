import { randomUUID } from 'node:crypto';
import { SQL_DRIVER } from '@motcua/platform';
import { dossierSummaryProjection, ProjectionRunner } from '@motcua/projections';
import { SqlDriver } from '@motcua/sql';
import { waitFor } from '../../../libs/projections/src/__tests__/support';
import { Harness } from '../../support/api-harness';

const PROVINCE = '000.00.00.H29';
const DISTRICT = '000.00.27.H29';
const WARD_A = '000.27.01.H29';
const WARD_B = '000.27.02.H29';
const BIRTH = '1.001612'; // 3 working days, Hộ tịch
const HOUR = '1.000001'; // 1 working hour
const HALF = '1.000002'; // half a day

/**
 * End-to-end over HTTP against the real app (dossier issue): run against PGlite and PostgreSQL.
 */
export function dossierApiSuite(name: string, start: () => Promise<Harness>) {
  describe(`dossier API end to end (${name})`, () => {
    let h: Harness;
    let admin: string, clerkA: string, clerkB: string, officerA: string, supervisor: string, auditor: string;

    /**
     * Events written by people (commands and imports) on dossier streams, counted in SQL: every
     * committed row, whether or not the log's readers may show it yet (a long transaction elsewhere
     * in the cluster, such as another test file's, holds back what `readAll` shows). Deadline alerts,
     * written by the service's own components (`system:…`) at any moment, are not counted: only
     * what a command under test can write.
     */
    async function eventCount(): Promise<number> {
      const sql = h.app.get<SqlDriver>(SQL_DRIVER);
      const { rows } = await sql.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM es_events WHERE stream_id LIKE 'dossier-%' AND coalesce(metadata->'actor'->>'id', '') NOT LIKE 'system:%'`,
      );
      return rows[0].n;
    }

    beforeAll(async () => {
      h = await start();
      admin = await h.token({ sub: 'admin-1', name: 'Quản trị', roles: ['admin'], units: [PROVINCE] });
      clerkA = await h.token({ sub: 'clerk-a', name: 'Lê Thị Thu', roles: ['clerk'], units: [WARD_A] });
      clerkB = await h.token({ sub: 'clerk-b', name: 'Phạm Văn Bình', roles: ['clerk'], units: [WARD_B] });
      officerA = await h.token({ sub: 'officer-a', name: 'Trần Minh', roles: ['officer'], units: [WARD_A] });
      supervisor = await h.token({ sub: 'sup-1', name: 'Võ Thanh', roles: ['supervisor'], units: [DISTRICT] });
      auditor = await h.token({ sub: 'aud-1', roles: ['auditor'], units: [PROVINCE] });
      const put = async (url: string, body: unknown) => {
        const r = await h.request('PUT', url, { token: admin, body });
        expect([200, 201]).toContain(r.status);
        return r;
      };
      await put(`/units/${PROVINCE}`, { name: 'TP. Hồ Chí Minh', level: 'province' });
      await put(`/units/${DISTRICT}`, { name: 'Quận 1', level: 'district', parentCode: PROVINCE });
      await put(`/units/${WARD_A}`, { name: 'Phường Bến Nghé', level: 'commune', parentCode: DISTRICT });
      await put(`/units/${WARD_B}`, { name: 'Phường Đa Kao', level: 'commune', parentCode: DISTRICT });
      await put(`/procedures/${BIRTH}`, {
        name: 'Đăng ký khai sinh',
        field: 'Hộ tịch',
        processingTime: { amount: 3, unit: 'working_day' },
        onlineLevel: 'full',
      });
      await put(`/procedures/${HOUR}`, { name: 'Chứng thực bản sao', field: 'Chứng thực', processingTime: { amount: 1, unit: 'working_hour' } });
      await put(`/procedures/${HALF}`, { name: 'Xác nhận tình trạng hôn nhân', field: 'Hộ tịch', processingTime: { amount: 1, unit: 'half_day' } });
    }, 120_000);
    afterAll(async () => h?.close());

    const receive = (token: string, body: Record<string, unknown>, headers?: Record<string, string>) =>
      h.request('POST', '/dossiers', {
        token,
        body: {
          unitCode: WARD_A,
          procedureCode: BIRTH,
          channel: 'direct',
          applicant: { name: 'Nguyễn Văn An', idNumber: '079203001234', phone: '0901234567' },
          ...body,
        },
        headers,
      });

    it('publishes an OpenAPI document describing every route, without a token', async () => {
      const doc = await h.request('GET', '/docs/openapi.json');
      expect(doc.status).toBe(200);
      const paths = Object.keys(doc.body.paths);
      for (const p of [
        '/api/v1/units/{code}',
        '/api/v1/units',
        '/api/v1/procedures/{code}',
        '/api/v1/procedures',
        '/api/v1/calendar/{year}',
        '/api/v1/dossiers',
        '/api/v1/dossiers/{id}',
        '/api/v1/dossiers/{id}/history',
        '/api/v1/dossiers/{id}/assign',
        '/api/v1/dossiers/{id}/request-supplement',
        '/api/v1/dossiers/{id}/receive-supplement',
        '/api/v1/dossiers/{id}/apologise',
        '/api/v1/dossiers/{id}/resolve',
        '/api/v1/dossiers/{id}/withdraw',
        '/api/v1/dossiers/{id}/rate',
        '/api/v1/dossiers/{id}/pause',
        '/api/v1/dossiers/{id}/resume',
        '/api/v1/dossiers/{id}/return-result',
        '/api/v1/dossiers/{id}/correct',
        '/api/v1/refusals',
        '/api/v1/imports',
        '/api/v1/health',
      ])
        expect(paths).toContain(p);
      expect(doc.body.paths['/api/v1/dossiers'].post.requestBody).toBeDefined();
      expect(doc.body.paths['/api/v1/refusals'].post.requestBody).toBeDefined();
      expect(Object.keys(doc.body.components.schemas.RequestSupplementDto.properties)).toEqual(expect.arrayContaining(['reason', 'items']));
      const ui = await h.request('GET', '/docs');
      expect(ui.status).toBe(200);
    });

    it('serves reference data and the calendar (official years and the fallback)', async () => {
      const units = await h.request('GET', '/units', { token: clerkA });
      expect(units.status).toBe(200);
      expect(units.body.items.map((u: { code: string }) => u.code)).toEqual(expect.arrayContaining([PROVINCE, DISTRICT, WARD_A, WARD_B]));
      const cal = await h.request('GET', '/calendar/2025', { token: clerkA });
      expect(cal.body).toMatchObject({ year: 2025, source: 'official', workingDays: ['2025-04-26'] });
      expect(cal.body.holidays).toEqual(expect.arrayContaining(['2025-04-30', '2025-05-01', '2025-05-02']));
      const fb = await h.request('GET', '/calendar/2031', { token: clerkA });
      expect(fb.body.source).toBe('fallback');
      expect(fb.body.note).toMatch(/no official data/i);
      const unit = await h.request('PUT', `/units/X-1`, { token: admin, body: { name: 'X', level: 'commune', parentCode: 'NOPE' } });
      expect(unit.status).toBe(422);
      expect(unit.headers['content-type']).toMatch(/application\/problem\+json/);
    });

    it('runs a full lifecycle with legal due times, history and asOf', async () => {
      // Fri 25 Apr 2025 10:00 (+07): 3 working days → Tue 29 Apr 17:00 (26 Apr is a make-up Saturday)
      const r = await receive(clerkA, { occurredAt: '2025-04-25T10:00:00+07:00' });
      expect(r.status).toBe(201);
      const d = r.body;
      expect(d.code).toMatch(new RegExp(`^${WARD_A.replace(/\./g, '\\.')}-250425-\\d{4}$`));
      expect(d.status).toBe('received');
      expect(d.version).toBe(1);
      expect(new Date(d.dueAt).toISOString()).toBe('2025-04-29T10:00:00.000Z');
      const id = d.id;

      const a = await h.request('POST', `/dossiers/${id}/assign`, {
        token: officerA,
        body: { assignee: 'officer-a', occurredAt: '2025-04-25T11:00:00+07:00' },
      });
      expect(a.status).toBe(200);
      expect(a.body).toMatchObject({ status: 'assigned', assignee: 'officer-a', version: 2 });
      const sr = await h.request('POST', `/dossiers/${id}/request-supplement`, {
        token: officerA,
        body: { reason: 'Thiếu bản sao giấy chứng sinh', occurredAt: '2025-04-28T09:00:00+07:00' },
      });
      expect(sr.body.status).toBe('awaiting-supplement');
      // supplement arrives Mon 5 May 08:00: the clock restarts from zero → Thu 8 May 17:00
      const rs = await h.request('POST', `/dossiers/${id}/receive-supplement`, { token: clerkA, body: { occurredAt: '2025-05-05T08:00:00+07:00' } });
      expect(rs.status).toBe(200);
      expect(new Date(rs.body.dueAt).toISOString()).toBe('2025-05-08T10:00:00.000Z');
      const ap = await h.request('POST', `/dossiers/${id}/apologise`, {
        token: supervisor,
        body: { reason: 'Cần xác minh thêm', newDueAt: '2025-05-12T17:00:00+07:00', occurredAt: '2025-05-07T10:00:00+07:00' },
      });
      expect(ap.status).toBe(200);
      expect(new Date(ap.body.dueAt).toISOString()).toBe('2025-05-12T10:00:00.000Z');
      expect(new Date(ap.body.originalDueAt).toISOString()).toBe('2025-05-08T10:00:00.000Z');
      const again = await h.request('POST', `/dossiers/${id}/apologise`, {
        token: supervisor,
        body: { reason: 'lần hai', newDueAt: '2025-05-20T17:00:00+07:00', occurredAt: '2025-05-07T11:00:00+07:00' },
      });
      expect(again.status).toBe(422);
      expect(again.body.detail).toMatch(/once|only one|re-appoint/i);
      const res = await h.request('POST', `/dossiers/${id}/resolve`, {
        token: officerA,
        body: { outcome: 'approved', occurredAt: '2025-05-09T09:00:00+07:00' },
      });
      expect(res.body).toMatchObject({ status: 'resolved', outcome: 'approved', timing: 'late' });
      const rate = await h.request('POST', `/dossiers/${id}/rate`, { token: clerkA, body: { rating: 'satisfied', occurredAt: '2025-05-09T09:30:00+07:00' } });
      expect(rate.body.rating).toBe('satisfied');

      const hist = await h.request('GET', `/dossiers/${id}/history`, { token: auditor });
      expect(hist.status).toBe(200);
      expect(hist.body.events.map((e: { type: string }) => e.type)).toEqual([
        'DossierReceived',
        'DossierAssigned',
        'SupplementRequested',
        'SupplementReceived',
        'ApologyIssued',
        'DossierResolved',
        'SatisfactionRated',
      ]);
      const first = hist.body.events[0];
      expect(first.actor).toMatchObject({ id: 'clerk-a', name: 'Lê Thị Thu' });
      expect(new Date(first.occurredAt).toISOString()).toBe('2025-04-25T03:00:00.000Z');
      expect(Date.parse(first.recordedAt)).toBeGreaterThan(Date.now() - 600_000);
      expect(first.backdated).toBe(true);
      expect(hist.body.events.map((e: { version: number }) => e.version)).toEqual([1, 2, 3, 4, 5, 6, 7]);

      const past = await h.request('GET', `/dossiers/${id}?asOf=2025-04-28T12:00:00%2B07:00`, { token: auditor });
      expect(past.body).toMatchObject({ status: 'awaiting-supplement', version: 3 });
      const byRecorded = await h.request('GET', `/dossiers/${id}?asOf=2020-01-01T00:00:00Z&by=recorded`, { token: auditor });
      expect(byRecorded.status).toBe(404);
      const now = await h.request('GET', `/dossiers/${id}`, { token: clerkA });
      expect(now.body).toMatchObject({ status: 'resolved', version: 7 });
    });

    it('computes the worked due times: lunch break, half day, Sunday, Tết', async () => {
      const due = async (procedureCode: string, occurredAt: string) => {
        const r = await receive(clerkA, { procedureCode, occurredAt });
        expect(r.status).toBe(201);
        return new Date(r.body.dueAt).toISOString();
      };
      expect(await due(HOUR, '2025-04-24T11:10:00+07:00')).toBe('2025-04-24T06:40:00.000Z'); // 13:40
      expect(await due(HALF, '2025-04-24T16:30:00+07:00')).toBe('2025-04-25T04:00:00.000Z'); // 11:00 next day
      expect(await due(BIRTH, '2025-04-20T09:00:00+07:00')).toBe('2025-04-23T10:00:00.000Z'); // Sunday → Wed 17:00
      expect(await due(BIRTH, '2024-02-08T09:00:00+07:00')).toBe('2024-02-19T10:00:00.000Z'); // Tết → Mon 19 Feb
    });

    it('answers 409 with the current version on a stale expectedVersion or If-Match', async () => {
      const id = (await receive(clerkA, {})).body.id;
      const stale = await h.request('POST', `/dossiers/${id}/assign`, { token: officerA, body: { assignee: 'officer-a', expectedVersion: 5 } });
      expect(stale.status).toBe(409);
      expect(stale.body.currentVersion).toBe(1);
      const ok = await h.request('POST', `/dossiers/${id}/assign`, { token: officerA, body: { assignee: 'officer-a' }, headers: { 'if-match': '"1"' } });
      expect(ok.status).toBe(200);
      const staleHeader = await h.request('POST', `/dossiers/${id}/withdraw`, {
        token: clerkA,
        body: { reason: 'Công dân rút' },
        headers: { 'if-match': '"1"' },
      });
      expect(staleHeader.status).toBe(409);
      expect(staleHeader.body.currentVersion).toBe(2);
    });

    it('honours Idempotency-Key and client ids: a retry appends nothing', async () => {
      const key = randomUUID();
      const first = await receive(clerkA, {}, { 'idempotency-key': key });
      expect(first.status).toBe(201);
      const before = await eventCount();
      const retry = await receive(clerkA, {}, { 'idempotency-key': key });
      expect(retry.status).toBe(201);
      expect(retry.body).toEqual(first.body);
      expect(await eventCount()).toBe(before);
      const other = await receive(clerkA, { channel: 'online' }, { 'idempotency-key': key });
      expect(other.status).toBe(422);

      const id = randomUUID();
      const c1 = await receive(clerkA, { id });
      const c2 = await receive(clerkA, { id });
      expect(c2.body.code).toBe(c1.body.code);
      const count = await eventCount();
      await receive(clerkA, { id });
      expect(await eventCount()).toBe(count);
      const k2 = randomUUID();
      const r1 = await h.request('POST', `/dossiers/${id}/assign`, { token: officerA, body: { assignee: 'officer-a' }, headers: { 'idempotency-key': k2 } });
      const n = await eventCount();
      const r2 = await h.request('POST', `/dossiers/${id}/assign`, { token: officerA, body: { assignee: 'officer-a' }, headers: { 'idempotency-key': k2 } });
      expect(r2.body).toEqual(r1.body);
      expect(await eventCount()).toBe(n);
    });

    it('allows and refuses each role per the matrix, and scopes users to their units', async () => {
      const id = (await receive(clerkA, {})).body.id;
      const post = (token: string | undefined, path: string, body: unknown) => h.request('POST', `/dossiers/${id}/${path}`, { token, body });
      expect((await h.request('GET', `/dossiers/${id}`, {})).status).toBe(401);
      expect((await h.request('GET', `/dossiers/${id}`, { token: 'not-a-jwt' })).status).toBe(401);
      expect((await receive(officerA, {})).status).toBe(403); // officers do not receive
      expect((await receive(auditor, {})).status).toBe(403);
      expect((await post(clerkA, 'resolve', { outcome: 'approved' })).status).toBe(403); // clerks do not resolve
      expect((await post(officerA, 'apologise', { reason: 'x', newDueAt: '2099-01-01T00:00:00Z' })).status).toBe(403);
      expect((await post(officerA, 'assign', { assignee: 'someone-else' })).status).toBe(403); // assign to self only
      // another commune's dossier answers exactly like an unknown id (its existence is not revealed)
      expect((await post(clerkB, 'withdraw', { reason: 'x' })).status).toBe(404);
      const foreign = await h.request('GET', `/dossiers/${id}`, { token: clerkB });
      expect(foreign.status).toBe(404);
      expect(foreign.body.detail).toBe(`Dossier ${id} does not exist`);
      expect((await h.request('GET', `/dossiers/${id}/history`, { token: clerkB })).status).toBe(404);
      // reusing its id in the clerk's own commune: 409 saying the id is taken, never A's dossier code
      const code = (await h.request('GET', `/dossiers/${id}`, { token: clerkA })).body.code as string;
      const reuse = await receive(clerkB, { id, unitCode: WARD_B });
      expect(reuse.status).toBe(409);
      expect(reuse.body.detail).toBe(`Dossier id ${id} is already taken: choose another id`);
      expect(JSON.stringify(reuse.body)).not.toContain(code);
      const imported = await h.request('POST', '/imports', {
        token: await h.token({ sub: 'admin-b', roles: ['admin'], units: [WARD_B] }),
        raw:
          JSON.stringify({ command: 'receive', dossierId: id, unitCode: WARD_B, procedureCode: BIRTH, channel: 'direct', applicant: { name: 'Khách' } }) + '\n',
        headers: { 'content-type': 'application/x-ndjson' },
      });
      expect(imported.body).toMatchObject({ accepted: 0, rejected: 1, errors: [{ line: 1, status: 409 }] });
      expect(JSON.stringify(imported.body)).not.toContain(code);
      expect((await receive(clerkB, { unitCode: WARD_A })).status).toBe(403);
      expect(
        (await h.request('PUT', `/procedures/X1`, { token: clerkA, body: { name: 'x', field: 'y', processingTime: { amount: 1, unit: 'working_day' } } }))
          .status,
      ).toBe(403);
      expect((await h.request('POST', '/imports', { token: clerkA, raw: '', headers: { 'content-type': 'application/x-ndjson' } })).status).toBe(403);
      expect((await post(auditor, 'withdraw', { reason: 'x' })).status).toBe(403);
      expect((await h.request('GET', `/dossiers/${id}/history`, { token: auditor })).status).toBe(200);
      expect((await post(supervisor, 'assign', { assignee: 'officer-a' })).status).toBe(200); // a supervisor of the district
      expect((await post(officerA, 'resolve', { outcome: 'refused', note: 'Không đủ điều kiện' })).status).toBe(200);
      expect((await post(clerkA, 'rate', { rating: 'neutral' })).status).toBe(200);
    });

    it('turns bad input into a problem+json 4xx and writes nothing', async () => {
      const id = (await receive(clerkA, {})).body.id;
      await h.request('POST', `/dossiers/${id}/withdraw`, { token: clerkA, body: { reason: 'Công dân rút hồ sơ' } });
      const before = await eventCount();
      const cases: [string, string, unknown, number, string?][] = [
        ['POST', '/dossiers', { unitCode: WARD_A, procedureCode: BIRTH, channel: 'fax', applicant: { name: 'A' } }, 400],
        ['POST', '/dossiers', { unitCode: WARD_A, procedureCode: BIRTH, channel: 'direct' }, 400],
        ['POST', '/dossiers', { unitCode: WARD_A, procedureCode: BIRTH, channel: 'direct', applicant: { name: '' } }, 400],
        ['POST', '/dossiers', { unitCode: WARD_A, procedureCode: BIRTH, channel: 'direct', applicant: { name: 'A' }, occurredAt: '2025-04-25T10:00:00' }, 400],
        ['POST', '/dossiers', { unitCode: WARD_A, procedureCode: BIRTH, channel: 'direct', applicant: { name: 'A' }, extra: 1 }, 400],
        ['POST', '/dossiers', { unitCode: WARD_A, procedureCode: 'NOPE', channel: 'direct', applicant: { name: 'A' } }, 422],
        ['POST', '/dossiers', { unitCode: WARD_A, procedureCode: BIRTH, channel: 'direct', applicant: { name: 'A' }, occurredAt: '2099-01-01T00:00:00Z' }, 422],
        ['POST', `/dossiers/${id}/resolve`, { outcome: 'approved' }, 422],
        ['POST', `/dossiers/${id}/resolve`, { outcome: 'maybe' }, 400],
        ['POST', `/dossiers/${randomUUID()}/resolve`, { outcome: 'approved' }, 404],
        ['POST', `/dossiers/not-a-uuid/resolve`, { outcome: 'approved' }, 400],
      ];
      for (const [method, url, body, status] of cases) {
        const token = url.endsWith('/resolve') ? supervisor : clerkA;
        const r = await h.request(method, url, { token, body });
        expect({ url, body, status: r.status }).toEqual({ url, body, status });
        expect(r.headers['content-type']).toMatch(/application\/problem\+json/);
        expect(r.body).toMatchObject({ status, title: expect.any(String), detail: expect.any(String) });
      }
      const malformed = await h.request('POST', '/dossiers', { token: clerkA, raw: '{"unitCode": ', headers: { 'content-type': 'application/json' } });
      expect(malformed.status).toBe(400);
      expect(malformed.headers['content-type']).toMatch(/application\/problem\+json/);
      const fresh = (await receive(clerkA, { occurredAt: '2025-06-02T10:00:00+07:00' })).body.id;
      const n = await eventCount();
      const backdated = await h.request('POST', `/dossiers/${fresh}/withdraw`, {
        token: clerkA,
        body: { reason: 'x', occurredAt: '2025-06-01T10:00:00+07:00' },
      });
      expect(backdated.status).toBe(422);
      expect(await eventCount()).toBe(n);
      expect(n).toBe(before + 1);
      const missingErrors = await h.request('POST', '/dossiers', {
        token: clerkA,
        body: { unitCode: WARD_A, procedureCode: BIRTH, channel: 'direct', applicant: {} },
      });
      expect(missingErrors.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'applicant.name' })]));
    });

    it('pauses and resumes (due time moved by the working time paused), resolves, returns to an authorised person, corrects a mistaken return and a resolve (issue #14)', async () => {
      const runner = new ProjectionRunner({
        store: h.store,
        driver: h.app.get<SqlDriver>(SQL_DRIVER),
        projections: [dossierSummaryProjection()],
        leaseKey: `test:${name}:steps:${Date.now()}`,
      });
      await runner.start();
      const sql = h.app.get<SqlDriver>(SQL_DRIVER);
      /** The work list `status=…` once the read model holds the dossier at `version`. */
      const listed = async (id: string, version: number, status: string): Promise<boolean> => {
        await waitFor(`dossier ${id} at version ${version} in the read model`, async () => {
          const { rows } = await sql.query<{ version: number }>('SELECT version FROM dossier_summary WHERE id = $1', [id]);
          return rows[0]?.version === version;
        });
        let cursor: string | null = null;
        do {
          const page: { status: number; body: { items: { id: string; status: string }[]; nextCursor: string | null } } = await h.request(
            'GET',
            `/dossiers?unitCode=${WARD_A}&status=${status}&limit=100${cursor ? `&cursor=${cursor}` : ''}`,
            { token: clerkA },
          );
          expect(page.status).toBe(200);
          expect(page.body.items.every((i) => i.status === status)).toBe(true);
          if (page.body.items.some((i) => i.id === id)) return true;
          cursor = page.body.nextCursor;
        } while (cursor);
        return false;
      };
      try {
        // Mon 2 Jun 2025 09:00 (+07), 3 working days → Thu 5 Jun 17:00
        const id = (await receive(clerkA, { occurredAt: '2025-06-02T09:00:00+07:00' })).body.id as string;
        const post = (token: string, step: string, body: Record<string, unknown>) => h.request('POST', `/dossiers/${id}/${step}`, { token, body });
        expect((await post(officerA, 'assign', { assignee: 'officer-a', occurredAt: '2025-06-02T10:00:00+07:00' })).status).toBe(200);

        const paused = await post(officerA, 'pause', { kind: 'fee', reason: 'Chờ nộp lệ phí', occurredAt: '2025-06-04T15:00:00+07:00' });
        expect(paused.status).toBe(200);
        expect(paused.body).toMatchObject({ status: 'paused', timing: null, pauses: [{ kind: 'fee', reason: 'Chờ nộp lệ phí' }] });
        expect(new Date(paused.body.dueAt).toISOString()).toBe('2025-06-05T10:00:00.000Z');
        expect(await listed(id, paused.body.version, 'paused')).toBe(true);

        // while paused: no resolve, no second pause; a clerk of another unit does not see it
        let n = await eventCount();
        expect((await post(officerA, 'resolve', { outcome: 'approved', occurredAt: '2025-06-05T09:00:00+07:00' })).status).toBe(422);
        expect((await post(officerA, 'pause', { kind: 'other', reason: 'lại', occurredAt: '2025-06-05T09:00:00+07:00' })).status).toBe(422);
        expect((await post(clerkB, 'return-result', { method: 'counter' })).status).toBe(404);
        expect(await eventCount()).toBe(n);

        // resumed Mon 9 Jun 09:00: Wed 15:00–17:00 + Thu + Fri + Mon 07:30–09:00 = 120 + 960 + 90 = 1170 working minutes;
        // Thu 5 Jun 17:00 + 1170 → Fri (480), Mon (480), Tue 10 Jun 07:30 + 210 = 11:00
        const resumed = await post(officerA, 'resume', { occurredAt: '2025-06-09T09:00:00+07:00' });
        expect(resumed.status).toBe(200);
        expect(resumed.body).toMatchObject({ status: 'assigned' });
        expect(new Date(resumed.body.dueAt).toISOString()).toBe('2025-06-10T04:00:00.000Z');
        expect(resumed.body.pauses).toEqual([
          expect.objectContaining({ kind: 'fee', pausedAt: '2025-06-04T08:00:00.000Z', resumedAt: '2025-06-09T02:00:00.000Z', pausedWorkingMinutes: 1170 }),
        ]);

        const resolved = await post(officerA, 'resolve', { outcome: 'approved', occurredAt: '2025-06-09T14:00:00+07:00' });
        expect(resolved.body).toMatchObject({ status: 'resolved', timing: 'early', resolvedAt: '2025-06-09T07:00:00.000Z' });
        expect(await listed(id, resolved.body.version, 'resolved')).toBe(true);

        // an early return (before the due time) at the counter to an authorised person
        const recipient = { name: 'Trần Thị Bình', idNumber: '079203009999', relation: 'được ủy quyền' };
        const ret = await post(clerkA, 'return-result', {
          method: 'counter',
          recipient,
          note: 'Trả sớm, đã báo công dân',
          occurredAt: '2025-06-09T15:00:00+07:00',
        });
        expect(ret.status).toBe(200);
        expect(ret.body).toMatchObject({
          status: 'returned',
          timing: 'early',
          returnedAt: '2025-06-09T08:00:00.000Z',
          returnMethod: 'counter',
          returnRecipient: recipient,
        });
        expect(await listed(id, ret.body.version, 'resolved')).toBe(false);
        expect(await listed(id, ret.body.version, 'returned')).toBe(true);

        // the return was recorded on the wrong dossier: only a supervisor corrects it
        n = await eventCount();
        expect((await post(clerkA, 'correct', { undo: 'return-result', reason: 'Trả nhầm hồ sơ' })).status).toBe(403);
        expect(await eventCount()).toBe(n);
        const undone = await post(supervisor, 'correct', { undo: 'return-result', reason: 'Trả nhầm hồ sơ', occurredAt: '2025-06-09T16:00:00+07:00' });
        expect(undone.status).toBe(200);
        expect(undone.body).toMatchObject({ status: 'resolved', resolvedAt: '2025-06-09T07:00:00.000Z' });
        expect(undone.body.returnedAt).toBeUndefined();
        expect(await listed(id, undone.body.version, 'resolved')).toBe(true);

        // the resolve was a mistake too: the dossier is open again and its clock runs (overdue by now)
        const reopened = await post(supervisor, 'correct', { undo: 'resolve', reason: 'Giải quyết nhầm', occurredAt: '2025-06-09T16:30:00+07:00' });
        expect(reopened.body).toMatchObject({ status: 'assigned', timing: 'overdue' });
        expect(reopened.body.resolvedAt).toBeUndefined();
        expect(new Date(reopened.body.dueAt).toISOString()).toBe('2025-06-10T04:00:00.000Z');
        expect(await listed(id, reopened.body.version, 'resolved')).toBe(false);
        expect(await listed(id, reopened.body.version, 'assigned')).toBe(true);
        n = await eventCount();
        const nothing = await post(supervisor, 'correct', { undo: 'resolve', reason: 'lại', occurredAt: '2025-06-09T16:40:00+07:00' });
        expect(nothing.status).toBe(422);
        expect(nothing.body).toMatchObject({ code: 'nothing-to-undo' });
        expect(await eventCount()).toBe(n);

        const hist = await h.request('GET', `/dossiers/${id}/history`, { token: auditor });
        expect(hist.body.events.map((e: { type: string }) => e.type)).toEqual([
          'DossierReceived',
          'DossierAssigned',
          'ProcessingPaused',
          'ProcessingResumed',
          'DossierResolved',
          'ResultReturned',
          'StepCorrected',
          'StepCorrected',
        ]);
      } finally {
        await runner.stop();
      }
    }, 120_000);

    it('refuses bad input on the new steps as problem+json 4xx, writing nothing (issue #14)', async () => {
      const id = (await receive(clerkA, { occurredAt: '2025-06-02T09:00:00+07:00' })).body.id as string;
      const before = await eventCount();
      const cases: [string, string, Record<string, unknown>, number][] = [
        [officerA, 'pause', { kind: 'lunch', reason: 'x' }, 400],
        [officerA, 'pause', { kind: 'fee' }, 400],
        [officerA, 'pause', { kind: 'fee', reason: 'x', extra: 1 }, 400],
        [officerA, 'pause', { kind: 'fee', reason: 'x', occurredAt: '2099-01-01T00:00:00Z' }, 422],
        [officerA, 'pause', { kind: 'fee', reason: 'x', occurredAt: '2025-06-01T09:00:00+07:00' }, 422],
        [officerA, 'resume', {}, 422],
        [officerA, 'resume', { dueAt: '2025-06-20T10:00:00Z' }, 400],
        [clerkA, 'return-result', { method: 'counter' }, 422],
        [clerkA, 'return-result', { method: 'pigeon' }, 400],
        [clerkA, 'return-result', { method: 'counter', recipient: { idNumber: '079203009999' } }, 400],
        [clerkA, 'return-result', { method: 'counter', recipient: 'Bình' }, 400],
        [supervisor, 'correct', { undo: 'resolve' }, 400],
        [supervisor, 'correct', { undo: 'receive', reason: 'x' }, 400],
        [supervisor, 'correct', { undo: 'resolve', reason: 'x' }, 422],
        [supervisor, 'correct', { undo: 'assign', reason: 'x' }, 422],
        [officerA, 'correct', { undo: 'assign', reason: 'x' }, 403],
        [clerkB, 'return-result', { method: 'counter' }, 404],
      ];
      for (const [token, step, body, status] of cases) {
        const r = await h.request('POST', `/dossiers/${id}/${step}`, { token, body });
        expect({ step, body, status: r.status }).toEqual({ step, body, status });
        expect(r.headers['content-type']).toMatch(/application\/problem\+json/);
      }
      expect(await eventCount()).toBe(before);
    });

    it('gives 50 concurrent receptions in one unit and day 50 distinct consecutive codes', async () => {
      const ok = await Promise.all(Array.from({ length: 50 }, () => receive(clerkB, { unitCode: WARD_B, occurredAt: '2025-03-03T09:00:00+07:00' })));
      expect(ok.map((r) => r.status)).toEqual(Array(50).fill(201));
      const seqs = ok.map((r) => Number(r.body.code.slice(-4))).sort((a, b) => a - b);
      expect(seqs).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      expect(new Set(ok.map((r) => r.body.code)).size).toBe(50);
      expect(ok[0].body.code).toMatch(/^000\.27\.02\.H29-250303-\d{4}$/);
    }, 120_000);

    it('imports 10k NDJSON lines and reports exactly the bad lines', async () => {
      const lines: string[] = [];
      const bad = new Map<number, number>();
      const ids: string[] = [];
      for (let i = 0; lines.length < 10_000; i++) {
        const id = randomUUID();
        ids.push(id);
        lines.push(
          JSON.stringify({
            command: 'receive',
            dossierId: id,
            unitCode: WARD_A,
            procedureCode: BIRTH,
            channel: i % 3 === 0 ? 'online' : 'direct',
            applicant: { name: `Công dân ${i}` },
            occurredAt: '2025-03-04T08:00:00+07:00',
          }),
        );
        lines.push(JSON.stringify({ command: 'resolve', dossierId: id, outcome: 'approved', occurredAt: '2025-03-05T08:00:00+07:00' }));
      }
      const mark = (lineNo: number, text: string, status: number) => {
        lines[lineNo - 1] = text;
        bad.set(lineNo, status);
      };
      mark(17, '{"command": "receive", "dossierId": ', 400); // malformed JSON
      bad.set(18, 404); // so its resolve finds no dossier
      mark(101, JSON.stringify({ command: 'teleport', dossierId: ids[60] }), 400);
      bad.set(102, 404);
      mark(
        2001,
        JSON.stringify({ command: 'receive', dossierId: ids[1000], unitCode: WARD_A, procedureCode: 'NOPE', channel: 'direct', applicant: { name: 'X' } }),
        422,
      );
      bad.set(2002, 404); // its resolve then finds no dossier
      mark(5000, JSON.stringify({ command: 'resolve', dossierId: ids[2499], outcome: 'approved', occurredAt: '2025-03-01T08:00:00+07:00' }), 422); // before reception
      const before = await eventCount();
      const r = await h.request('POST', '/imports', { token: admin, raw: lines.join('\n') + '\n', headers: { 'content-type': 'application/x-ndjson' } });
      expect(r.status).toBe(200);
      expect(r.body.rejected).toBe(bad.size);
      expect(r.body.accepted).toBe(10_000 - bad.size);
      expect(r.body.errors.map((e: { line: number; status: number }) => [e.line, e.status])).toEqual([...bad.entries()].sort((a, b) => a[0] - b[0]));
      expect(await eventCount()).toBe(before + r.body.accepted);
    }, 300_000);

    it('two imports and counter receptions at once in one unit and day: every line applied, codes distinct and consecutive', async () => {
      // Each import decides its lines in batches and commits a batch in one transaction; a batch
      // whose code counter another writer moved meanwhile is written again line by line.
      const day = '2025-03-06T09:00:00+07:00';
      const importOf = (n: number) => {
        const ids = Array.from({ length: n }, () => randomUUID());
        const raw = ids
          .map((id, i) =>
            JSON.stringify({
              command: 'receive',
              dossierId: id,
              unitCode: WARD_B,
              procedureCode: BIRTH,
              channel: 'direct',
              applicant: { name: `Công dân ${i}` },
              occurredAt: day,
            }),
          )
          .join('\n');
        return { ids, post: () => h.request('POST', '/imports', { token: admin, raw, headers: { 'content-type': 'application/x-ndjson' } }) };
      };
      const a = importOf(600);
      const b = importOf(600);
      const batches = async (mode: string) => {
        const text = (await h.request('GET', '/metrics')).body as string;
        const m = new RegExp(`^motcua_import_batches_total\\{mode="${mode}"\\} (\\d+)$`, 'm').exec(text);
        return m ? Number(m[1]) : 0;
      };
      const [batchedBefore, retriedBefore] = [await batches('batch'), await batches('line-by-line')];
      const [ra, rb, ...singles] = await Promise.all([
        a.post(),
        b.post(),
        ...Array.from({ length: 20 }, () => receive(clerkB, { unitCode: WARD_B, occurredAt: day })),
      ]);
      expect([ra.body.accepted, ra.body.rejected, rb.body.accepted, rb.body.rejected]).toEqual([600, 0, 600, 0]);
      expect(singles.map((r) => r.status)).toEqual(Array(20).fill(201));
      const codes = [...singles.map((r) => r.body.code as string)];
      for (const id of [...a.ids, ...b.ids]) {
        const d = await h.request('GET', `/dossiers/${id}/history`, { token: admin });
        expect(d.body.events.map((e: { type: string }) => e.type)).toEqual(['DossierReceived']);
        codes.push(d.body.code);
      }
      expect(codes.every((c) => c.startsWith('000.27.02.H29-250306-'))).toBe(true);
      expect(codes.map((c) => Number(c.slice(-4))).sort((x, y) => x - y)).toEqual(Array.from({ length: 1_220 }, (_, i) => i + 1));
      // 2 × 600 lines = 6 batches, each committed whole or (after losing a race on the code
      // counter) line by line; which ones race depends on timing (run-import.spec.ts forces one)
      const [batched, retried] = [(await batches('batch')) - batchedBefore, (await batches('line-by-line')) - retriedBefore];
      expect(batched + retried).toBe(6);
    }, 300_000);

    it('40 parallel assigns per dossier without a time or an expected version all succeed, in order (#12 item 8)', async () => {
      // The client sends no business time: the server's "now" must not be older than the stream it
      // appends to. It used to be taken before the read, so a request overtaken by a later one was
      // refused as "before the dossier's last recorded step" (86 of 120 here).
      const ids = await Promise.all([0, 1, 2].map(async () => (await receive(clerkA, {})).body.id as string));
      const requests = ids.flatMap((id) =>
        Array.from({ length: 40 }, (_, i) =>
          h.request('POST', `/dossiers/${id}/assign`, { token: supervisor, body: { assignee: `officer-${i}`, assigneeName: `Cán bộ ${i}` } }),
        ),
      );
      const answers = await Promise.all(requests);
      const refused = answers.filter((r) => r.status !== 200).map((r) => `${r.status} ${r.body?.detail}`);
      expect(refused).toEqual([]);
      for (const id of ids) {
        const history = await h.request('GET', `/dossiers/${id}/history`, { token: admin });
        const steps = history.body.events as { type: string; occurredAt: string; version: number }[];
        expect(steps.filter((e) => e.type === 'DossierAssigned')).toHaveLength(40);
        const times = steps.map((e) => Date.parse(e.occurredAt));
        expect(times).toEqual([...times].sort((a, b) => a - b));
      }
    }, 120_000);
  });
}
