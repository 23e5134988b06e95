import { randomUUID } from 'node:crypto';
import { dossierStreamName, type DossierEvent } from '@motcua/domain';
import { RecordedEvent } from '@motcua/event-store/port';
import { migrate, SqlDriver } from '@motcua/sql';
import { freshPglite } from '../../../../test/support/databases';
import { ev } from '../../../domain/src/dossier/__tests__/fixtures';
import { consentStreamName, NOTIFICATIONS_OPTED_OUT, NotificationsOptedOutData } from './notification-model';
import { notificationsProjection } from './notifications.projection';

const A = '0b9b8c1e-4c59-4a8e-9d7f-3c1c1d1e2f31';
const B = '0b9b8c1e-4c59-4a8e-9d7f-3c1c1d1e2f32';
const C = '0b9b8c1e-4c59-4a8e-9d7f-3c1c1d1e2f33';

/** A log of three dossiers: receptions, a due time moved twice, an opt-out between two notices. */
function log(): RecordedEvent[] {
  const entries: [string, { type: string; data: unknown }][] = [
    [dossierStreamName(A), ev.received({ dossierId: A, code: 'A-1', applicant: { name: 'Nguyễn Văn A', email: 'a@example.vn', phone: '0909000111' } })],
    [dossierStreamName(B), ev.received({ dossierId: B, code: 'B-1', applicant: { name: 'Trần Thị B', email: ' b@example.vn ' } })],
    [dossierStreamName(A), ev.supplementRequested('2025-03-04T02:00:00.000Z')],
    [dossierStreamName(A), ev.supplementReceived('2025-03-05T02:00:00.000Z', '2025-03-10T10:00:00.000Z', '2025-03-06T10:00:00.000Z')],
    [dossierStreamName(C), ev.received({ dossierId: C, code: 'C-1', applicant: { name: 'Lê Văn C', phone: '0909000333' } })],
    [dossierStreamName(B), ev.apologyIssued('2025-03-06T09:00:00.000Z', '2025-03-12T10:00:00.000Z', '2025-03-06T10:00:00.000Z')],
    [
      consentStreamName(A),
      {
        type: NOTIFICATIONS_OPTED_OUT,
        data: { dossierId: A, channels: ['sms'], by: 'citizen', at: '2025-03-07T02:00:00.000Z' } satisfies NotificationsOptedOutData,
      },
    ],
    [dossierStreamName(A), ev.resolved('2025-03-08T02:00:00.000Z')],
    [dossierStreamName(C), ev.resolved('2025-03-08T03:00:00.000Z')],
    [dossierStreamName(B), ev.withdrawn('2025-03-08T04:00:00.000Z')],
  ];
  return entries.map(([stream, e], i) => ({
    id: randomUUID(),
    stream,
    revision: BigInt(i),
    position: { commit: 1n, prepare: BigInt(i + 1) },
    type: e.type,
    data: e.data as DossierEvent['data'],
    metadata: { actor: { id: 'test' }, correlationId: 'c', causationId: 'c', occurredAt: '2025-03-03T02:00:00.000Z', schemaVersion: 1 },
    recordedAt: '2025-03-03T02:00:00.000Z',
  }));
}

/** The rows the projection wrote, without the clock's columns (`now()`). */
async function rows(db: SqlDriver) {
  const outbox = await db.query(
    `SELECT id, audience, dossier_id, unit_code, event_id, event_type, notice, channel, recipient, payload, status, last_error FROM notification_outbox ORDER BY seq`,
  );
  const dossiers = await db.query(`SELECT * FROM notification_dossiers ORDER BY dossier_id`);
  const optOuts = await db.query(`SELECT dossier_id, channel, opted_out_at, recorded_by FROM notification_opt_outs ORDER BY dossier_id, channel`);
  return { outbox: outbox.rows, dossiers: dossiers.rows, optOuts: optOuts.rows };
}

describe('notifications projection', () => {
  const drivers: SqlDriver[] = [];
  const open = async () => {
    const db = await freshPglite();
    drivers.push(db);
    await migrate(db);
    return db;
  };
  afterAll(async () => {
    await Promise.all(drivers.map((d) => d.close()));
  });

  it('writes the same rows for a whole batch as for its events one by one (due times moved, an opt-out between notices)', async () => {
    const projection = notificationsProjection({ channels: () => ['email', 'sms'], publicBaseUrl: 'https://motcua.example.vn/api/v1' });
    const events = log();
    const whole = await open();
    await whole.transaction((tx) => projection.apply(tx, events));
    const single = await open();
    for (const e of events) await single.transaction((tx) => projection.apply(tx, [e]));

    const batch = await rows(whole);
    expect(batch).toEqual(await rows(single));
    // and what that is: each notice on the channels the applicant gave, none after the opt-out,
    // the pending SMS rows of the dossier that opted out failed, the due times moved
    expect(batch.outbox.map((r) => [r.dossier_id, r.notice, r.channel, r.status, r.last_error])).toEqual([
      [A, 'received', 'email', 'pending', null],
      [A, 'received', 'sms', 'failed', 'opted out'],
      [B, 'received', 'email', 'pending', null],
      [A, 'supplement-needed', 'email', 'pending', null],
      [A, 'supplement-needed', 'sms', 'failed', 'opted out'],
      [C, 'received', 'sms', 'pending', null],
      [B, 'apology', 'email', 'pending', null],
      [A, 'result-ready', 'email', 'pending', null],
      [C, 'result-ready', 'sms', 'pending', null],
      [B, 'processing-stopped', 'email', 'pending', null],
    ]);
    expect(batch.dossiers.map((r) => [r.dossier_id, new Date(r.due_at as string).toISOString(), r.email, r.phone])).toEqual([
      [A, '2025-03-10T10:00:00.000Z', 'a@example.vn', '0909000111'],
      [B, '2025-03-12T10:00:00.000Z', 'b@example.vn', null],
      [C, '2025-03-06T10:00:00.000Z', null, '0909000333'],
    ]);
    expect(batch.optOuts.map((r) => [r.dossier_id, r.channel])).toEqual([[A, 'sms']]);
  });

  it('writes the receptions of a batch once, also when they are delivered again', async () => {
    const projection = notificationsProjection({ channels: () => [], publicBaseUrl: 'https://motcua.example.vn/api/v1' });
    const events = log();
    const db = await open();
    await db.transaction((tx) => projection.apply(tx, events));
    await db.transaction((tx) => projection.apply(tx, events));
    const { outbox, dossiers } = await rows(db);
    expect(outbox).toEqual([]); // no channel configured: no row to send
    expect(dossiers.map((r) => [r.dossier_id, new Date(r.due_at as string).toISOString()])).toEqual([
      [A, '2025-03-10T10:00:00.000Z'],
      [B, '2025-03-12T10:00:00.000Z'],
      [C, '2025-03-06T10:00:00.000Z'],
    ]);
  });
});
