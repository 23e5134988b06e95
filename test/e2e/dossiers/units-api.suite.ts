import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { Job } from 'bullmq';
import { DossierService, ReferenceService } from '@motcua/application';
import { dossierStreamName } from '@motcua/domain';
import { loadConfig, Queues, SQL_DRIVER } from '@motcua/platform';
import { alertsProjection, dossierSummaryProjection, ProjectionRunner } from '@motcua/projections';
import { DeadlineTimers, parseNearDeadlinePolicies, TimerData } from '@motcua/timers';
import { SqlDriver } from '@motcua/sql';
import { waitCaughtUp, waitFor } from '../../../libs/projections/src/__tests__/support';
import { Harness } from '../../support/api-harness';

// province P with communes A, B (two units per dossier), agencies C and D (liên thông); communes
// X1..X3 merged into S on 1 July 2025; another province Q with commune Z
const P = '000.00.00.H29';
const A = '000.00.01.H29';
const B = '000.00.02.H29';
const C = '000.00.03.H29';
const D = '000.00.04.H29';
const X = ['000.00.11.H29', '000.00.12.H29', '000.00.13.H29'];
const S = '000.00.10.H29';
const Q = '000.00.00.H30';
const Z = '000.00.01.H30';
const BIRTH = '1.001612'; // 3 working days

const pdftotext = (pdf: Buffer): string => execFileSync('pdftotext', ['-layout', '-', '-'], { input: pdf }).toString('utf8');

/**
 * Issue #16 end to end over HTTP (PGlite and PostgreSQL): receiving and competent unit, liên thông
 * transfers, the report's perspective and pending inside/outside, and the 2025 merge of communes.
 */
export function unitsApiSuite(name: string, start: () => Promise<Harness>) {
  describe(`two units per dossier, liên thông and reorganisation (${name})`, () => {
    let h: Harness;
    let runner: ProjectionRunner;
    let sql: SqlDriver;
    let admin: string, clerkA: string, officerA: string, officerB: string, officerC: string, officerD: string, clerkZ: string, supS: string, supP: string;

    const post = (token: string, url: string, body: Record<string, unknown>) => h.request('POST', url, { token, body });
    const receive = (token: string, body: Record<string, unknown>) =>
      post(token, '/dossiers', { unitCode: A, procedureCode: BIRTH, channel: 'direct', applicant: { name: 'Nguyễn Văn An' }, ...body });
    const report = async (token: string, unit: string, from: string, to: string, extra = '') => {
      const r = await h.request('GET', `/statistics?unitCode=${unit}&from=${from}&to=${to}${extra}`, { token });
      expect(r.status).toBe(200);
      return r.body;
    };
    /** Waits until the read model holds these dossiers at their stream's last version. */
    const settled = async (ids: string[]) => {
      const versions = await Promise.all(ids.map(async (id) => (await h.store.readStream(dossierStreamName(id))).length));
      await waitFor(
        'the read model caught up with these dossiers',
        async () => {
          const { rows } = await sql.query<{ id: string; version: number }>('SELECT id, version FROM dossier_summary WHERE id = ANY($1::text[])', [ids]);
          const got = new Map(rows.map((r) => [r.id, Number(r.version)]));
          return ids.every((id, i) => (got.get(id) ?? 0) >= versions[i]);
        },
        60_000,
      );
    };
    /** The people's events on dossier streams (system components' alerts left out). */
    const eventCount = async () => {
      const { rows } = await sql.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM es_events WHERE stream_id LIKE 'dossier-%' AND coalesce(metadata->'actor'->>'id', '') NOT LIKE 'system:%'`,
      );
      return rows[0].n;
    };

    beforeAll(async () => {
      h = await start();
      sql = h.app.get<SqlDriver>(SQL_DRIVER);
      admin = await h.token({ sub: 'admin-1', roles: ['admin'], units: [P, Q] });
      clerkA = await h.token({ sub: 'clerk-a', roles: ['clerk'], units: [A] });
      officerA = await h.token({ sub: 'officer-a', roles: ['officer'], units: [A] });
      officerB = await h.token({ sub: 'officer-b', roles: ['officer', 'clerk'], units: [B] });
      officerC = await h.token({ sub: 'officer-c', roles: ['officer'], units: [C] });
      officerD = await h.token({ sub: 'officer-d', roles: ['officer'], units: [D] });
      clerkZ = await h.token({ sub: 'clerk-z', roles: ['clerk', 'officer'], units: [Z] });
      supS = await h.token({ sub: 'sup-s', roles: ['supervisor', 'clerk', 'officer'], units: [S] });
      supP = await h.token({ sub: 'sup-p', roles: ['supervisor', 'clerk', 'officer'], units: [P] });
      const units: [string, Record<string, unknown>][] = [
        [P, { name: 'TP. Hồ Chí Minh', level: 'province' }],
        [Q, { name: 'Tỉnh Bình Dương', level: 'province' }],
        [A, { name: 'Phường Bến Nghé', level: 'commune', parentCode: P }],
        [B, { name: 'Phường Đa Kao', level: 'commune', parentCode: P }],
        [C, { name: 'Chi cục Thuế', level: 'district', parentCode: P }],
        [D, { name: 'Văn phòng Đăng ký đất đai', level: 'district', parentCode: P }],
        [Z, { name: 'Phường Phú Cường', level: 'commune', parentCode: Q }],
        ...X.map((x, i): [string, Record<string, unknown>] => [x, { name: `Xã cũ ${i + 1}`, level: 'commune', parentCode: P }]),
        [S, { name: 'Xã mới', level: 'commune', parentCode: P, validFrom: '2025-07-01' }],
      ];
      for (const [code, body] of units) expect([200, 201]).toContain((await h.request('PUT', `/units/${code}`, { token: admin, body })).status);
      const proc = await h.request('PUT', `/procedures/${BIRTH}`, {
        token: admin,
        body: { name: 'Đăng ký khai sinh', field: 'Hộ tịch', processingTime: { amount: 3, unit: 'working_day' } },
      });
      expect([200, 201]).toContain(proc.status);
      runner = new ProjectionRunner({
        store: h.store,
        driver: sql,
        projections: [dossierSummaryProjection(), alertsProjection()],
        leaseKey: `test:units:${name}:${Date.now()}`,
      });
      await runner.start();
      await waitCaughtUp(runner);
    }, 120_000);

    afterAll(async () => {
      await runner?.stop();
      await h?.close();
    });

    it('receives at commune A for commune B: the code keeps A, B resolves, users of either see it, the report counts it for B (competent) and A (receiving)', async () => {
      const r = await receive(clerkA, { competentUnitCode: B, occurredAt: '2025-03-03T09:00:00+07:00' });
      expect(r.status).toBe(201);
      expect(r.body).toMatchObject({ unitCode: A, competentUnitCode: B, transfers: [] });
      expect(r.body.code.startsWith(`${A}-250303-`)).toBe(true);
      const id = r.body.id;
      // users of either unit (and the province above both) see it; another province's do not (404, as unknown)
      for (const token of [clerkA, officerB, supP]) expect((await h.request('GET', `/dossiers/${id}`, { token })).body.competentUnitCode).toBe(B);
      expect((await h.request('GET', `/dossiers/${id}`, { token: clerkZ })).status).toBe(404);
      // B's officer resolves it
      expect((await post(officerB, `/dossiers/${id}/resolve`, { outcome: 'approved', occurredAt: '2025-03-04T09:00:00+07:00' })).status).toBe(200);
      await settled([id]);
      // both units' work lists show it
      for (const [token, unit] of [
        [clerkA, A],
        [officerB, B],
      ])
        expect((await h.request('GET', `/dossiers?unitCode=${unit}`, { token })).body.items.map((i: { id: string }) => i.id)).toContain(id);
      const month = ['2025-03-01', '2025-03-31'] as const;
      expect((await report(officerB, B, ...month)).received.total).toBe(1);
      expect((await report(officerB, B, ...month, '&perspective=competent')).resolved.early).toBe(1);
      expect((await report(officerB, B, ...month, '&perspective=receiving')).received.total).toBe(0);
      expect((await report(clerkA, A, ...month)).received.total).toBe(0);
      expect((await report(clerkA, A, ...month, '&perspective=receiving')).received.total).toBe(1);
      // the province counts it once either way, in B's row (competent) or A's (receiving)
      const byUnit = await report(supP, P, ...month, '&groupBy=unit');
      expect(byUnit.rows.map((row: { key: string }) => row.key)).toContain(B);
      expect(byUnit.rows.map((row: { key: string }) => row.key)).not.toContain(A);
      const byReceiving = await report(supP, P, ...month, '&groupBy=unit&perspective=receiving');
      expect(byReceiving.rows.map((row: { key: string }) => row.key)).toContain(A);
      expect(byReceiving.received.total).toBe(byUnit.received.total);
    });

    it('refuses a competent unit in another province, an unknown one, and a bad perspective, writing nothing', async () => {
      const before = await eventCount();
      const other = await receive(clerkA, { competentUnitCode: Z });
      expect(other.status).toBe(422);
      expect(other.body.detail).toContain(A);
      expect(other.body.detail).toContain(Z);
      expect((await receive(clerkA, { competentUnitCode: 'NOPE' })).status).toBe(422);
      expect((await receive(clerkA, { competentUnitCode: '' })).status).toBe(400);
      expect((await receive(clerkA, { competentUnitCode: 12 })).status).toBe(400);
      expect((await h.request('GET', `/statistics?unitCode=${A}&from=2025-03-01&to=2025-03-31&perspective=both`, { token: clerkA })).status).toBe(400);
      expect(await eventCount()).toBe(before);
    });

    it('liên thông: two agencies at once, each with its own due time; the late one shows on the view, the control sheet and the report', async () => {
      const r = await receive(clerkA, { occurredAt: '2025-03-03T08:00:00+07:00' });
      const id = r.body.id;
      // Mon 3 March 09:00: C gets 1 working day (→ Tue 4 March 17:00, its office hours), D a due time
      const toC = await post(officerA, `/dossiers/${id}/transfers`, {
        toUnitCode: C,
        task: 'Xác nhận nghĩa vụ tài chính',
        processingTime: { amount: 1, unit: 'working_day' },
        occurredAt: '2025-03-03T09:00:00+07:00',
      });
      expect(toC.status).toBe(201);
      expect(toC.body).toMatchObject({ toUnitCode: C, dueAt: '2025-03-04T10:00:00.000Z', dossierId: id, timing: expect.any(String) });
      const toD = await post(officerA, `/dossiers/${id}/transfers`, {
        toUnitCode: D,
        task: 'Đo đạc thửa đất',
        dueAt: '2025-03-05T17:00:00+07:00',
        occurredAt: '2025-03-03T09:05:00+07:00',
      });
      expect(toD.status).toBe(201);
      expect(toD.body.transferId).not.toBe(toC.body.transferId);
      // C returns on its due day (on time); D returns a day after its due time (late)
      const backC = await post(officerC, `/dossiers/${id}/transfers/${toC.body.transferId}/return`, {
        outcome: 'done',
        occurredAt: '2025-03-04T10:00:00+07:00',
      });
      expect(backC.status).toBe(200);
      expect(backC.body).toMatchObject({ transferId: toC.body.transferId, timing: 'on-time', outcome: 'done' });
      // the timers of the transfers still open (D's alone, long past): fired as the timer worker does
      const queues = new Queues(loadConfig({ EVENT_STORE_URL: 'memory://' }, 'api'), { prefix: `motcua-test-units-${randomBytes(4).toString('hex')}` });
      try {
        const timers = new DeadlineTimers({
          store: h.store,
          driver: sql,
          queues,
          reference: h.app.get(ReferenceService),
          dossiers: h.app.get(DossierService),
          config: { queueName: 'deadline-timers', sweepEveryMs: 60_000, concurrency: 1, policies: parseNearDeadlinePolicies('fraction:0.75') },
          runWorker: false,
        });
        const planned = (await timers.timersOf(id)).filter((t) => t.transferId !== undefined);
        expect(planned.map((t) => [t.transferId, t.kind]).sort()).toEqual([
          [toD.body.transferId, 'near-deadline'],
          [toD.body.transferId, 'overdue'],
        ]);
        for (const t of planned) expect((await timers.fire({ id: `${t.transferId}.${t.kind}`, data: t } as Job<TimerData>)).appended).toBe(1);
        for (const t of planned) expect((await timers.fire({ id: `${t.transferId}.${t.kind}`, data: t } as Job<TimerData>)).appended).toBe(0);
      } finally {
        await queues.close();
      }
      // D's overdue alert: for the lead unit (A) and for D, with the transfer and the agency; not for C or B
      await settled([id]);
      const alertsFor = async (token: string) => {
        const r = await h.request('GET', `/alerts?dossierId=${id}`, { token });
        expect(r.status).toBe(200);
        return r.body.items as { kind: string; transferId?: string; toUnitCode?: string; unitCode: string; dueAt: string }[];
      };
      await waitFor('the alerts projected', async () => (await alertsFor(officerA)).length === 2, 60_000);
      for (const token of [officerA, officerD, supP]) {
        expect((await alertsFor(token)).map((a) => [a.kind, a.transferId, a.toUnitCode, a.unitCode, a.dueAt]).sort()).toEqual([
          ['near-deadline', toD.body.transferId, D, A, toD.body.dueAt],
          ['overdue', toD.body.transferId, D, A, toD.body.dueAt],
        ]);
      }
      expect(await alertsFor(officerC)).toEqual([]);
      expect(await alertsFor(officerB)).toEqual([]);
      // the period ends while D still holds it: pending, held elsewhere
      await settled([id]);
      const mid = await report(clerkA, A, '2025-03-01', '2025-03-05');
      expect(mid.pending).toMatchObject({ total: 1, inside: 0, outside: 1 });
      const backD = await post(officerD, `/dossiers/${id}/transfers/${toD.body.transferId}/return`, {
        outcome: 'done',
        note: 'Đã đo đạc',
        occurredAt: '2025-03-06T09:00:00+07:00',
      });
      expect(backD.body).toMatchObject({ timing: 'late' });
      const view = (await h.request('GET', `/dossiers/${id}`, { token: clerkA })).body;
      expect(view.transfers.map((t: { toUnitCode: string; timing: string }) => [t.toUnitCode, t.timing])).toEqual([
        [C, 'on-time'],
        [D, 'late'],
      ]);
      await settled([id]);
      const after = await report(clerkA, A, '2025-03-01', '2025-03-06');
      expect(after.pending).toMatchObject({ total: 1, inside: 1, outside: 0 });
      // the control sheet: one row per hand-off with that agency's timing
      const pdf = await h.app.inject({ method: 'GET', url: `/api/v1/dossiers/${id}/forms/control-sheet.pdf`, headers: { authorization: `Bearer ${clerkA}` } });
      expect(pdf.statusCode).toBe(200);
      const text = pdftotext(pdf.rawPayload);
      expect(text).toContain('Chuyển liên thông');
      expect(text.replace(/\s+/g, ' ')).toContain('Văn phòng Đăng ký');
      expect(text).toMatch(/Trả kết quả liên thông[\s\S]*Đúng hạn/);
      expect(text).toContain('Quá hạn');
    });

    it('refuses an unknown or already returned transfer, a transfer on a closed dossier, and an agency returning another agency’s transfer', async () => {
      const id = (await receive(clerkA, { occurredAt: '2025-03-10T08:00:00+07:00' })).body.id;
      const t = (await post(officerA, `/dossiers/${id}/transfers`, { toUnitCode: C, task: 'Thẩm định', processingTime: { amount: 2, unit: 'working_day' } }))
        .body;
      const before = await eventCount();
      expect((await post(officerA, `/dossiers/${id}/transfers/${randomUUID()}/return`, { outcome: 'done' })).body.code).toBe('unknown-transfer');
      expect((await post(officerD, `/dossiers/${id}/transfers/${t.transferId}/return`, { outcome: 'done' })).status).toBe(404);
      expect(
        (await post(officerA, `/dossiers/${id}/transfers`, { toUnitCode: 'NOPE', task: 'x', processingTime: { amount: 1, unit: 'working_day' } })).status,
      ).toBe(422);
      expect((await post(officerA, `/dossiers/${id}/transfers`, { toUnitCode: C, task: 'x' })).status).toBe(422);
      expect((await post(officerA, `/dossiers/${id}/transfers`, { toUnitCode: C, task: 'x', dueAt: 'tomorrow' })).status).toBe(400);
      expect((await post(officerA, `/dossiers/${id}/transfers/${t.transferId}/return`, { outcome: 'maybe' })).status).toBe(400);
      expect((await post(officerA, `/dossiers/${id}/transfers/${t.transferId}/return`, { outcome: 'done', transferId: randomUUID() })).status).toBe(400);
      expect((await post(clerkA, `/dossiers/${id}/transfers`, { toUnitCode: C, task: 'x', processingTime: { amount: 1, unit: 'working_day' } })).status).toBe(
        403,
      );
      expect(await eventCount()).toBe(before);
      expect((await post(officerC, `/dossiers/${id}/transfers/${t.transferId}/return`, { outcome: 'refused', note: 'Thiếu giấy tờ' })).status).toBe(200);
      const again = await post(officerC, `/dossiers/${id}/transfers/${t.transferId}/return`, { outcome: 'done' });
      expect([again.status, again.body.code]).toEqual([422, 'transfer-already-returned']);
      await post(officerA, `/dossiers/${id}/resolve`, { outcome: 'approved' });
      const closed = await post(officerA, `/dossiers/${id}/transfers`, { toUnitCode: D, task: 'x', processingTime: { amount: 1, unit: 'working_day' } });
      expect([closed.status, closed.body.code]).toEqual([422, 'dossier-closed']);
    });

    it('merges three communes into one: their open dossiers move (once), reception into a closed one names the successor, and the successor’s year is the three before plus its own after', async () => {
      const ids: Record<string, string[]> = {};
      const clerks = await Promise.all(X.map((x) => h.token({ sub: `clerk-${x}`, roles: ['clerk', 'officer'], units: [x] })));
      for (const [i, x] of X.entries()) {
        ids[x] = [];
        for (let k = 0; k <= i + 1; k++) {
          const d = await post(clerks[i], '/dossiers', {
            unitCode: x,
            procedureCode: BIRTH,
            channel: 'online',
            applicant: { name: `Công dân ${i}-${k}` },
            occurredAt: `2025-0${3 + k}-0${2 + i}T09:00:00+07:00`,
          });
          expect(d.status).toBe(201);
          ids[x].push(d.body.id);
        }
        // the first of each is resolved before the merge; the others stay open
        await post(clerks[i], `/dossiers/${ids[x][0]}/resolve`, { outcome: 'approved', occurredAt: `2025-06-2${i}T09:00:00+07:00` });
      }
      const all = Object.values(ids).flat();
      await settled(all);
      const firstHalf = await Promise.all(X.map((x) => report(admin, x, '2025-01-01', '2025-06-30')));
      expect(firstHalf.map((r) => r.received.total)).toEqual([2, 3, 4]);

      const before = await eventCount();
      const results = [];
      for (const x of X) {
        const r = await post(admin, `/units/${x}/succession`, { successorCode: S, effectiveDate: '2025-07-01' });
        expect(r.status).toBe(200);
        results.push(r.body);
      }
      expect(results.map((r) => r.passed)).toEqual([1, 2, 3]);
      expect(results[0]).toMatchObject({ unitCode: X[0], successorCode: S, validTo: '2025-06-30' });
      expect(await eventCount()).toBe(before + 6);
      // a repeat does nothing
      await settled(all);
      const again = await post(admin, `/units/${X[0]}/succession`, { successorCode: S, effectiveDate: '2025-07-01' });
      expect(again.body.passed).toBe(0);
      expect(await eventCount()).toBe(before + 6);
      expect((await h.request('GET', `/units/${S}`, { token: admin })).body.predecessors).toEqual(X);
      // the successor's users see and resolve the moved dossiers; the code is unchanged
      const moved = (await h.request('GET', `/dossiers/${ids[X[2]][1]}`, { token: supS })).body;
      expect(moved).toMatchObject({ competentUnitCode: S, unitCode: X[2] });
      expect(moved.code.startsWith(X[2])).toBe(true);
      const resolved = await post(supS, `/dossiers/${moved.id}/resolve`, { outcome: 'approved', occurredAt: '2025-07-10T09:00:00+07:00' });
      expect([resolved.status, resolved.body.detail]).toEqual([200, undefined]);
      // reception into a closed unit: 422 naming the successor
      const closed = await post(clerks[0], '/dossiers', {
        unitCode: X[0],
        procedureCode: BIRTH,
        channel: 'direct',
        applicant: { name: 'Muộn' },
        occurredAt: '2025-07-02T09:00:00+07:00',
      });
      expect(closed.status).toBe(422);
      expect(closed.body.detail).toContain(S);
      const own = await post(supS, '/dossiers', {
        unitCode: S,
        procedureCode: BIRTH,
        channel: 'direct',
        applicant: { name: 'Mới' },
        occurredAt: '2025-07-03T09:00:00+07:00',
      });
      expect(own.status).toBe(201);
      await settled([...all, own.body.id]);

      const year = await report(supS, S, '2025-01-01', '2025-12-31', '&groupBy=unit');
      const sum = (f: (r: (typeof firstHalf)[number]) => number) => firstHalf.reduce((n, r) => n + f(r), 0);
      expect(year.received.total).toBe(sum((r) => r.received.total) + 1);
      expect(year.resolved.total).toBe(sum((r) => r.resolved.total) + 1);
      expect(year.rows.map((row: { key: string }) => row.key)).toEqual([S, ...X]);
      // an old commune's report over a period before the merge still answers as it did
      const again1 = await Promise.all(X.map((x) => report(admin, x, '2025-01-01', '2025-06-30')));
      expect(again1).toEqual(firstHalf);
      // the province counts each dossier once
      const province = await report(admin, P, '2025-04-01', '2025-12-31');
      expect(province.received.total).toBeGreaterThanOrEqual(year.received.total);
    });

    it('refuses a bad succession: unknown unit (404), another province’s admin (403), unknown successor or itself (422), bad input (400)', async () => {
      const adminQ = await h.token({ sub: 'admin-q', roles: ['admin'], units: [Q] });
      expect((await post(admin, `/units/NOPE/succession`, { successorCode: S, effectiveDate: '2025-07-01' })).status).toBe(404);
      expect((await post(adminQ, `/units/${A}/succession`, { successorCode: B, effectiveDate: '2025-07-01' })).status).toBe(403);
      expect((await post(supP, `/units/${A}/succession`, { successorCode: B, effectiveDate: '2025-07-01' })).status).toBe(403);
      expect((await post(admin, `/units/${A}/succession`, { successorCode: 'NOPE', effectiveDate: '2025-07-01' })).status).toBe(422);
      expect((await post(admin, `/units/${A}/succession`, { successorCode: A, effectiveDate: '2025-07-01' })).status).toBe(422);
      expect((await post(admin, `/units/${A}/succession`, { successorCode: B, effectiveDate: '1 July' })).status).toBe(400);
      expect((await post(admin, `/units/${A}/succession`, { successorCode: B })).status).toBe(400);
      expect(
        (
          await h.request('PUT', `/units/${B}`, {
            token: admin,
            body: { name: 'Phường Đa Kao', level: 'commune', parentCode: P, predecessors: ['NOPE'], validFrom: '2025-07-01' },
          })
        ).status,
      ).toBe(422);
      expect(
        (await h.request('PUT', `/units/${B}`, { token: admin, body: { name: 'Phường Đa Kao', level: 'commune', parentCode: P, predecessors: 'A' } })).status,
      ).toBe(400);
      // A is still open
      expect((await h.request('GET', `/units/${A}`, { token: admin })).body.validTo).toBeUndefined();
    });
  });
}
