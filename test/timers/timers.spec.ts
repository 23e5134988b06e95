import { Job } from 'bullmq';
import { dossierStreamName } from '@motcua/domain';
import { alarmJobId, DeadlineTimers, TimerData, timerJobId, TIMER_JOB } from '@motcua/timers';
import { adminCtx, alertsOf, receiveDueAt, seedDossiers, sleep, TimersFixture, timersFixture, UNIT, waitFor } from './support';

/** Deadline timers against the real Redis and PostgreSQL (unique BullMQ prefix and schema per fixture). */
describe('deadline timers (BullMQ, real Redis)', () => {
  let f: TimersFixture;
  let timers: DeadlineTimers;
  beforeAll(async () => {
    f = await timersFixture('a');
    timers = f.timers();
    await timers.start();
  });
  afterAll(async () => f.close());

  it('(a) a dossier coming due raises apology-cutoff, near-deadline and overdue, each once and none before its time', async () => {
    const { id, dueAt } = await receiveDueAt(f, Date.now() + 12_000);
    const expected = (await timers.timersOf(id)).sort((a, b) => a.fireAt - b.fireAt);
    expect(expected.map((t) => t.kind)).toEqual(['apology-cutoff', 'near-deadline', 'overdue']);
    expect(expected[2].fireAt).toBe(dueAt);
    expect(dueAt - expected[1].fireAt).toBeGreaterThan(5_000); // 99.8 % of one working hour
    await waitFor(async () => (await alertsOf(f.store, id)).length >= 3, 30_000, 'three alerts');
    await sleep(1_500);
    await timers.sweep(); // nothing missing: the sweep adds nothing back
    await sleep(500);
    const alerts = await alertsOf(f.store, id);
    // Each kind exactly once, none before its time. The order of appends is not asserted: under
    // load two alerts whose times have both passed may be handled by two worker slots at once.
    expect(alerts.map((e) => e.type).sort()).toEqual(['ApologyCutoffReached', 'DeadlineWarningRaised', 'DossierOverdue']);
    const byType = new Map(alerts.map((e) => [e.type, e]));
    const typeOf = { 'apology-cutoff': 'ApologyCutoffReached', 'near-deadline': 'DeadlineWarningRaised', overdue: 'DossierOverdue' } as const;
    for (const t of expected) {
      const e = byType.get(typeOf[t.kind as keyof typeof typeOf])!;
      expect(Date.parse(e.recordedAt)).toBeGreaterThanOrEqual(t.fireAt);
      expect(e.metadata.actor.id).toBe('system:timers');
      expect((e.data as { dueAt: string }).dueAt).toBe(new Date(dueAt).toISOString());
    }
  }, 60_000);

  it('(b) resolve / withdraw stop alerts; a supplement or re-appointment moves the timers and the stale ones append nothing', async () => {
    const due = Date.now() + 9_000;
    const [resolved, withdrawn, supplemented, apologised] = await Promise.all([0, 1, 2, 3].map(() => receiveDueAt(f, due)));
    // wait until the scheduler has added the alarms (the cut-off, already past, rings at once)
    await waitFor(
      async () => (await f.queues.queue('deadline-timers').getJob(alarmJobId(apologised.id, apologised.dueAt))) !== undefined,
      10_000,
      'timers scheduled',
    );
    const officer = { assignee: 'officer-1' };
    await f.dossiers.execute(resolved.id, { action: 'resolve', outcome: 'approved' }, adminCtx());
    await f.dossiers.execute(withdrawn.id, { action: 'withdraw', reason: 'citizen withdrew' }, adminCtx());
    await f.dossiers.execute(supplemented.id, { action: 'request-supplement', reason: 'missing copy' }, adminCtx());
    await f.dossiers.execute(supplemented.id, { action: 'receive-supplement' }, adminCtx());
    const newDue = Date.now() + 20_000;
    await f.dossiers.execute(apologised.id, { action: 'apologise', reason: 'site visit needed', newDueAt: new Date(newDue) }, adminCtx());
    void officer;
    // the old timers fire (stale) at `due`; the re-appointed overdue at newDue
    await waitFor(async () => (await alertsOf(f.store, apologised.id)).some((e) => e.type === 'DossierOverdue'), 40_000, 're-appointed overdue');
    await sleep(1_000);
    const q = f.queues.queue<TimerData>('deadline-timers');
    for (const d of [resolved, withdrawn, supplemented, apologised]) {
      // the stale old-due alarm rang and found nothing pending (completed jobs are removed)
      expect(await q.getJob(alarmJobId(d.id, d.dueAt))).toBeUndefined();
      const events = await f.store.readStream(dossierStreamName(d.id));
      const lastStep = events.map((e) => e.type).findLastIndex((t) => !['DeadlineWarningRaised', 'ApologyCutoffReached', 'DossierOverdue'].includes(t));
      const alertsAfter = events.slice(lastStep + 1).filter((e) => (e.data as { dueAt?: string }).dueAt === new Date(d.dueAt).toISOString());
      expect(alertsAfter).toEqual([]); // nothing for the old due after the step that changed it
    }
    // the supplement moved the timers to the new due (one working hour from now): one alarm, ringing at the earliest pending alert
    const s = (await f.dossiers.load(supplemented.id)).state as { effectiveDueAt: string };
    const sDue = Date.parse(s.effectiveDueAt);
    expect(sDue).toBeGreaterThan(due + 30 * 60_000);
    expect(await q.getJob(alarmJobId(supplemented.id, sDue))).toBeDefined();
    const sPending = (await timers.timersOf(supplemented.id)).filter((t) => Date.parse(t.dueAt) === sDue);
    expect(sPending.map((t) => t.kind)).toEqual(expect.arrayContaining(['near-deadline', 'overdue']));
    // the re-appointed dossier: alerts for the new due, each once
    const apologyAlerts = (await alertsOf(f.store, apologised.id)).filter((e) => (e.data as { dueAt: string }).dueAt === new Date(newDue).toISOString());
    expect(apologyAlerts.map((e) => e.type).sort()).toEqual(['ApologyCutoffReached', 'DeadlineWarningRaised', 'DossierOverdue']);
    expect(Date.parse(apologyAlerts.find((e) => e.type === 'DossierOverdue')!.recordedAt)).toBeGreaterThanOrEqual(newDue);
  }, 90_000);

  it('(e) a paused dossier raises nothing; the resume moves the timers to the moved due time; an undone resolve brings its alerts back (issue #14)', async () => {
    const q = f.queues.queue<TimerData>('deadline-timers');
    const due = Date.now() + 6_000;
    const [paused, corrected] = await Promise.all([0, 1].map(() => receiveDueAt(f, due)));
    await waitFor(async () => (await q.getJob(alarmJobId(corrected.id, corrected.dueAt))) !== undefined, 10_000, 'alarms scheduled');
    // alerts whose time had passed may be raised before the step under test; none after it
    const alertsAfter = async (id: string, step: string) => {
      const events = await f.store.readStream(dossierStreamName(id));
      const at = events.map((e) => e.type).lastIndexOf(step);
      return events.slice(at + 1).filter((e) => ['DeadlineWarningRaised', 'ApologyCutoffReached', 'DossierOverdue'].includes(e.type));
    };
    // paused ten minutes ago (the unit works around the clock: ten working minutes by now)
    await f.dossiers.execute(
      paused.id,
      { action: 'pause', kind: 'verification', reason: 'field check' },
      adminCtx(new Date(), new Date(Date.now() - 10 * 60_000)),
    );
    await f.dossiers.execute(corrected.id, { action: 'resolve', outcome: 'approved' }, adminCtx());
    // the old alarms ring (completed jobs are removed) and append nothing: one dossier is paused, the other resolved
    await waitFor(
      async () => (await Promise.all([paused, corrected].map((d) => q.getJob(alarmJobId(d.id, d.dueAt))))).every((j) => j === undefined),
      20_000,
      'old timers ran',
    );
    await sleep(500);
    expect(await alertsAfter(paused.id, 'ProcessingPaused')).toEqual([]);
    expect(await alertsAfter(corrected.id, 'DossierResolved')).toEqual([]);

    const resumed = await f.dossiers.execute(paused.id, { action: 'resume' }, adminCtx());
    const newDue = Date.parse(resumed.view.dueAt as unknown as string);
    const minutes = Math.round((newDue - paused.dueAt) / 60_000);
    expect(minutes).toBeGreaterThanOrEqual(10);
    expect(minutes).toBeLessThanOrEqual(11);
    await waitFor(async () => (await q.getJob(alarmJobId(paused.id, newDue))) !== undefined, 10_000, 'the alarm at the moved due time');
    expect((await timers.timersOf(paused.id)).map((t) => t.kind)).toContain('near-deadline');

    // the resolve was a mistake: the clock runs again against the due time, long past: the overdue alert comes
    await f.dossiers.execute(corrected.id, { action: 'correct', undo: 'resolve', reason: 'resolved by mistake' }, adminCtx());
    await waitFor(async () => (await alertsOf(f.store, corrected.id)).some((e) => e.type === 'DossierOverdue'), 20_000, 'overdue after the undone resolve');
    const overdue = (await alertsOf(f.store, corrected.id)).filter((e) => e.type === 'DossierOverdue');
    expect(overdue.map((e) => (e.data as { dueAt: string }).dueAt)).toEqual([new Date(corrected.dueAt).toISOString()]);
  }, 60_000);

  it('(c) the same job processed twice (a stalled job run again, even concurrently) appends one alert', async () => {
    const { id, dueAt } = await receiveDueAt(f, Date.now() - 1_000 + 3_600_000); // due in an hour
    const data: TimerData = { dossierId: id, kind: 'overdue', dueAt: new Date(dueAt).toISOString(), fireAt: Date.now() - 1 };
    const job = { id: timerJobId(id, 'overdue', dueAt), name: TIMER_JOB, data } as Job<TimerData>;
    const [r1, r2] = await Promise.all([timers.process(job), timers.process(job)]);
    const r3 = await timers.process(job);
    expect([r1, r2, r3].map((r) => (r as { appended: number }).appended).sort()).toEqual([0, 0, 1]);
    expect((await alertsOf(f.store, id)).filter((e) => e.type === 'DossierOverdue')).toHaveLength(1);
    // a stale job (another due time) appends nothing
    const stale = { ...job, data: { ...data, dueAt: new Date(dueAt - 60_000).toISOString() } } as Job<TimerData>;
    expect(await timers.process(stale)).toEqual({ appended: 0 });
  });
});

describe('sweep after Redis is wiped (1,000 open dossiers)', () => {
  let f: TimersFixture;
  beforeAll(async () => {
    f = await timersFixture('d', undefined, { privateRedis: true });
  });
  afterAll(async () => f.close());

  it('(d) restores every timer and raises every alert that came due during the outage, exactly once', async () => {
    const wt = f.reference.data.workingTime(UNIT);
    const soonDue = Date.now() + 25_000;
    const laterDue = Date.now() + 3_600_000;
    const ids = await seedDossiers(f.store, wt, 1000, (i) => (i < 500 ? soonDue : laterDue));
    const soon = new Set(ids.slice(0, 500));
    // schedule only (no worker): every alarm is in Redis, one per dossier
    const scheduler = f.timers({ runWorker: false });
    await scheduler.start();
    const q = f.queues.queue<TimerData>('deadline-timers');
    await waitFor(async () => (await q.getJobCountByTypes('delayed', 'wait')) === 1000, 30_000, '1000 alarms (3000 timers)');
    await waitFor(
      async () =>
        (await f.pg.driver.query<{ n: number }>(`SELECT count(*)::int AS n FROM dossier_summary WHERE id = ANY($1::text[])`, [ids])).rows[0].n === ids.length,
      60_000,
      'dossier_summary holds the 1000 dossiers',
    );
    // the outage: FLUSHALL on this test's own Redis server — every timer and the repeatable sweep are gone
    expect(await f.wipeRedis()).toBeGreaterThan(1000);
    expect(await q.getJobCountByTypes('delayed', 'wait')).toBe(0);
    await scheduler.stop();
    await waitFor(async () => Date.now() > soonDue + 500, 40_000, 'the soon dossiers to come due');
    // back: the sweep, then a worker. Sweep first: start() runs a sweep of its own (the repeatable job, due at
    // once), which would otherwise race this one and leave it nothing to re-add
    const timers = f.timers();
    const r = await timers.sweep();
    await timers.start();
    expect(r.dossiers).toBe(1000);
    expect(r.readded).toBe(3000);
    expect(r.alarms).toBe(1000);
    expect(r.firedNow).toBe(500 * 3 + 500); // every timer of the soon ones, the past cut-offs of the later ones
    const pool = f.pg.driver;
    const countAlerts = async () =>
      Number(
        (
          await pool.query<{ n: string }>(
            `SELECT count(*)::text AS n FROM es_events WHERE type IN ('DeadlineWarningRaised','ApologyCutoffReached','DossierOverdue')`,
          )
        ).rows[0].n,
      );
    await waitFor(async () => (await countAlerts()) >= 2000, 60_000, '2000 alerts');
    await sleep(1_000);
    // all alarms back: the later dossiers', re-armed for their near-deadline and overdue alerts, by id
    const delayed = (await q.getJobs(['delayed'], 0, -1)).filter((j) => j.name === TIMER_JOB);
    expect(delayed).toHaveLength(500); // (besides the repeatable sweep's next run)
    const laterIds = ids.slice(500);
    const jobs = await Promise.all(laterIds.map((id) => q.getJob(alarmJobId(id, laterDue))));
    expect(jobs.every((j) => j !== undefined)).toBe(true);
    // a second sweep finds nothing missing
    const again = await timers.sweep();
    expect(again.readded).toBe(0);
    await sleep(500);
    expect(await countAlerts()).toBe(2000);
    const { rows } = await pool.query<{ stream_id: string; type: string; n: string }>(
      `SELECT stream_id, type, count(*)::text AS n FROM es_events WHERE type IN ('DeadlineWarningRaised','ApologyCutoffReached','DossierOverdue') GROUP BY stream_id, type`,
    );
    expect(rows.every((x) => x.n === '1')).toBe(true);
    const perStream = new Map<string, string[]>();
    for (const x of rows) perStream.set(x.stream_id, [...(perStream.get(x.stream_id) ?? []), x.type]);
    for (const id of ids) {
      const types = (perStream.get(dossierStreamName(id)) ?? []).sort();
      expect(types).toEqual(soon.has(id) ? ['ApologyCutoffReached', 'DeadlineWarningRaised', 'DossierOverdue'] : ['ApologyCutoffReached']);
    }
  }, 180_000);
});
