import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { SQL_DRIVER } from '@motcua/platform';
import { dossierSummaryProjection, ProjectionRunner } from '@motcua/projections';
import { SqlDriver } from '@motcua/sql';
import { waitFor } from '../../../libs/projections/src/__tests__/support';
import { Harness, startHarness } from '../../support/api-harness';
import { freshPostgres, TestPostgres } from '../../support/databases';
import { ROOT } from '../../support/spawn-service';

const run = promisify(execFile);
const CLI = path.join(ROOT, 'dist/apps/cli/src/main.js');

async function cli(args: string[], env: Record<string, string>): Promise<{ code: number; out: string }> {
  try {
    const r = await run(process.execPath, [CLI, ...args], { env: { ...process.env, ...env } });
    return { code: 0, out: r.stdout + r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

/** Read-model verification (audit issue): `npm run cli -- verify-projections`. */
describe('verify-projections (PostgreSQL)', () => {
  let pg: TestPostgres;
  let h: Harness;
  let runner: ProjectionRunner;
  let driver: SqlDriver;
  const ids: string[] = [];

  beforeAll(async () => {
    pg = await freshPostgres('vproj', 2);
    await pg.driver.close();
    h = await startHarness(pg.url);
    driver = h.app.get<SqlDriver>(SQL_DRIVER);
    runner = new ProjectionRunner({ store: h.store, driver, projections: [dossierSummaryProjection()], leaseKey: `test:vproj:${Date.now()}` });
    await runner.start();
    const admin = await h.token({ sub: 'admin', roles: ['admin', 'supervisor', 'clerk', 'officer'], units: ['P'] });
    await h.request('PUT', '/units/P', { token: admin, body: { name: 'Tỉnh', level: 'province' } });
    await h.request('PUT', '/procedures/X', {
      token: admin,
      body: { name: 'Khai sinh', field: 'Hộ tịch', processingTime: { amount: 3, unit: 'working_day' } },
    });
    for (let i = 0; i < 8; i++) {
      const r = await h.request('POST', '/dossiers', {
        token: admin,
        body: { unitCode: 'P', procedureCode: 'X', channel: 'direct', applicant: { name: `Đỗ Thị Mai ${i}` }, occurredAt: '2025-03-03T09:00:00+07:00' },
      });
      ids.push(r.body.id);
      if (i % 2)
        await h.request('POST', `/dossiers/${r.body.id}/resolve`, { token: admin, body: { outcome: 'approved', occurredAt: '2025-03-04T09:00:00+07:00' } });
    }
    await waitFor(
      'the read model',
      async () => Number((await driver.query<{ n: string }>(`SELECT count(*)::text AS n FROM dossier_summary WHERE status = 'resolved'`)).rows[0].n) === 4,
      60_000,
    );
  }, 120_000);
  afterAll(async () => {
    await runner?.stop();
    await h?.close();
    await pg?.drop();
  });

  it('an intact read model equals a rebuild; a corrupted row is reported exactly, and the live tables are left alone', async () => {
    const ok = await cli(['verify-projections'], { EVENT_STORE_URL: pg.url });
    expect(ok.out).toMatch(/OK dossier-summary: identical to a rebuild/);
    expect(ok.code).toBe(0);

    await driver.query(`UPDATE dossier_summary SET status = 'withdrawn' WHERE id = $1`, [ids[2]]);
    const ko = await cli(['verify-projections', 'dossier-summary'], { EVENT_STORE_URL: pg.url });
    expect(ko.code).toBe(1);
    expect(ko.out).toMatch(/DIFF dossier-summary\.dossier_summary: 1 row\(s\) only in the live table, 1 only in the rebuild/);
    const lines = ko.out.split('\n');
    const live = lines.filter((l) => l.trim().startsWith('live:'));
    const rebuilt = lines.filter((l) => l.trim().startsWith('rebuild:'));
    expect(live).toHaveLength(1);
    expect(rebuilt).toHaveLength(1);
    expect(live[0]).toContain(ids[2]);
    expect(live[0]).toContain('"status":"withdrawn"');
    expect(rebuilt[0]).toContain(ids[2]);
    expect(rebuilt[0]).toContain('"status":"received"');
    // verification never repairs: the corrupted row is still there, and no shadow schema is left
    const { rows } = await driver.query<{ status: string }>(`SELECT status FROM dossier_summary WHERE id = $1`, [ids[2]]);
    expect(rows[0].status).toBe('withdrawn');
    const schemas = await driver.query(`SELECT nspname FROM pg_namespace WHERE nspname LIKE $1`, [`${pg.schema}__rb_%`]);
    expect(schemas.rows).toHaveLength(0);
  }, 120_000);
});
