import { SQL_DRIVER } from '@motcua/platform';
import { dossierSummaryProjection, ProjectionRunner } from '@motcua/projections';
import { SqlDriver } from '@motcua/sql';
import { waitFor } from '../../../libs/projections/src/__tests__/support';
import { Harness, startHarness } from '../../support/api-harness';

/**
 * Bitemporal answers (audit issue): a resolution entered today with a business time in the past
 * changes today's report, but the report "as recorded" before that entry still shows the dossier
 * pending — and both answers are stable on repeat.
 */
describe('bitemporal report (asRecordedAt) and dossier asOf by recorded time', () => {
  let h: Harness;
  let runner: ProjectionRunner;
  let admin: string;

  beforeAll(async () => {
    h = await startHarness('pglite://memory');
    runner = new ProjectionRunner({
      store: h.store,
      driver: h.app.get<SqlDriver>(SQL_DRIVER),
      projections: [dossierSummaryProjection()],
      leaseKey: `test:bitemporal:${Date.now()}`,
    });
    await runner.start();
    admin = await h.token({ sub: 'admin', name: 'Quản trị', roles: ['admin', 'supervisor', 'clerk', 'officer', 'auditor'], units: ['P'] });
    await h.request('PUT', '/units/P', { token: admin, body: { name: 'Tỉnh', level: 'province' } });
    await h.request('PUT', '/units/W', { token: admin, body: { name: 'Phường', level: 'commune', parentCode: 'P' } });
    await h.request('PUT', '/procedures/X', {
      token: admin,
      body: { name: 'Khai sinh', field: 'Hộ tịch', processingTime: { amount: 3, unit: 'working_day' } },
    });
  }, 120_000);
  afterAll(async () => {
    await runner?.stop();
    await h?.close();
  });

  it('a backdated resolution recorded today: pending as recorded before, resolved now; stable on repeat', async () => {
    const r = await h.request('POST', '/dossiers', {
      token: admin,
      body: { unitCode: 'W', procedureCode: 'X', channel: 'online', applicant: { name: 'Lý Văn Hùng' }, occurredAt: '2025-03-03T09:00:00+07:00' },
    });
    expect(r.status).toBe(201);
    await new Promise((res) => setTimeout(res, 50));
    const beforeResolution = new Date().toISOString();
    await new Promise((res) => setTimeout(res, 50));
    const res = await h.request('POST', `/dossiers/${r.body.id}/resolve`, {
      token: admin,
      body: { outcome: 'approved', occurredAt: '2025-03-05T10:00:00+07:00' },
    });
    expect(res.status).toBe(200);
    await waitFor('the resolution in the read model', async () => {
      const now = await h.request('GET', '/statistics?unitCode=P&from=2025-03-01&to=2025-03-31', { token: admin });
      return now.body.resolved?.total === 1;
    });
    const q = `/statistics?unitCode=P&from=2025-03-01&to=2025-03-31&asRecordedAt=${encodeURIComponent(beforeResolution)}`;
    const then1 = await h.request('GET', q, { token: admin });
    expect(then1.status).toBe(200);
    expect(then1.body.received).toMatchObject({ total: 1, newInPeriod: 1, byChannel: { online: 1 } });
    expect(then1.body.resolved.total).toBe(0);
    expect(then1.body.pending.total).toBe(1);
    const now = await h.request('GET', '/statistics?unitCode=P&from=2025-03-01&to=2025-03-31', { token: admin });
    expect(now.body.resolved).toMatchObject({ total: 1, early: 1 });
    expect(now.body.pending.total).toBe(0);
    // the same questions again: the same answers
    expect((await h.request('GET', q, { token: admin })).body).toEqual(then1.body);
    expect((await h.request('GET', '/statistics?unitCode=P&from=2025-03-01&to=2025-03-31', { token: admin })).body).toEqual(now.body);
    // the replay agrees with the read model when nothing was recorded later
    const replayNow = await h.request(
      'GET',
      `/statistics?unitCode=P&from=2025-03-01&to=2025-03-31&asRecordedAt=${encodeURIComponent(new Date().toISOString())}`,
      { token: admin },
    );
    expect(replayNow.body).toEqual(now.body);
    // and the dossier itself, by recorded time
    const d = await h.request('GET', `/dossiers/${r.body.id}?asOf=${encodeURIComponent(beforeResolution)}&by=recorded`, { token: admin });
    expect(d.body.status).toBe('received');
    const hist = await h.request('GET', `/dossiers/${r.body.id}/history`, { token: admin });
    expect(hist.body.events[1]).toMatchObject({ type: 'DossierResolved', backdated: true, actor: { id: 'admin', name: 'Quản trị' } });
    expect((await h.request('GET', '/statistics?unitCode=P&from=2025-03-01&to=2025-03-31&asRecordedAt=2099-01-01T00:00:00Z', { token: admin })).status).toBe(
      422,
    );
  });
});
