import { SQL_DRIVER } from '@motcua/platform';
import { DOSSIER_SUMMARY_PROJECTION, dossierSummaryProjection, ProjectionRunner, readCheckpoint } from '@motcua/projections';
import { SqlDriver } from '@motcua/sql';
import { seedDossierEvents } from '../../../bench/support/dossier-events';
import { waitCaughtUp, waitFor } from '../../../libs/projections/src/__tests__/support';
import { Harness, startHarness } from '../../support/api-harness';
import { freshPostgres, TestPostgres } from '../../support/databases';

const PROVINCE = '000.00.00.H29';
const DISTRICT = '000.00.27.H29';
const WARDS = ['000.27.01.H29', '000.27.02.H29', '000.27.03.H29'];
const DOSSIERS = 3000;

const targets: [string, () => Promise<{ url: string; close(): Promise<void> }>][] = [
  ['pglite', async () => ({ url: 'pglite://memory', close: async () => undefined })],
  [
    'postgres',
    async () => {
      const pg: TestPostgres = await freshPostgres('rbtraffic', 2);
      return { url: pg.url, close: () => pg.drop() };
    },
  ],
];

/**
 * Issue: "Rebuild while the API serves traffic: no request fails, the answer after the swap is
 * identical". The app runs in process with the live projection runner; the rebuild is started
 * through the admin route (it runs in the service process) while loops call GET /statistics and
 * GET /dossiers.
 */
describe.each(targets)('rebuild of dossier-summary under read traffic (%s)', (_name, open) => {
  let db: { url: string; close(): Promise<void> };
  let h: Harness;
  let runner: ProjectionRunner;
  let admin: string;
  let supervisor: string;

  beforeAll(async () => {
    db = await open();
    h = await startHarness(db.url);
    const driver = h.app.get<SqlDriver>(SQL_DRIVER);
    admin = await h.token({ sub: 'admin-1', roles: ['admin'], units: [PROVINCE] });
    supervisor = await h.token({ sub: 'sup-1', roles: ['supervisor'], units: [DISTRICT] });
    for (const [url, body] of [
      [`/units/${PROVINCE}`, { name: 'TP. Hồ Chí Minh', level: 'province' }],
      [`/units/${DISTRICT}`, { name: 'Quận 1', level: 'district', parentCode: PROVINCE }],
      ...WARDS.map((w, i) => [`/units/${w}`, { name: `Phường ${i + 1}`, level: 'commune', parentCode: DISTRICT }] as const),
    ] as const) {
      expect([200, 201]).toContain((await h.request('PUT', url, { token: admin, body })).status);
    }
    await seedDossierEvents(driver, DOSSIERS, { units: WARDS, chunk: 500 });
    runner = new ProjectionRunner({ store: h.store, driver, projections: [dossierSummaryProjection()], leaseKey: `test:rbtraffic:${Math.random()}` });
    await runner.start();
    await waitCaughtUp(runner, 60_000);
  }, 180_000);
  afterAll(async () => {
    await runner?.stop();
    await h?.close();
    await db?.close();
  });

  it('every read answers 2xx during the rebuild, and the same after the swap as before', async () => {
    const reads = [
      `/statistics?unitCode=${DISTRICT}&from=2024-01-01&to=2024-12-31`,
      `/statistics?unitCode=${DISTRICT}&from=2024-01-01&to=2024-01-31&groupBy=procedure`,
      `/dossiers?unitCode=${DISTRICT}`,
      `/dossiers?unitCode=${WARDS[1]}&status=resolved`,
    ];
    const answer = async (url: string) => {
      const r = await h.request('GET', url, { token: supervisor });
      return { status: r.status, body: r.body };
    };
    const before = await Promise.all(reads.map(answer));
    for (const b of before) expect(b.status).toBe(200);
    expect(before[0].body.received.total).toBeGreaterThan(0);
    expect(before[2].body.items.length).toBeGreaterThan(0);

    const driver = h.app.get<SqlDriver>(SQL_DRIVER);
    const started = await h.request('POST', `/admin/projections/${DOSSIER_SUMMARY_PROJECTION}/rebuild`, { token: admin });
    expect(started.status).toBe(202);
    expect(started.body.state).toBe('running');
    const again = await h.request('POST', `/admin/projections/${DOSSIER_SUMMARY_PROJECTION}/rebuild`, { token: admin });
    // 409 while it runs (on PGlite, in process, the first one may already be done: then a second one starts)
    expect([202, 409]).toContain(again.status);
    if (again.status === 202) expect(again.body.state).toBe('running');
    expect((await h.request('POST', `/admin/projections/${DOSSIER_SUMMARY_PROJECTION}/rebuild`, { token: supervisor })).status).toBe(403);
    expect((await h.request('POST', `/admin/projections/nope/rebuild`, { token: admin })).status).toBe(404);

    let done = false;
    const failures: { url: string; status: number }[] = [];
    let requests = 0;
    const loops = [0, 1, 2, 3].map(async (i) => {
      while (!done) {
        const url = reads[(i + requests) % reads.length];
        const r = await answer(url);
        requests++;
        if (r.status < 200 || r.status >= 300) failures.push({ url, status: r.status });
        await new Promise((res) => setImmediate(res));
      }
    });
    let status: any;
    try {
      await waitFor(
        'rebuild finished',
        async () => {
          status = (await h.request('GET', `/admin/projections/${DOSSIER_SUMMARY_PROJECTION}/rebuild`, { token: admin })).body;
          return status.state !== 'running';
        },
        120_000,
      );
    } finally {
      done = true;
      await Promise.all(loops);
    }
    expect(status).toMatchObject({ state: 'done', result: { projection: DOSSIER_SUMMARY_PROJECTION, events: DOSSIERS * 5 } });
    expect(status.progress.phase).toBe('done');
    expect(failures).toEqual([]);
    // every loop's requests overlapped the rebuild (PGlite runs it on the same thread: fewer get through)
    expect(requests).toBeGreaterThanOrEqual(loops.length);
    expect((await readCheckpoint(driver, DOSSIER_SUMMARY_PROJECTION)).eventsHandled).toBe(DOSSIERS * 5);

    const after = await Promise.all(reads.map(answer));
    expect(after).toEqual(before);
  }, 180_000);
});
