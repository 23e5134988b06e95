/**
 * The acknowledgement use case and its in-process reaction: `AlertAcknowledged` is appended once,
 * and the EventBus carries `AlertAcknowledgedEvent` to the metrics only after that append committed
 * (never for a repeat, a lost race, a failed append or another unit's alert).
 */
import { Test } from '@nestjs/testing';
import { CommandBus, CqrsModule } from '@nestjs/cqrs';
import { ReferenceService } from '@motcua/application';
import { EventStore, MemoryEventStore } from '@motcua/event-store';
import { EVENT_STORE, Metrics, SQL_DRIVER } from '@motcua/platform';
import { ALERT_ACKNOWLEDGED, alertId, alertStreamName, AlertView } from '@motcua/projections';
import { RequestCause } from '../common/command-context';
import { AcknowledgeAlertCommand, AcknowledgeAlertHandler } from './commands';
import { AlertAcknowledgementMetrics } from './events';

const DOSSIER = '6f1c2a3e-0000-4000-8000-000000000001';
const RAISED = '2025-05-05T03:00:00.000Z';
const ID = alertId(DOSSIER, 'overdue', '2025-05-05T03:00:00Z');

/** The `alerts` read-model row of the alert, as `getAlert` selects it. */
const row = {
  id: ID,
  seq: 1,
  dossier_id: DOSSIER,
  dossier_code: 'U1-250505-0001',
  unit_code: 'U1',
  kind: 'overdue',
  due_at: RAISED,
  raised_at: RAISED,
  event_id: 'e1',
  state: 'open',
};

const cause = (units: string[], now = new Date('2025-05-05T05:00:00Z')): RequestCause => ({
  actor: { id: 'sup-1', name: 'Trần Giám Sát', roles: ['supervisor'], units },
  correlationId: 'req-1',
  causationId: 'cause-1',
  now,
});

async function setup(store: EventStore = new MemoryEventStore()) {
  const reference = new ReferenceService(store);
  reference.data.apply(
    {
      type: 'UnitDefined',
      data: {
        code: 'U1',
        name: 'Unit 1',
        level: 'commune',
        timeZone: 'Asia/Ho_Chi_Minh',
        officeHours: { morning: ['07:30', '11:30'], afternoon: ['13:30', '17:00'] },
      } as never,
    },
    0,
  );
  reference.data.apply(
    {
      type: 'UnitDefined',
      data: {
        code: 'U2',
        name: 'Unit 2',
        level: 'commune',
        timeZone: 'Asia/Ho_Chi_Minh',
        officeHours: { morning: ['07:30', '11:30'], afternoon: ['13:30', '17:00'] },
      } as never,
    },
    0,
  );
  const metrics = new Metrics();
  const moduleRef = await Test.createTestingModule({
    imports: [CqrsModule.forRoot()],
    providers: [
      AcknowledgeAlertHandler,
      AlertAcknowledgementMetrics,
      { provide: ReferenceService, useValue: reference },
      { provide: SQL_DRIVER, useValue: { query: async () => ({ rows: [row], affectedRows: 1 }) } },
      { provide: EVENT_STORE, useValue: store },
      { provide: Metrics, useValue: metrics },
    ],
  }).compile();
  await moduleRef.init();
  const acknowledged = async () => (await metrics.alertsAcknowledged.get()).values.find((v) => v.labels.kind === 'overdue')?.value ?? 0;
  const waited = async () =>
    (await metrics.alertAcknowledgementSeconds.get()).values.find((v) => v.metricName === 'motcua_alert_acknowledgement_seconds_sum')?.value ?? 0;
  return { bus: moduleRef.get(CommandBus), store, acknowledged, waited, close: () => moduleRef.close() };
}

/** Event handlers run after `publish` returns: wait for the counter (deadline, no sleep). */
async function eventually(read: () => Promise<number>, expected: number, ms = 5_000): Promise<void> {
  const until = Date.now() + ms;
  while ((await read()) !== expected) {
    if (Date.now() > until) throw new Error(`expected ${expected}, got ${await read()}`);
    await new Promise((r) => setImmediate(r));
  }
}

describe('AcknowledgeAlertHandler and the EventBus', () => {
  it('appends AlertAcknowledged once with the request metadata, and the metrics see exactly that acknowledgement', async () => {
    const t = await setup();
    try {
      const first: AlertView = await t.bus.execute(new AcknowledgeAlertCommand(ID, cause(['U1'])));
      expect(first).toMatchObject({ id: ID, state: 'acknowledged', acknowledgedBy: 'sup-1', acknowledgedAt: '2025-05-05T05:00:00.000Z' });
      await eventually(t.acknowledged, 1);
      expect(await t.waited()).toBe(2 * 3600);

      // the read model has not caught up (still open): the repeat loses the no-stream race and answers the first acknowledgement
      const again: AlertView = await t.bus.execute(new AcknowledgeAlertCommand(ID, cause(['U1'], new Date('2025-05-05T06:00:00Z'))));
      expect(again).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'sup-1', acknowledgedAt: '2025-05-05T05:00:00.000Z' });
      const events = await t.store.readStream(alertStreamName(ID));
      expect(events.map((e) => e.type)).toEqual([ALERT_ACKNOWLEDGED]);
      expect(events[0].metadata).toMatchObject({
        actor: { id: 'sup-1', name: 'Trần Giám Sát', roles: ['supervisor'] },
        correlationId: 'req-1',
        causationId: 'cause-1',
        occurredAt: '2025-05-05T05:00:00.000Z',
        schemaVersion: 1,
      });
      expect(events[0].metadata).not.toHaveProperty('actor.units');
      // give a wrongly published second event every chance to arrive
      await new Promise((r) => setImmediate(r));
      expect(await t.acknowledged()).toBe(1);
    } finally {
      await t.close();
    }
  });

  it('publishes nothing when the append fails, nor for another unit’s alert (404)', async () => {
    const store = new MemoryEventStore();
    const failing = Object.assign(Object.create(store) as EventStore, { append: async () => Promise.reject(new Error('store down')) });
    const t = await setup(failing);
    try {
      await expect(t.bus.execute(new AcknowledgeAlertCommand(ID, cause(['U1'])))).rejects.toThrow('store down');
      await expect(t.bus.execute(new AcknowledgeAlertCommand(ID, cause(['U2'])))).rejects.toMatchObject({ status: 404 });
      await new Promise((r) => setImmediate(r));
      expect(await t.acknowledged()).toBe(0);
    } finally {
      await t.close();
    }
  });
});
