import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { type NotificationSender, ProjectionsService } from '@motcua/background';
import { apologyCutoff, createWorkingTimeContext, type OfficeHours } from '@motcua/domain';
import { loadConfig, SQL_DRIVER } from '@motcua/platform';
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

/** Closing at 17:30, not the default 17:00: the apology cut-off (end of the last working day before the due date) moves. */
const HOURS: OfficeHours = {
  sessions: [
    { start: '08:00', end: '12:00' },
    { start: '13:30', end: '17:30' },
  ],
};

/**
 * `apology_cutoff_at` must not depend on which process ran the projection (issue #13): the
 * standalone worker, the CLI rebuild / verify-projections and the embedded app's rebuild all use
 * the unit's office hours and calendars from the reference data.
 */
describe('apology cut-off: the same rows whichever process projects (unit with office hours 08:00–12:00 / 13:30–17:30)', () => {
  let pg: TestPostgres;
  let h: Harness;
  let driver: SqlDriver;
  let admin: string;
  const ids: string[] = [];

  const rows = async () => {
    const summary = await driver.query(`SELECT * FROM dossier_summary ORDER BY id`);
    const clock = await driver.query(`SELECT * FROM dossier_clock ORDER BY dossier_id, version`);
    return JSON.parse(JSON.stringify({ summary: summary.rows, clock: clock.rows })) as { summary: Record<string, unknown>[]; clock: unknown[] };
  };

  beforeAll(async () => {
    pg = await freshPostgres('cutoff', 2);
    await pg.driver.close();
    h = await startHarness(pg.url); // the api without its in-process worker: nothing projects yet
    driver = h.app.get<SqlDriver>(SQL_DRIVER);
    admin = await h.token({ sub: 'admin', roles: ['admin', 'supervisor', 'clerk', 'officer'], units: ['P'] });
    const ok = (r: { status: number; body: unknown }) => {
      if (r.status >= 300) throw new Error(`${r.status} ${JSON.stringify(r.body)}`);
      return r;
    };
    ok(await h.request('PUT', '/units/P', { token: admin, body: { name: 'Phường Bến Nghé', level: 'province', officeHours: HOURS } }));
    ok(
      await h.request('PUT', '/procedures/X', {
        token: admin,
        body: { name: 'Khai sinh', field: 'Hộ tịch', processingTime: { amount: 3, unit: 'working_day' } },
      }),
    );
    for (let i = 0; i < 3; i++) {
      const r = ok(
        await h.request('POST', '/dossiers', {
          token: admin,
          body: { unitCode: 'P', procedureCode: 'X', channel: 'direct', applicant: { name: `Trần Văn ${i}` }, occurredAt: '2025-03-03T09:00:00+07:00' },
        }),
      );
      ids.push((r.body as { id: string }).id);
    }
    // two apologies (one in time, one after the cut-off); the third dossier has none
    ok(
      await h.request('POST', `/dossiers/${ids[0]}/apologise`, {
        token: admin,
        body: { reason: 'Chờ xác minh', newDueAt: '2025-03-12T17:00:00+07:00', occurredAt: '2025-03-04T10:00:00+07:00' },
      }),
    );
    ok(
      await h.request('POST', `/dossiers/${ids[1]}/apologise`, {
        token: admin,
        body: { reason: 'Chờ xác minh', newDueAt: '2025-03-12T17:00:00+07:00', occurredAt: '2025-03-05T17:15:00+07:00' },
      }),
    );
  }, 120_000);
  afterAll(async () => {
    await h?.close();
    await pg?.drop();
  });

  it('the standalone worker, the CLI rebuild and the embedded app rebuild give identical rows, cut at 17:30', async () => {
    // 1. the standalone worker: its projections service without the api's reference service
    const sender = { wake: () => undefined, enabledChannels: () => [] } as unknown as NotificationSender;
    const worker = new ProjectionsService(h.store, driver, sender, loadConfig({}));
    await worker.onApplicationBootstrap();
    try {
      await waitFor(
        'the worker projection',
        async () =>
          Number((await driver.query<{ n: string }>(`SELECT count(*)::text AS n FROM dossier_summary WHERE apology_issued_at IS NOT NULL`)).rows[0].n) === 2,
        60_000,
      );
    } finally {
      await worker.onModuleDestroy();
    }
    const byWorker = await rows();
    expect(byWorker.summary).toHaveLength(3);
    const ctx = createWorkingTimeContext({ officeHours: HOURS });
    for (const r of byWorker.summary.filter((x) => x.apology_issued_at !== null)) {
      const expected = apologyCutoff(ctx, new Date(String(r.apology_due_at)));
      expect(new Date(String(r.apology_cutoff_at)).toISOString()).toBe(expected.toISOString());
      expect(expected.toISOString().slice(11, 16)).toBe('10:30'); // 17:30 in Asia/Ho_Chi_Minh
    }

    // 2. the CLI, directly on the database
    const rebuilt = await cli(['rebuild', 'dossier-summary'], { EVENT_STORE_URL: pg.url });
    expect(rebuilt.out).toContain('Rebuilt dossier-summary');
    expect(rebuilt.code).toBe(0);
    expect(await rows()).toEqual(byWorker);
    const verified = await cli(['verify-projections'], { EVENT_STORE_URL: pg.url });
    expect(verified.out).toMatch(/OK dossier-summary: identical to a rebuild/);
    expect(verified.code).toBe(0);

    // 3. the embedded app's rebuild (POST /admin/projections/dossier-summary/rebuild)
    expect((await h.request('POST', '/admin/projections/dossier-summary/rebuild', { token: admin })).status).toBe(202);
    await waitFor(
      'the embedded rebuild',
      async () => {
        const s = await h.request('GET', '/admin/projections/dossier-summary/rebuild', { token: admin });
        if (s.body.state === 'failed') throw new Error(s.body.error);
        return s.body.state === 'done';
      },
      60_000,
    );
    expect(await rows()).toEqual(byWorker);
  }, 180_000);
});
