import { execFileSync } from 'node:child_process';
import { dossierStreamName } from '@motcua/domain';
import { SQL_DRIVER } from '@motcua/platform';
import { dossierSummaryProjection, ProjectionRunner } from '@motcua/projections';
import { SqlDriver } from '@motcua/sql';
import { waitCaughtUp, waitFor } from '../../../libs/projections/src/__tests__/support';
import { Harness } from '../../support/api-harness';

const CITY = '000.00.00.H79';
const Q12 = '000.00.12.H79'; // Quận 12
const WARD = '000.12.01.H79'; // Phường Tân Chánh Hiệp, in Quận 12
const Q1 = '000.00.01.H79'; // another district
const STOP = '2.000575'; // tạm ngừng kinh doanh hộ kinh doanh: 3 working days
const BIRTH = '1.001193'; // khai sinh: 3 working days, not in the campaign
const CAMPAIGN = 'q12-2025-03';
const WEEK = {
  name: 'Tuần lễ tiếp nhận và giải quyết hồ sơ ngay trong ngày',
  unitCodes: [Q12],
  from: '2025-03-10',
  to: '2025-03-14',
  procedures: [{ procedureCode: STOP, processingTime: { amount: 1, unit: 'working_day' } }],
};
/** HCMC wall time of an ISO instant. */
const wall = (iso: string) => new Date(Date.parse(iso) + 7 * 3_600_000).toISOString().slice(0, 16);
const flat = (s: string) => s.replace(/\s+/g, ' ');

/**
 * Campaign windows end to end (issue #15): a Quận 12-style week (3 working days → 1) applies to the
 * receptions inside it only, and `GET /statistics?campaign=` counts exactly those, early and on time.
 */
export function campaignApiSuite(name: string, start: () => Promise<Harness>) {
  describe(`campaign windows end to end (${name})`, () => {
    let h: Harness;
    let runner: ProjectionRunner;
    let admin: string, adminQ12: string, adminQ1: string, clerk: string, supervisor: string;
    const v: Record<string, { id: string; dueAt: string; campaignId?: string; processingTime: unknown }> = {};

    const post = async (token: string, url: string, body: Record<string, unknown>) => {
      const r = await h.request('POST', url, { token, body });
      expect([200, 201]).toContain(r.status);
      return r.body;
    };
    const receive = async (key: string, unitCode: string, procedureCode: string, occurredAt: string) => {
      v[key] = await post(clerk, '/dossiers', { unitCode, procedureCode, channel: 'direct', applicant: { name: `Công dân ${key}` }, occurredAt });
    };

    beforeAll(async () => {
      h = await start();
      admin = await h.token({ sub: 'admin-city', name: 'Quản trị Thành phố', roles: ['admin'], units: [CITY] });
      adminQ12 = await h.token({ sub: 'admin-q12', name: 'Quản trị Quận 12', roles: ['admin'], units: [Q12] });
      adminQ1 = await h.token({ sub: 'admin-q1', roles: ['admin'], units: [Q1] });
      clerk = await h.token({ sub: 'clerk-city', roles: ['clerk', 'officer'], units: [CITY] });
      supervisor = await h.token({ sub: 'sup-q12', roles: ['supervisor'], units: [Q12] });
      for (const [url, body] of [
        [`/units/${CITY}`, { name: 'TP. Hồ Chí Minh', level: 'province' }],
        [`/units/${Q12}`, { name: 'Quận 12', level: 'district', parentCode: CITY }],
        [`/units/${WARD}`, { name: 'Phường Tân Chánh Hiệp', level: 'commune', parentCode: Q12 }],
        [`/units/${Q1}`, { name: 'Quận 1', level: 'district', parentCode: CITY }],
        [
          `/procedures/${STOP}`,
          { name: 'Tạm ngừng hoạt động hộ kinh doanh', field: 'Thành lập và hoạt động của hộ kinh doanh', processingTime: { amount: 3, unit: 'working_day' } },
        ],
        [`/procedures/${BIRTH}`, { name: 'Đăng ký khai sinh', field: 'Hộ tịch', processingTime: { amount: 3, unit: 'working_day' } }],
      ] as const) {
        const r = await h.request('PUT', url, { token: admin, body });
        expect([200, 201]).toContain(r.status);
      }
      const put = await h.request('PUT', `/campaigns/${CAMPAIGN}`, { token: adminQ12, body: WEEK });
      expect(put.status).toBe(201);

      // before the week (Fri 7 March), inside it (Mon 10 – Fri 14 March, 23:30 on the last day), after it (Sat 15, 00:10)
      await receive('before', WARD, STOP, '2025-03-07T09:00:00+07:00');
      await receive('early', WARD, STOP, '2025-03-10T09:00:00+07:00');
      await post(clerk, `/dossiers/${v.early.id}/resolve`, { outcome: 'approved', occurredAt: '2025-03-10T15:00:00+07:00' });
      await receive('onTime', Q12, STOP, '2025-03-12T09:00:00+07:00');
      await post(clerk, `/dossiers/${v.onTime.id}/resolve`, { outcome: 'approved', occurredAt: '2025-03-13T16:00:00+07:00' });
      await receive('lastNight', WARD, STOP, '2025-03-14T23:30:00+07:00');
      await receive('after', WARD, STOP, '2025-03-15T00:10:00+07:00');
      // a unit outside it, a procedure outside it
      await receive('otherUnit', Q1, STOP, '2025-03-11T09:00:00+07:00');
      await receive('otherProcedure', WARD, BIRTH, '2025-03-11T09:00:00+07:00');

      runner = new ProjectionRunner({
        store: h.store,
        driver: h.app.get<SqlDriver>(SQL_DRIVER),
        projections: [dossierSummaryProjection()],
        leaseKey: `test:campaigns:${name}:${Date.now()}`,
      });
      await runner.start();
      await waitCaughtUp(runner);
      const ids = Object.values(v).map((x) => x.id);
      const versions = (await Promise.all(ids.map((id) => h.store.readStream(dossierStreamName(id))))).reduce((n, e) => n + e.length, 0);
      const sql = h.app.get<SqlDriver>(SQL_DRIVER);
      await waitFor('the read model holds every dossier at its last version', async () => {
        const { rows } = await sql.query<{ n: number; v: number }>(
          'SELECT count(*)::int AS n, coalesce(sum(version), 0)::int AS v FROM dossier_summary WHERE id = ANY($1::text[])',
          [ids],
        );
        return rows[0].n === ids.length && rows[0].v === versions;
      });
    }, 180_000);

    afterAll(async () => {
      await runner?.stop();
      await h?.close();
    });

    it('cuts 3 working days to 1 for receptions inside the week only (local dates at both ends)', () => {
      const inside = ['early', 'onTime', 'lastNight'];
      for (const k of inside) expect(v[k]).toMatchObject({ campaignId: CAMPAIGN, processingTime: { amount: 1, unit: 'working_day' } });
      for (const k of ['before', 'after', 'otherUnit', 'otherProcedure']) {
        expect(v[k].campaignId).toBeUndefined();
        expect(v[k].processingTime).toEqual({ amount: 3, unit: 'working_day' });
      }
      expect(wall(v.early.dueAt)).toBe('2025-03-11T17:00');
      expect(wall(v.lastNight.dueAt)).toBe('2025-03-17T17:00'); // Friday 23:30 → Monday
      expect(wall(v.before.dueAt)).toBe('2025-03-12T17:00');
      expect(wall(v.after.dueAt)).toBe('2025-03-19T17:00');
      expect(wall(v.otherUnit.dueAt)).toBe('2025-03-14T17:00');
    });

    it('GET /statistics?campaign= counts exactly the dossiers received under it: 3 received, 1 early, 1 on time, 1 pending within time', async () => {
      const r = await h.request('GET', `/statistics?unitCode=${CITY}&campaign=${CAMPAIGN}`, { token: admin });
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ campaignId: CAMPAIGN, from: '2025-03-10', to: '2025-03-14' });
      expect(r.body.received).toMatchObject({ total: 3, newInPeriod: 3, carriedOver: 0 });
      expect(r.body.resolved).toMatchObject({ total: 2, early: 1, onTime: 1, late: 0 });
      expect(r.body.pending).toMatchObject({ total: 1, withinTime: 1, overdue: 0 });
      // the whole city over the same week counts the others too; the district's supervisor sees the campaign's three
      const all = await h.request('GET', `/statistics?unitCode=${CITY}&from=2025-03-10&to=2025-03-14`, { token: admin });
      expect(all.body.received.total).toBe(6);
      const q12 = await h.request('GET', `/statistics?campaign=${CAMPAIGN}&from=2025-03-01&to=2025-03-31`, { token: supervisor });
      expect(q12.status).toBe(200);
      expect(q12.body.received.newInPeriod).toBe(3);
      // the same through the replay (asRecordedAt)
      const replay = await h.request('GET', `/statistics?unitCode=${CITY}&campaign=${CAMPAIGN}&asRecordedAt=${encodeURIComponent(new Date().toISOString())}`, {
        token: admin,
      });
      expect(replay.status).toBe(200);
      expect(replay.body.received.newInPeriod).toBe(3);
      expect(replay.body.resolved).toMatchObject({ early: 1, onTime: 1 });
    });

    it('shows campaignId on the dossier view and the shortened time on the receipt', async () => {
      const d = await h.request('GET', `/dossiers/${v.early.id}`, { token: clerk });
      expect(d.body).toMatchObject({ campaignId: CAMPAIGN, processingTime: { amount: 1, unit: 'working_day' } });
      const res = await h.app.inject({ method: 'GET', url: `/api/v1/dossiers/${v.early.id}/forms/receipt.pdf`, headers: { authorization: `Bearer ${clerk}` } });
      expect(res.statusCode).toBe(200);
      const text = flat(execFileSync('pdftotext', ['-layout', '-', '-'], { input: res.rawPayload }).toString('utf8'));
      expect(text).toContain('01 ngày làm việc (rút ngắn theo Tuần lễ tiếp nhận và giải quyết hồ sơ ngay trong ngày)');
      expect(text).toContain('17 giờ 00 phút, ngày 11/03/2025');
    });

    it('a later change to the campaign moves no due time; GET /campaigns/{id} lists who changed what', async () => {
      const changed = await h.request('PUT', `/campaigns/${CAMPAIGN}`, { token: admin, body: { ...WEEK, to: '2025-03-11' } });
      expect(changed.status).toBe(200);
      const d = await h.request('GET', `/dossiers/${v.lastNight.id}`, { token: clerk });
      expect(d.body).toMatchObject({ campaignId: CAMPAIGN, dueAt: v.lastNight.dueAt });
      const got = await h.request('GET', `/campaigns/${CAMPAIGN}`, { token: clerk });
      expect(got.status).toBe(200);
      expect(got.body).toMatchObject({ id: CAMPAIGN, to: '2025-03-11', version: 1 });
      expect(got.body.changes.map((c: { version: number }) => c.version)).toEqual([0, 1]);
      expect(got.body.changes.map((c: { actor: { id: string }; definition: { to: string } }) => [c.actor.id, c.definition.to])).toEqual([
        ['admin-q12', '2025-03-14'],
        ['admin-city', '2025-03-11'],
      ]);
      const list = await h.request('GET', '/campaigns', { token: supervisor });
      expect(list.body.items.map((c: { id: string }) => c.id)).toEqual([CAMPAIGN]);
      // put back
      expect((await h.request('PUT', `/campaigns/${CAMPAIGN}`, { token: admin, body: WEEK })).status).toBe(200);
    });

    it('refuses an overlapping campaign naming the conflict, bad input, and callers who may not', async () => {
      const before = (await h.request('GET', '/campaigns', { token: admin })).body.items.length;
      const overlap = await h.request('PUT', '/campaigns/ward-2025-03', {
        token: admin,
        body: { ...WEEK, unitCodes: [WARD], from: '2025-03-14', to: '2025-03-21' },
      });
      expect(overlap.status).toBe(422);
      expect(overlap.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(overlap.body).toMatchObject({ code: 'campaign-overlap', conflictingCampaignId: CAMPAIGN, unitCode: WARD, procedureCode: STOP });
      const bad = (body: unknown) => h.request('PUT', '/campaigns/c2', { token: admin, body });
      expect((await bad({ ...WEEK, from: '2025-04-10', to: '2025-04-01' })).body).toMatchObject({ status: 422, code: 'invalid-campaign-dates' });
      expect((await bad({ ...WEEK, from: '2025-04-01', to: '2025-04-05', unitCodes: ['000.99.99.H79'] })).body).toMatchObject({
        status: 422,
        code: 'unknown-unit',
      });
      expect(
        (
          await bad({
            ...WEEK,
            from: '2025-04-01',
            to: '2025-04-05',
            procedures: [{ procedureCode: STOP, processingTime: { amount: 24, unit: 'working_hour' } }],
          })
        ).body,
      ).toMatchObject({ status: 422, code: 'campaign-time-not-shorter' });
      expect((await bad({ ...WEEK, from: '2025-02-30' })).status).toBe(400);
      expect((await bad({ ...WEEK, procedures: [] })).status).toBe(400);
      expect((await bad({ ...WEEK, unitCodes: 'Q12' })).status).toBe(400);
      expect((await h.request('PUT', '/campaigns/bad%20id', { token: admin, body: { ...WEEK, from: '2025-05-05', to: '2025-05-09' } })).status).toBe(422);
      // authorisation: no token 401; a clerk 403; an admin of another district 403
      expect((await h.request('PUT', '/campaigns/c3', { body: WEEK })).status).toBe(401);
      expect((await h.request('GET', '/campaigns')).status).toBe(401);
      expect((await h.request('PUT', '/campaigns/c3', { token: clerk, body: { ...WEEK, from: '2025-05-05', to: '2025-05-09' } })).status).toBe(403);
      expect((await h.request('PUT', '/campaigns/c3', { token: adminQ1, body: { ...WEEK, from: '2025-05-05', to: '2025-05-09' } })).status).toBe(403);
      expect((await h.request('PUT', `/campaigns/${CAMPAIGN}`, { token: adminQ1, body: { ...WEEK, unitCodes: [Q1] } })).status).toBe(403);
      expect((await h.request('GET', '/campaigns/nope', { token: admin })).status).toBe(404);
      expect((await h.request('GET', `/statistics?unitCode=${CITY}&campaign=nope`, { token: admin })).status).toBe(422);
      expect((await h.request('GET', `/statistics?unitCode=${CITY}&campaign=${encodeURIComponent("'; drop")}`, { token: admin })).status).toBe(400);
      expect((await h.request('GET', '/campaigns', { token: admin })).body.items.length).toBe(before);
    });
  });
}
