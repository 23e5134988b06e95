/** The embedded deployment (PGlite, worker in process): alerts projected, listed and acknowledged; the projection is idempotent. */
import { randomUUID } from 'node:crypto';
import { dossierStreamName } from '@motcua/domain';
import { RecordedEvent } from '@motcua/event-store';
import { EventStore } from '@motcua/event-store';
import { EVENT_STORE, loadConfig, mintToken, SQL_DRIVER } from '@motcua/platform';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from '../../../apps/api/src/create-app';
import { alertId, alertsProjection, AlertView } from '@motcua/projections';
import { SqlDriver } from '@motcua/sql';
import { TEST_JWT_SECRET } from '../../support/api-harness';

/** The embedded app with its worker (the test harness runs without one). */
async function startEmbedded() {
  const config = loadConfig({ EVENT_STORE_URL: 'pglite://memory', JWT_SECRET: TEST_JWT_SECRET, LOG_LEVEL: 'silent' }, 'api');
  const app: NestFastifyApplication = await createApp({ ...config, runWorker: true });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return {
    app,
    store: app.get<EventStore>(EVENT_STORE),
    token: (c: { sub: string; roles: string[]; units: string[] }) => mintToken({ ...c, roles: c.roles as never }, TEST_JWT_SECRET),
    async request(method: string, url: string, o: { token?: string; body?: unknown } = {}) {
      const res = await app.inject({
        method: method as never,
        url: `/api/v1${url}`,
        headers: { ...(o.token ? { authorization: `Bearer ${o.token}` } : {}), ...(o.body !== undefined ? { 'content-type': 'application/json' } : {}) },
        payload: o.body !== undefined ? JSON.stringify(o.body) : undefined,
      });
      return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : undefined };
    },
    close: () => app.close(),
  };
}

describe('deadline alerts on the embedded store (PGlite)', () => {
  let h: Awaited<ReturnType<typeof startEmbedded>>;
  let admin: string, officer: string, other: string;
  const UNIT = 'PG.ALERT.U1';
  const OTHER = 'PG.ALERT.U2';

  beforeAll(async () => {
    h = await startEmbedded();
    admin = await h.token({ sub: 'admin', roles: ['admin'], units: [UNIT, OTHER] });
    officer = await h.token({ sub: 'officer-1', roles: ['officer'], units: [UNIT] });
    other = await h.token({ sub: 'officer-2', roles: ['officer'], units: [OTHER] });
    expect((await h.request('PUT', `/units/${UNIT}`, { token: admin, body: { name: 'Xã Một', level: 'commune' } })).status).toBeLessThan(300);
    expect((await h.request('PUT', `/units/${OTHER}`, { token: admin, body: { name: 'Xã Hai', level: 'commune' } })).status).toBeLessThan(300);
  }, 120_000);
  afterAll(async () => h?.close());

  it('applies a batch twice with the same effect, inserting each alert once and reporting only new ones', async () => {
    const driver = h.app.get<SqlDriver>(SQL_DRIVER);
    const dossierId = randomUUID();
    const dueAt = '2031-01-02T03:00:00.000Z';
    const e = (n: number, type: string, kind: string): RecordedEvent => ({
      id: randomUUID(),
      stream: dossierStreamName(dossierId),
      revision: BigInt(n),
      position: { commit: 1n, prepare: BigInt(n) },
      type,
      data: { kind, dueAt, raisedAt: '2031-01-01T03:00:00.000Z', unitCode: UNIT },
      metadata: { actor: { id: 'system:test' }, correlationId: 'c', causationId: 'c', occurredAt: '2031-01-01T03:00:00.000Z', schemaVersion: 1 },
      recordedAt: new Date().toISOString(),
    });
    const batch = [e(0, 'DeadlineWarningRaised', 'near-deadline'), e(1, 'DeadlineWarningRaised', 'near-deadline'), e(2, 'DossierOverdue', 'overdue')];
    const published: AlertView[][] = [];
    const projection = alertsProjection({ onCommitted: (a) => void published.push(a) });
    for (let i = 0; i < 2; i++) {
      const after = await driver.transaction((tx) => projection.apply(tx, batch));
      if (after) await after();
    }
    expect(published.map((p) => p.map((a) => a.id))).toEqual([[alertId(dossierId, 'near-deadline', dueAt), alertId(dossierId, 'overdue', dueAt)]]);
    const { rows } = await driver.query<{ n: string }>(`SELECT count(*)::text AS n FROM alerts WHERE dossier_id = $1`, [dossierId]);
    expect(Number(rows[0].n)).toBe(2);
    await driver.exec(`DELETE FROM alerts`);
  });

  it('projects appended alert events (worker in process), lists and acknowledges them', async () => {
    const dossierId = randomUUID();
    const dueAt = '2031-02-03T04:00:00.000Z';
    const raisedAt = new Date().toISOString();
    await h.store.append(dossierStreamName(dossierId), [
      {
        id: randomUUID(),
        type: 'ApologyCutoffReached',
        data: { kind: 'apology-cutoff', dueAt, raisedAt, unitCode: UNIT, assignee: 'officer-1' },
        metadata: { actor: { id: 'system:timers' }, correlationId: randomUUID(), causationId: randomUUID(), occurredAt: raisedAt, schemaVersion: 1 },
      },
    ]);
    const id = alertId(dossierId, 'apology-cutoff', dueAt);
    const until = Date.now() + 20_000;
    let items: { id: string }[] = [];
    while (Date.now() < until) {
      items = (await h.request('GET', '/alerts', { token: officer })).body.items;
      if (items.length) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(items).toEqual([expect.objectContaining({ id, kind: 'apology-cutoff', unitCode: UNIT, assignee: 'officer-1', dueAt, raisedAt, state: 'open' })]);
    expect((await h.request('GET', '/alerts', { token: other })).body.items).toEqual([]);
    expect((await h.request('POST', `/alerts/${id}/acknowledge`, { token: other })).status).toBe(404);
    const ack = await h.request('POST', `/alerts/${id}/acknowledge`, { token: officer });
    expect(ack.status).toBe(200);
    expect(ack.body).toMatchObject({ id, state: 'acknowledged', acknowledgedBy: 'officer-1' });
    const again = await h.request('POST', `/alerts/${id}/acknowledge`, { token: admin });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'officer-1', acknowledgedAt: ack.body.acknowledgedAt });
  });
});
