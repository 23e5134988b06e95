import { randomUUID } from 'node:crypto';
import { Job } from 'bullmq';
import { dossierStreamName } from '@motcua/domain';
import { alarmJobId, DeadlineTimers, TimerJobData } from '@motcua/timers';
import { adminCtx, noonZone, receiveDueAt, sleep, TimersFixture, timersFixture, UNIT, waitFor } from './support';

const AG1 = 'T01.AG1';
const AG2 = 'T01.AG2';

/** Liên thông (issue #16): each open transfer's own timers, in its agency's working time, against the real Redis and PostgreSQL. */
describe('transfer deadline timers (BullMQ, real Redis)', () => {
  let f: TimersFixture;
  let timers: DeadlineTimers;
  beforeAll(async () => {
    f = await timersFixture('xfer_alerts2');
    for (const code of [AG1, AG2]) {
      await f.reference.putUnit(
        code,
        { name: `Agency ${code}`, level: 'district', parentCode: UNIT, timeZone: noonZone(), officeHours: { sessions: [{ start: '00:00', end: '23:59' }] } },
        adminCtx(),
      );
    }
    timers = f.timers();
    await timers.start();
  });
  afterAll(async () => f.close());

  const transferAlerts = async (id: string) => (await f.store.readStream(dossierStreamName(id))).filter((e) => e.type === 'TransferAlertRaised');

  it("raises the late agency's near-deadline and overdue alerts once each, not before their time, for it and the lead; the other agency's stay pending; the sweep repairs a lost one; a returned transfer's timer appends nothing", async () => {
    const { id } = await receiveDueAt(f, Date.now() + 3_000_000);
    const late = randomUUID();
    const calm = randomUUID();
    const lateDue = new Date(Date.now() + 8_000);
    const calmDue = new Date(Date.now() + 40 * 60_000);
    await f.dossiers.execute(id, { action: 'transfer', transferId: late, toUnitCode: AG1, task: 'Thẩm định', dueAt: lateDue }, adminCtx());
    await f.dossiers.execute(id, { action: 'transfer', transferId: calm, toUnitCode: AG2, task: 'Xác minh', dueAt: calmDue }, adminCtx());

    // one timer per kind per open transfer, besides the dossier's own
    const planned = (await timers.timersOf(id)).filter((t) => t.transferId !== undefined);
    expect(planned.map((t) => [t.transferId, t.kind]).sort()).toEqual(
      [
        [late, 'near-deadline'],
        [late, 'overdue'],
        [calm, 'near-deadline'],
        [calm, 'overdue'],
      ].sort(),
    );
    const lateOverdue = planned.find((t) => t.transferId === late && t.kind === 'overdue')!;
    expect(lateOverdue.fireAt).toBe(lateDue.getTime());

    await waitFor(async () => (await transferAlerts(id)).length >= 2, 30_000, "the late agency's two alerts");
    await sleep(1_000);
    const raised = await transferAlerts(id);
    expect(raised.map((e) => [(e.data as { transferId: string }).transferId, (e.data as { kind: string }).kind]).sort()).toEqual(
      [
        [late, 'near-deadline'],
        [late, 'overdue'],
      ].sort(),
    );
    const overdue = raised.find((e) => (e.data as { kind: string }).kind === 'overdue')!;
    expect(overdue.data).toMatchObject({ transferId: late, toUnitCode: AG1, unitCode: UNIT, dueAt: lateDue.toISOString() });
    expect(Date.parse(overdue.recordedAt)).toBeGreaterThanOrEqual(lateDue.getTime());
    expect(overdue.metadata.actor.id).toBe('system:timers');

    // Redis loses the calm agency's alarm (its near-deadline and overdue timers): the sweep puts it back
    const calmAlarmId = alarmJobId(id, calmDue.getTime(), calm);
    await (await timers.queue.getJob(calmAlarmId))!.remove();
    expect(await timers.queue.getJob(calmAlarmId)).toBeUndefined();
    const swept = await timers.sweep();
    expect(swept.transferDossiers).toBeGreaterThanOrEqual(1);
    expect(swept.readded).toBeGreaterThanOrEqual(2);
    const back = await timers.queue.getJob(calmAlarmId);
    expect(back?.data).toEqual({ x: calm });
    const calmNear = planned.find((t) => t.transferId === calm && t.kind === 'near-deadline')!;
    expect(Math.abs(back!.timestamp + back!.delay - calmNear.fireAt)).toBeLessThan(1_000);

    // the calm agency hands its part back: its timer, fired anyway, appends nothing, and none is planned any more
    await f.dossiers.execute(id, { action: 'transfer-return', transferId: calm, outcome: 'done' }, adminCtx());
    const outcome = await timers.fire({ id: calmAlarmId, data: back!.data } as Job<TimerJobData>);
    expect(outcome.appended).toBe(0);
    expect((await timers.timersOf(id)).filter((t) => t.transferId !== undefined)).toEqual([]);
    expect(await transferAlerts(id)).toHaveLength(2);
  }, 90_000);
});
