import { alertsProjection, ProjectionRunner } from '@motcua/projections';
import { DeadlineTimers, dossierIdOfJob, TIMER_JOB } from '@motcua/timers';
import { adminCtx, alertsOf, receiveDueAt, TimersFixture, timersFixture, waitFor } from './support';

/**
 * Issue #12.9: a history imported after the fact (reception and resolution both in the past, the
 * resolution before the due time) reaches the log one line after the other; the timers may fire
 * between the two, the due time being long past. The resolution must withdraw such an alert (an
 * event saying so), and the `alerts` read model must not keep it open.
 */
describe('a dossier resolved before its due time keeps no open overdue alert', () => {
  let f: TimersFixture;
  let timers: DeadlineTimers;
  let alerts: ProjectionRunner;

  beforeAll(async () => {
    f = await timersFixture('intime');
    alerts = new ProjectionRunner({ store: f.store, driver: f.pg.driver, projections: [alertsProjection()], leaseKey: `alerts-${f.prefix}` });
    await alerts.start();
    timers = f.timers();
    await timers.start();
  });
  afterAll(async () => {
    await alerts.stop();
    await f.close();
  });

  const alertsCaughtUp = async () => (await alerts.status()).projections.every((p) => p.caughtUp);
  const rows = async (ids: string[]) =>
    (
      await f.pg.driver.query<{ dossier_id: string; kind: string; state: string; withdrawn_reason: string | null }>(
        `SELECT dossier_id, kind, state, withdrawn_reason FROM alerts WHERE dossier_id = ANY($1::text[])`,
        [ids],
      )
    ).rows;

  it('the overdue alert a timer raised before the backdated resolution arrived is withdrawn by it', async () => {
    // received 1 h before a due time already 2 minutes past: every timer fires at once
    const { id, dueAt } = await receiveDueAt(f, Date.now() - 120_000);
    await waitFor(async () => (await alertsOf(f.store, id)).some((e) => e.type === 'DossierOverdue'), 60_000, 'the overdue alert');
    // wait on the applied row, not on the caught-up flag (a long transaction elsewhere can hide the event for a moment)
    await waitFor(async () => (await rows([id])).some((r) => r.kind === 'overdue'), 60_000, 'the overdue alert in the read model');
    expect((await rows([id])).find((r) => r.kind === 'overdue')?.state).toBe('open');

    // then the resolution, dated half an hour before the due time, arrives (the next import line)
    const r = await f.dossiers.execute(id, { action: 'resolve', outcome: 'approved' }, adminCtx(new Date(), new Date(dueAt - 1_800_000)));
    expect(r.appended).toBeGreaterThanOrEqual(2);
    const withdrawn = (await f.store.readStream(`dossier-${id}`)).filter((e) => e.type === 'DeadlineAlertWithdrawn');
    expect(withdrawn.map((e) => (e.data as { kind: string }).kind)).toContain('overdue');
    expect(withdrawn.every((e) => (e.data as { reason: string }).reason === 'resolved-before-due')).toBe(true);

    await waitFor(
      async () => (await alertsCaughtUp()) && (await rows([id])).every((x) => x.state === 'withdrawn'),
      60_000,
      'the alerts withdrawn in the read model',
    );
    expect((await rows([id])).find((x) => x.kind === 'overdue')).toMatchObject({ state: 'withdrawn', withdrawn_reason: 'resolved-before-due' });
  }, 180_000);

  it('an import of receptions and in-time resolutions, due times long past, leaves no open alert', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) {
      // as an import: reception, then at once its resolution dated before the due time
      const { id, dueAt } = await receiveDueAt(f, Date.now() - 3_600_000);
      await f.dossiers.execute(id, { action: 'resolve', outcome: 'approved' }, adminCtx(new Date(), new Date(dueAt - 600_000)));
      ids.push(id);
    }
    // every timer of these dossiers has fired (nothing waiting or delayed) and the read model caught up
    await waitFor(async () => (await timers.status()).eventsBehind === 0, 60_000, 'the timers subscription');
    const mine = new Set(ids);
    await waitFor(
      async () => {
        const jobs = await timers.queue.getJobs(['waiting', 'active', 'delayed', 'prioritized']);
        return !jobs.some((j) => j && j.name === TIMER_JOB && mine.has(dossierIdOfJob(j) ?? '')); // (the sweep's repeatable job stays delayed)
      },
      90_000,
      'every timer fired',
    );
    await waitFor(alertsCaughtUp, 60_000, 'the alerts projection');
    expect((await rows(ids)).filter((r) => r.state === 'open')).toEqual([]);
    for (const id of ids) {
      const events = await f.store.readStream(`dossier-${id}`);
      const raised = events.filter((e) => ['DeadlineWarningRaised', 'ApologyCutoffReached', 'DossierOverdue'].includes(e.type)).length;
      expect(events.filter((e) => e.type === 'DeadlineAlertWithdrawn')).toHaveLength(raised); // every alert raised was withdrawn
    }
  }, 240_000);
});
