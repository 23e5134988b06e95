import { DossierEvent, dossierStreamName } from '@motcua/domain';
import { SQL_DRIVER } from '@motcua/platform';
import { dossierSummaryProjection, ProjectionRunner } from '@motcua/projections';
import { SqlDriver } from '@motcua/sql';
import { oracleBlocks, oracleCounts } from '../../../libs/application/src/reports/__tests__/report-fixtures';
import { waitCaughtUp } from '../../../libs/projections/src/__tests__/support';
import { Harness } from '../../support/api-harness';

const PROVINCE = '000.00.00.H29';
const DISTRICT = '000.00.27.H29';
const WARD_A = '000.27.01.H29';
const WARD_B = '000.27.02.H29';
const BIRTH = '1.001612'; // 3 working days, Hộ tịch
const CERT = '1.000003'; // 1 working day, Chứng thực

/** GET /statistics and GET /dossiers (work lists) over HTTP against the real app, with the projection running. */
export function statisticsApiSuite(name: string, start: () => Promise<Harness>) {
  describe(`statistics and work lists end to end (${name})`, () => {
    let h: Harness;
    let runner: ProjectionRunner;
    let admin: string, clerkA: string, clerkB: string, officerA: string, supervisor: string, auditor: string;
    const ids: Record<string, string> = {};

    const post = async (token: string, url: string, body: Record<string, unknown>) => {
      const r = await h.request('POST', url, { token, body });
      expect([200, 201]).toContain(r.status);
      return r.body;
    };

    beforeAll(async () => {
      h = await start();
      admin = await h.token({ sub: 'admin-1', roles: ['admin'], units: [PROVINCE] });
      clerkA = await h.token({ sub: 'clerk-a', roles: ['clerk'], units: [WARD_A] });
      clerkB = await h.token({ sub: 'clerk-b', roles: ['clerk'], units: [WARD_B] });
      officerA = await h.token({ sub: 'officer-a', roles: ['officer'], units: [WARD_A] });
      supervisor = await h.token({ sub: 'sup-1', roles: ['supervisor'], units: [DISTRICT] });
      auditor = await h.token({ sub: 'aud-1', roles: ['auditor'], units: [PROVINCE] });
      for (const [url, body] of [
        [`/units/${PROVINCE}`, { name: 'TP. Hồ Chí Minh', level: 'province' }],
        [`/units/${DISTRICT}`, { name: 'Quận 1', level: 'district', parentCode: PROVINCE }],
        [`/units/${WARD_A}`, { name: 'Phường Bến Nghé', level: 'commune', parentCode: DISTRICT }],
        [`/units/${WARD_B}`, { name: 'Phường Đa Kao', level: 'commune', parentCode: DISTRICT }],
        [`/procedures/${BIRTH}`, { name: 'Đăng ký khai sinh', field: 'Hộ tịch', processingTime: { amount: 3, unit: 'working_day' }, onlineLevel: 'full' }],
        [`/procedures/${CERT}`, { name: 'Chứng thực bản sao', field: 'Chứng thực', processingTime: { amount: 1, unit: 'working_day' } }],
      ] as const) {
        const r = await h.request('PUT', url, { token: admin, body });
        expect([200, 201]).toContain(r.status);
      }
      const receive = async (key: string, token: string, unitCode: string, procedureCode: string, channel: string, occurredAt: string) => {
        const v = await post(token, '/dossiers', { unitCode, procedureCode, channel, applicant: { name: `Công dân ${key}` }, occurredAt });
        ids[key] = v.id;
        return v;
      };
      // carried over from February, still open on 1 March, resolved late in March
      await receive('feb', clerkA, WARD_A, BIRTH, 'direct', '2025-02-24T09:00:00+07:00');
      await post(officerA, `/dossiers/${ids.feb}/resolve`, { outcome: 'approved', occurredAt: '2025-03-04T10:00:00+07:00' });
      // March, ward A: early, on time (due day), late with an apology in time, withdrawn, pending overdue
      await receive('early', clerkA, WARD_A, BIRTH, 'online', '2025-03-03T09:00:00+07:00');
      await post(officerA, `/dossiers/${ids.early}/resolve`, { outcome: 'approved', occurredAt: '2025-03-04T09:00:00+07:00' });
      await post(clerkA, `/dossiers/${ids.early}/rate`, { rating: 'satisfied', occurredAt: '2025-03-04T10:00:00+07:00' });
      const onTime = await receive('onTime', clerkA, WARD_A, BIRTH, 'direct', '2025-03-03T09:00:00+07:00');
      await post(officerA, `/dossiers/${ids.onTime}/resolve`, { outcome: 'refused', occurredAt: new Date(Date.parse(onTime.dueAt) - 60_000).toISOString() });
      await post(clerkA, `/dossiers/${ids.onTime}/rate`, { rating: 'dissatisfied', occurredAt: new Date(Date.parse(onTime.dueAt) + 60_000).toISOString() });
      const late = await receive('late', clerkA, WARD_A, BIRTH, 'postal', '2025-03-03T09:00:00+07:00');
      await post(supervisor, `/dossiers/${ids.late}/apologise`, { reason: 'Chờ xác minh', newDueAt: '2025-03-14T17:00:00+07:00', occurredAt: '2025-03-04T15:00:00+07:00' });
      await post(officerA, `/dossiers/${ids.late}/resolve`, { outcome: 'approved', occurredAt: new Date(Date.parse(late.dueAt) + 86_400_000).toISOString() });
      await receive('withdrawn', clerkA, WARD_A, CERT, 'direct', '2025-03-10T08:00:00+07:00');
      await post(clerkA, `/dossiers/${ids.withdrawn}/withdraw`, { reason: 'Công dân rút hồ sơ', occurredAt: '2025-03-10T09:00:00+07:00' });
      await receive('overdue', clerkA, WARD_A, CERT, 'online', '2025-03-20T08:00:00+07:00');
      await post(officerA, `/dossiers/${ids.overdue}/assign`, { assignee: 'officer-a', occurredAt: '2025-03-20T09:00:00+07:00' });
      // ward B: pending within time at the end of March (received on the last afternoon), and one awaiting a supplement
      await receive('within', clerkB, WARD_B, CERT, 'direct', '2025-03-31T14:00:00+07:00');
      await receive('supplement', clerkB, WARD_B, BIRTH, 'direct', '2025-03-05T08:00:00+07:00');
      await post(supervisor, `/dossiers/${ids.supplement}/request-supplement`, { reason: 'Thiếu bản sao', occurredAt: '2025-03-05T10:00:00+07:00' });
      // April: outside the March period
      await receive('april', clerkB, WARD_B, CERT, 'direct', '2025-04-02T08:00:00+07:00');

      runner = new ProjectionRunner({ store: h.store, driver: h.app.get<SqlDriver>(SQL_DRIVER), projections: [dossierSummaryProjection()], leaseKey: `test:${name}:${Date.now()}` });
      await runner.start();
      await waitCaughtUp(runner);
    }, 180_000);

    afterAll(async () => {
      await runner?.stop();
      await h?.close();
    });

    async function oracle(units: string[], from: string, to: string) {
      const dossiers = await Promise.all(
        Object.values(ids).map(async (id) => ({ id, events: (await h.store.readStream(dossierStreamName(id))).map((e) => ({ type: e.type, data: e.data }) as DossierEvent) })),
      );
      return oracleBlocks(oracleCounts({ dossiers }, units, from, to));
    }

    it('answers the report for a district and its wards, equal to the brute-force replay', async () => {
      const r = await h.request('GET', `/statistics?unitCode=${DISTRICT}&from=2025-03-01&to=2025-03-31&groupBy=unit`, { token: supervisor });
      expect(r.status).toBe(200);
      const { unitCode, from, to, rows, ...blocks } = r.body;
      expect({ unitCode, from, to }).toEqual({ unitCode: DISTRICT, from: '2025-03-01', to: '2025-03-31' });
      expect(blocks).toEqual(await oracle([DISTRICT, WARD_A, WARD_B], '2025-03-01', '2025-03-31'));
      expect(blocks.received).toEqual({ total: 8, newInPeriod: 7, carriedOver: 1, byChannel: { direct: 4, online: 2, postal: 1 } });
      expect(blocks.resolved).toMatchObject({ total: 4, early: 1, onTime: 1, late: 2, rate: 50, withinDeadlineRate: 50, lateRate: 50 });
      expect(blocks.pending).toEqual({ total: 3, withinTime: 2, overdue: 1, rate: 37.5 });
      expect(blocks.withdrawn).toBe(1);
      expect(blocks.apologies).toEqual({ required: 3, issued: 1, issuedInTime: 1, coverageRate: 33.33 });
      expect(blocks.satisfaction).toMatchObject({ responses: 2, satisfied: 1, dissatisfied: 1, satisfiedRate: 50 });
      expect(rows.map((x: { key: string; name: string; own?: boolean }) => [x.key, x.name, x.own])).toEqual([
        [WARD_A, 'Phường Bến Nghé', undefined],
        [WARD_B, 'Phường Đa Kao', undefined],
      ]);
      const [a, b] = rows;
      const { key: _k, name: _n, ...aBlocks } = a;
      expect(aBlocks).toEqual(await oracle([WARD_A], '2025-03-01', '2025-03-31'));
      expect(b.received.total).toBe(2);
    });

    it('groups by field and by procedure', async () => {
      const f = await h.request('GET', `/statistics?unitCode=${DISTRICT}&from=2025-03-01&to=2025-03-31&groupBy=field`, { token: auditor });
      expect(f.status).toBe(200);
      expect(f.body.rows.map((x: { key: string }) => x.key)).toEqual(['Chứng thực', 'Hộ tịch']);
      const p = await h.request('GET', `/statistics?unitCode=${DISTRICT}&from=2025-03-01&to=2025-03-31&groupBy=procedure`, { token: auditor });
      expect(p.body.rows.map((x: { key: string; name: string }) => [x.key, x.name])).toEqual([
        [CERT, 'Chứng thực bản sao'],
        [BIRTH, 'Đăng ký khai sinh'],
      ]);
      expect(p.body.rows.reduce((s: number, x: { received: { total: number } }) => s + x.received.total, 0)).toBe(8);
    });

    it('defaults unitCode to the caller’s single unit and scopes to the caller’s units', async () => {
      const own = await h.request('GET', `/statistics?from=2025-03-01&to=2025-03-31`, { token: clerkA });
      expect(own.status).toBe(200);
      expect(own.body.unitCode).toBe(WARD_A);
      expect(own.body.received.total).toBe(6);
      expect((await h.request('GET', `/statistics?unitCode=${WARD_A}&from=2025-03-01&to=2025-03-31`, { token: clerkB })).status).toBe(403);
      expect((await h.request('GET', `/statistics?unitCode=${DISTRICT}&from=2025-03-01&to=2025-03-31`, { token: clerkA })).status).toBe(403);
      expect((await h.request('GET', `/statistics?unitCode=NOPE&from=2025-03-01&to=2025-03-31`, { token: admin })).status).toBe(404);
      expect((await h.request('GET', `/statistics?unitCode=${DISTRICT}&from=2025-03-01&to=2025-03-31`)).status).toBe(401);
    });

    it('rejects bad dates (400) and a period that ends before it starts (422), as problem+json', async () => {
      const bad = await h.request('GET', `/statistics?unitCode=${DISTRICT}&from=2025-02-30&to=2025-03-31`, { token: supervisor });
      expect(bad.status).toBe(400);
      expect(String(bad.headers['content-type'])).toContain('application/problem+json');
      expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'from' })]);
      expect((await h.request('GET', `/statistics?unitCode=${DISTRICT}&to=2025-03-31`, { token: supervisor })).status).toBe(400);
      expect((await h.request('GET', `/statistics?unitCode=${DISTRICT}&from=2025-03-01&to=2025-03-31&groupBy=ward`, { token: supervisor })).status).toBe(400);
      const reversed = await h.request('GET', `/statistics?unitCode=${DISTRICT}&from=2025-04-01&to=2025-03-31`, { token: supervisor });
      expect(reversed.status).toBe(422);
      expect(reversed.body.detail).toMatch(/before it starts/);
    });

    it('lists work by due time with cursor paging and filters; GET /dossiers/{id} still answers', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { status: number; body: { items: { id: string; effectiveDueAt: string }[]; nextCursor: string | null } } = await h.request(
          'GET',
          `/dossiers?unitCode=${DISTRICT}&limit=3${cursor ? `&cursor=${cursor}` : ''}`,
          { token: supervisor },
        );
        expect(page.status).toBe(200);
        expect(page.body.items.length).toBeLessThanOrEqual(3);
        seen.push(...page.body.items.map((i) => i.id));
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(seen.sort()).toEqual(Object.values(ids).sort());

      const overdue = await h.request('GET', `/dossiers?overdue=true&status=received,assigned`, { token: officerA });
      expect(overdue.body.items.map((i: { id: string }) => i.id)).toEqual(expect.arrayContaining([ids.overdue]));
      expect(overdue.body.items.every((i: { overdue: boolean; unitCode: string }) => i.overdue && i.unitCode === WARD_A)).toBe(true);
      const mine = await h.request('GET', `/dossiers?assignee=officer-a`, { token: officerA });
      expect(mine.body.items.map((i: { id: string }) => i.id)).toEqual([ids.overdue]);
      const waiting = await h.request('GET', `/dossiers?status=awaiting-supplement`, { token: supervisor });
      expect(waiting.body.items.map((i: { id: string }) => i.id)).toEqual([ids.supplement]);
      const before = await h.request('GET', `/dossiers?unitCode=${WARD_A}&dueBefore=2025-03-07T00:00:00%2B07:00`, { token: clerkA });
      // `late` runs against its apology's re-appointed due (14 March) in the work list
      expect(before.body.items.map((i: { id: string }) => i.id).sort()).toEqual([ids.feb, ids.early, ids.onTime].sort());

      expect((await h.request('GET', `/dossiers?unitCode=${WARD_A}`, { token: clerkB })).status).toBe(403);
      expect((await h.request('GET', `/dossiers?cursor=garbage`, { token: clerkA })).status).toBe(400);
      expect((await h.request('GET', `/dossiers?limit=0`, { token: clerkA })).status).toBe(400);
      expect((await h.request('GET', `/dossiers?status=open`, { token: clerkA })).status).toBe(400);
      const one = await h.request('GET', `/dossiers/${ids.early}`, { token: clerkA });
      expect(one.status).toBe(200);
      expect(one.body.id).toBe(ids.early);
    });

    it('documents both routes in OpenAPI', async () => {
      const doc = await h.request('GET', '/docs/openapi.json');
      expect(doc.body.paths['/api/v1/statistics'].get).toBeDefined();
      expect(doc.body.paths['/api/v1/dossiers'].get).toBeDefined();
      expect(doc.body.paths['/api/v1/dossiers'].post).toBeDefined();
    });
  });
}
