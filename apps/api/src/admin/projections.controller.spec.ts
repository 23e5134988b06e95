import { ReferenceService } from '@motcua/application';
import { SqlEventStore } from '@motcua/event-store';
import { deleteCheckpoint, DOSSIER_SUMMARY_PROJECTION, ProjectionRunner, readModelProjections } from '@motcua/projections';
import { migrate, SqlDriver } from '@motcua/sql';
import { seedDossierEvents } from '../../../../bench/support/dossier-events';
import { waitCaughtUp, waitFor } from '../../../../libs/projections/src/__tests__/support';
import { freshPglite } from '../../../../test/support/databases';
import { ProjectionRebuilds } from './projection-rebuilds';

/** A unit the reference data does not know: its dossiers get the default office hours, but the calendars in force. */
const UNIT = 'U.UNREGISTERED';

describe('POST /admin/projections/dossier-summary/rebuild: the same rows as the worker', () => {
  let driver: SqlDriver;
  let store: SqlEventStore;
  let reference: ReferenceService;

  beforeAll(async () => {
    driver = await freshPglite();
    await migrate(driver);
    store = await SqlEventStore.create(driver);
    reference = new ReferenceService(store);
    await seedDossierEvents(driver, 40, { units: [UNIT] });
  }, 120_000);
  afterAll(async () => {
    await store?.close();
    await driver?.close();
  });

  /** The worker's way: a runner with `readModelProjections(reference data)`, from an empty read model. */
  async function projectAsTheWorker(): Promise<void> {
    await driver.exec(`TRUNCATE dossier_summary, dossier_clock`);
    await deleteCheckpoint(driver, DOSSIER_SUMMARY_PROJECTION);
    const projection = readModelProjections(reference.data)[DOSSIER_SUMMARY_PROJECTION]();
    const runner = new ProjectionRunner({ store, driver, projections: [projection], batchSize: 500, leaseKey: `test:admin-rebuild:${Math.random()}` });
    await runner.start();
    try {
      await waitCaughtUp(runner, 60_000);
    } finally {
      await runner.stop();
    }
  }

  const rows = async () => {
    const summary = await driver.query(`SELECT * FROM dossier_summary ORDER BY id`);
    const clock = await driver.query(`SELECT * FROM dossier_clock ORDER BY dossier_id, version`);
    return JSON.parse(JSON.stringify({ summary: summary.rows, clock: clock.rows })) as { summary: Record<string, unknown>[]; clock: unknown[] };
  };

  it('an admin calendar moves apology_cutoff_at for a unit without reference data, in the rebuild as in the worker', async () => {
    // an admin makes every apology cut-off day (as projected with the shipped calendars) a holiday
    await projectAsTheWorker();
    const before = (await rows()).summary.filter((r) => r.apology_cutoff_at !== null);
    expect(before.length).toBeGreaterThan(0);
    const localDay = (t: unknown) => new Date(new Date(String(t)).getTime() + 7 * 3_600_000).toISOString().slice(0, 10);
    const holidays = [...new Set(before.map((r) => localDay(r.apology_cutoff_at)))];
    for (const year of new Set(holidays.map((d) => Number(d.slice(0, 4))))) {
      reference.data.apply({ type: 'WorkingCalendarSet', data: { year, holidays: holidays.filter((d) => d.startsWith(`${year}-`)), workingDays: [] } }, 1);
    }
    await projectAsTheWorker();
    const byWorker = await rows();
    for (const r of byWorker.summary.filter((x) => x.apology_cutoff_at !== null)) expect(holidays).not.toContain(localDay(r.apology_cutoff_at));

    await driver.exec(`UPDATE dossier_summary SET apology_cutoff_at = NULL`); // the rebuild must write them again
    const rebuilds = new ProjectionRebuilds(store, driver, reference);
    expect(rebuilds.start(DOSSIER_SUMMARY_PROJECTION).state).toBe('running');
    await waitFor(
      'the rebuild',
      () => {
        const s = rebuilds.status(DOSSIER_SUMMARY_PROJECTION);
        if (s.state === 'failed') throw new Error(s.error);
        return s.state === 'done';
      },
      60_000,
    );
    expect(await rows()).toEqual(byWorker);
  }, 120_000);
});
