/**
 * Deadline alerts end to end, on PostgreSQL and the real Redis, with two app instances on one
 * database: A runs the worker (projections, webhook deliveries), B serves HTTP only. Alert events
 * are appended straight to the event store (as the deadline timers do).
 */
import { randomUUID } from 'node:crypto';
import { createServer, get, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AlertKind, dossierStreamName } from '@motcua/domain';
import { EventStore } from '@motcua/event-store';
import { EVENT_STORE, loadConfig, mintToken, Queues, redactUrl } from '@motcua/platform';
import { alertId, alertStreamName } from '@motcua/projections';
import { createApp } from '../../../apps/api/src/create-app';
import { AlertsHub } from '../../../apps/api/src/alerts/alerts-hub';
import { signWebhookBody, webhookQueueName } from '@motcua/background';
import { TEST_JWT_SECRET } from '../../support/api-harness';
import { freshPostgres, TestPostgres } from '../../support/databases';

const PROVINCE = 'AL.00.00.H29';
const DISTRICT = 'AL.00.27.H29';
const WARD_A = 'AL.27.01.H29';
const WARD_B = 'AL.27.02.H29';

const EVENT_TYPE: Record<AlertKind, string> = { 'near-deadline': 'DeadlineWarningRaised', 'apology-cutoff': 'ApologyCutoffReached', overdue: 'DossierOverdue' };

interface Instance {
  app: NestFastifyApplication;
  base: string;
}

async function start(url: string, runWorker: boolean): Promise<Instance> {
  const config = loadConfig(
    { EVENT_STORE_URL: url, JWT_SECRET: TEST_JWT_SECRET, LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent', WEBHOOK_ATTEMPTS: '3', WEBHOOK_BACKOFF_MS: '100' },
    'api',
  );
  const app = await createApp({ ...config, runWorker });
  await app.listen(0, '127.0.0.1');
  const addr = app.getHttpServer().address() as AddressInfo;
  return { app, base: `http://127.0.0.1:${addr.port}/api/v1` };
}

async function call(i: Instance, method: string, path: string, token?: string, body?: unknown) {
  const res = await fetch(i.base + path, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  let json: any;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = text;
  }
  return { status: res.status, body: json, headers: res.headers };
}

async function waitFor<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A raw SSE client: collects events and comments. */
interface Sse {
  res: IncomingMessage;
  events: { id?: string; event?: string; data: any }[];
  comments: string[];
  ended: boolean;
  close(): void;
}

function openSse(url: string, headers: Record<string, string> = {}): Promise<Sse> {
  return new Promise((resolve, reject) => {
    const req = get(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
      const sse: Sse = { res, events: [], comments: [], ended: false, close: () => req.destroy() };
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        let k: number;
        while ((k = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, k);
          buf = buf.slice(k + 2);
          const ev: { id?: string; event?: string; data?: string } = {};
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) sse.comments.push(line.slice(1).trim());
            else if (line.startsWith('id: ')) ev.id = line.slice(4);
            else if (line.startsWith('event: ')) ev.event = line.slice(7);
            else if (line.startsWith('data: ')) ev.data = (ev.data ?? '') + line.slice(6);
          }
          if (ev.data !== undefined) sse.events.push({ id: ev.id, event: ev.event, data: JSON.parse(ev.data) });
        }
      });
      res.on('end', () => (sse.ended = true));
      res.on('close', () => (sse.ended = true));
      res.on('error', () => (sse.ended = true));
      resolve(sse);
    });
    req.on('error', reject);
  });
}

describe('deadline alerts end to end (PostgreSQL, Redis, two instances)', () => {
  let pg: TestPostgres;
  let a: Instance; // api + worker
  let b: Instance; // api only
  let store: EventStore;
  let admin: string, supervisor: string, officerA: string, officerB: string, clerkA: string;
  const open: Sse[] = [];

  /** Appends an alert event to the dossier's stream, as the timer handler does. */
  async function raise(dossierId: string, kind: AlertKind, unitCode: string, dueAt: string, assignee?: string): Promise<string> {
    const raisedAt = new Date().toISOString();
    await store.append(dossierStreamName(dossierId), [
      {
        id: randomUUID(),
        type: EVENT_TYPE[kind],
        data: { kind, dueAt, raisedAt, unitCode, ...(assignee ? { assignee } : {}) },
        metadata: { actor: { id: 'system:timers' }, correlationId: randomUUID(), causationId: randomUUID(), occurredAt: raisedAt, schemaVersion: 1 },
      },
    ]);
    return alertId(dossierId, kind, dueAt);
  }

  const listIds = async (i: Instance, token: string, query: string) => {
    const r = await call(i, 'GET', `/alerts${query}`, token);
    expect(r.status).toBe(200);
    return (r.body.items as { id: string }[]).map((x) => x.id);
  };
  const projected = (id: string) => waitFor(`alert ${id} projected`, async () => (await listIds(a, admin, '?limit=200')).includes(id));

  beforeAll(async () => {
    pg = await freshPostgres('alerts', 2);
    await pg.driver.close();
    a = await start(pg.url, true);
    b = await start(pg.url, false);
    store = a.app.get<EventStore>(EVENT_STORE);
    const t = (sub: string, roles: string[], units: string[]) => mintToken({ sub, roles: roles as never, units }, TEST_JWT_SECRET);
    admin = await t('admin-1', ['admin'], [PROVINCE]);
    supervisor = await t('sup-1', ['supervisor'], [DISTRICT]);
    officerA = await t('officer-a', ['officer'], [WARD_A]);
    officerB = await t('officer-b', ['officer'], [WARD_B]);
    clerkA = await t('clerk-a', ['clerk'], [WARD_A]);
    for (const [code, body] of [
      [PROVINCE, { name: 'Tỉnh Thử', level: 'province' }],
      [DISTRICT, { name: 'Huyện Thử', level: 'district', parentCode: PROVINCE }],
      [WARD_A, { name: 'Xã A', level: 'commune', parentCode: DISTRICT }],
      [WARD_B, { name: 'Xã B', level: 'commune', parentCode: DISTRICT }],
    ] as const) {
      expect((await call(a, 'PUT', `/units/${code}`, admin, body)).status).toBeLessThan(300);
    }
    // instance B learns the units from the store
    await waitFor('B knows the units', async () => (await call(b, 'GET', `/alerts?unitCode=${WARD_B}`, admin)).status === 200);
  }, 120_000);

  afterAll(async () => {
    for (const s of open) s.close();
    await b?.app.close().catch(() => undefined);
    if (a) {
      // leave nothing behind in the shared Redis
      const ns = await a.app.get(AlertsHub).namespace();
      await a.app
        .get(Queues)
        .queue(webhookQueueName(ns))
        .obliterate({ force: true })
        .catch(() => undefined);
      await a.app.close();
    }
    await pg?.drop();
  }, 60_000);

  const d1 = randomUUID();
  const d2 = randomUUID();
  const due1 = '2030-03-05T10:00:00.000Z';
  const due2 = '2030-03-06T10:00:00.000Z';
  let near1: string, over1: string, cut2: string;

  it('projects alert events into GET /alerts, one alert per kind per due time, filtered and scoped', async () => {
    near1 = await raise(d1, 'near-deadline', WARD_A, due1, 'officer-a');
    near1 = await raise(d1, 'near-deadline', WARD_A, due1, 'officer-a'); // a re-fired timer
    over1 = await raise(d1, 'overdue', WARD_A, due1, 'officer-a');
    cut2 = await raise(d2, 'apology-cutoff', WARD_B, due2);
    await projected(cut2);
    await projected(over1);

    const all = await call(b, 'GET', `/alerts?unitCode=${DISTRICT}`, supervisor);
    expect(all.status).toBe(200);
    expect(all.body.items.map((x: { id: string }) => x.id).sort()).toEqual([near1, over1, cut2].sort());
    const near = all.body.items.find((x: { id: string }) => x.id === near1);
    expect(near).toMatchObject({
      id: `${d1}.near-deadline.${Date.parse(due1)}`,
      kind: 'near-deadline',
      dossierId: d1,
      unitCode: WARD_A,
      assignee: 'officer-a',
      dueAt: due1,
      state: 'open',
    });
    expect(near.raisedAt).toEqual(expect.any(String));

    expect((await listIds(b, officerA, '')).sort()).toEqual([near1, over1].sort());
    expect(await listIds(b, supervisor, `?unitCode=${WARD_B}`)).toEqual([cut2]);
    expect(await listIds(b, supervisor, `?kind=overdue`)).toEqual([over1]);
    expect(await listIds(b, supervisor, `?dossierId=${d2}`)).toEqual([cut2]);
    expect(await listIds(b, clerkA, '?state=acknowledged')).toEqual([]);

    // paging: one at a time, newest first, every alert once
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { items: { id: string }[]; nextCursor: string | null } } = await call(
        b,
        'GET',
        `/alerts?unitCode=${DISTRICT}&limit=1${cursor ? `&cursor=${cursor}` : ''}`,
        supervisor,
      );
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(1);
      seen.push(...page.body.items.map((x) => x.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen.sort()).toEqual([near1, over1, cut2].sort());

    expect((await call(b, 'GET', `/alerts?unitCode=${WARD_A}`, officerB)).status).toBe(403);
    expect((await call(b, 'GET', `/alerts?unitCode=NOPE`, admin)).status).toBe(404);
    expect((await call(b, 'GET', `/alerts?state=closed`, admin)).status).toBe(400);
    expect((await call(b, 'GET', `/alerts?cursor=garbage`, admin)).status).toBe(400);
    expect((await call(b, 'GET', `/alerts`)).status).toBe(401);
  });

  it('acknowledges once (idempotent), scoped to the caller’s units; the projection applies it', async () => {
    expect((await call(b, 'POST', `/alerts/${encodeURIComponent(near1)}/acknowledge`, officerB)).status).toBe(404); // another unit's alert: like an unknown one
    expect((await call(b, 'POST', `/alerts/${encodeURIComponent(near1)}/acknowledge`, clerkA)).status).toBe(403); // role
    expect((await call(b, 'POST', `/alerts/${d1}.overdue.1/acknowledge`, officerA)).status).toBe(404);
    expect((await call(b, 'POST', `/alerts/nonsense/acknowledge`, officerA)).status).toBe(404);

    const first = await call(b, 'POST', `/alerts/${encodeURIComponent(near1)}/acknowledge`, officerA);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ id: near1, state: 'acknowledged', acknowledgedBy: 'officer-a', acknowledgedAt: expect.any(String) });
    const again = await call(a, 'POST', `/alerts/${encodeURIComponent(near1)}/acknowledge`, supervisor);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ id: near1, state: 'acknowledged', acknowledgedBy: 'officer-a', acknowledgedAt: first.body.acknowledgedAt });

    const events = await store.readStream(alertStreamName(near1));
    expect(events.map((e) => e.type)).toEqual(['AlertAcknowledged']);
    expect(events[0].data).toMatchObject({ alertId: near1, dossierId: d1, by: 'officer-a' });

    await waitFor('acknowledgement projected', async () => (await listIds(b, officerA, '?state=acknowledged')).includes(near1));
    expect(await listIds(b, officerA, '?state=open')).toEqual([over1]);
    const third = await call(b, 'POST', `/alerts/${encodeURIComponent(near1)}/acknowledge`, officerA);
    expect(third.body).toEqual({ ...first.body, acknowledgedAt: new Date(first.body.acknowledgedAt).toISOString() });
  });

  it('streams new alerts over SSE to the clients of the other instance, by unit (Redis pub/sub)', async () => {
    b.app.get(AlertsHub).heartbeatMs = 200;
    expect(redactUrl(`/api/v1/alerts/stream?unitCode=X&access_token=${supervisor}`)).toBe('/api/v1/alerts/stream?unitCode=X&access_token=[redacted]');
    expect((await call(b, 'GET', '/alerts/stream')).status).toBe(401);
    expect((await call(b, 'GET', `/alerts/stream?access_token=${officerA}&unitCode=${WARD_B}`)).status).toBe(403);

    const district = await openSse(`${b.base}/alerts/stream?access_token=${supervisor}`);
    const wardB = await openSse(`${b.base}/alerts/stream`, { authorization: `Bearer ${officerB}` });
    open.push(district, wardB);
    expect(district.res.statusCode).toBe(200);
    expect(district.res.headers['content-type']).toMatch(/^text\/event-stream/);
    await waitFor('heartbeat', async () => district.comments.some((c) => c.startsWith('heartbeat')));

    const d3 = randomUUID();
    const d4 = randomUUID();
    const near3 = await raise(d3, 'near-deadline', WARD_A, due1, 'officer-a');
    const over4 = await raise(d4, 'overdue', WARD_B, due2);
    await waitFor('district client got both', async () => district.events.length >= 2);
    // alerts of two dossiers leave the outbox in either order (issue #19); each arrives once
    expect(district.events.map((e) => [e.id, e.event]).sort()).toEqual(
      [
        [near3, 'alert'],
        [over4, 'alert'],
      ].sort(),
    );
    expect(district.events.find((e) => e.id === near3)!.data).toMatchObject({
      id: near3,
      kind: 'near-deadline',
      dossierId: d3,
      unitCode: WARD_A,
      assignee: 'officer-a',
      dueAt: due1,
      state: 'open',
    });
    await waitFor('ward B client got its alert', async () => wardB.events.length >= 1);
    expect(wardB.events.map((e) => e.id)).toEqual([over4]);

    // a re-fired timer publishes nothing new
    await raise(d4, 'overdue', WARD_B, due2);
    const d5 = randomUUID();
    const near5 = await raise(d5, 'near-deadline', WARD_B, due2);
    await waitFor('next alert', async () => wardB.events.length >= 2);
    expect(wardB.events.map((e) => e.id)).toEqual([over4, near5]);

    // a reconnecting EventSource (Last-Event-ID) gets what it missed
    const again = await openSse(`${b.base}/alerts/stream?access_token=${officerB}`, { 'last-event-id': over4 });
    open.push(again);
    await waitFor('replay', async () => again.events.length >= 1);
    expect(again.events.map((e) => e.id)).toEqual([near5]);

    // disconnecting clients are dropped
    const hub = b.app.get(AlertsHub);
    const before = hub.size;
    again.close();
    await waitFor('client removed', async () => hub.size === before - 1);
  });

  it('delivers webhooks signed with the unit’s secret, retries after a 500, dead-letters after the last attempt', async () => {
    const received: { path: string; body: string; signature: string | undefined; delivery: string | undefined }[] = [];
    let flaky = 0;
    const server: Server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({
          path: req.url ?? '',
          body,
          signature: req.headers['x-motcua-signature'] as string | undefined,
          delivery: req.headers['x-motcua-delivery'] as string | undefined,
        });
        if (req.url === '/flaky' && flaky++ === 0) res.statusCode = 500;
        else if (req.url === '/down') res.statusCode = 503;
        else res.statusCode = 204;
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    try {
      const secretA = 'secret-of-ward-a-0123456789';
      expect((await call(b, 'PUT', `/units/${WARD_A}/webhook`, supervisor, { url: `http://127.0.0.1:${port}/flaky`, secret: secretA })).status).toBe(403);
      expect((await call(b, 'PUT', `/units/${WARD_A}/webhook`, admin, { url: 'ftp://x', secret: secretA })).status).toBe(400);
      expect((await call(b, 'PUT', `/units/${WARD_A}/webhook`, admin, { url: `http://127.0.0.1:${port}/flaky`, secret: 'short' })).status).toBe(400);
      expect((await call(b, 'PUT', `/units/NOPE/webhook`, admin, { url: `http://127.0.0.1:${port}/flaky`, secret: secretA })).status).toBe(404);
      const put = await call(b, 'PUT', `/units/${WARD_A}/webhook`, admin, { url: `http://127.0.0.1:${port}/flaky`, secret: secretA });
      expect(put.status).toBe(200);
      expect(put.body).toMatchObject({ unitCode: WARD_A, url: `http://127.0.0.1:${port}/flaky` });
      expect(put.body.secret).toBeUndefined();
      expect(
        (await call(b, 'PUT', `/units/${WARD_B}/webhook`, admin, { url: `http://127.0.0.1:${port}/down`, secret: 'secret-of-ward-b-0123456789' })).status,
      ).toBe(200);
      expect((await call(b, 'GET', `/units/${WARD_B}/webhook`, admin)).body).toMatchObject({ url: `http://127.0.0.1:${port}/down` });

      const d6 = randomUUID();
      const d7 = randomUUID();
      const id6 = await raise(d6, 'overdue', WARD_A, due1, 'officer-a');
      const id7 = await raise(d7, 'overdue', WARD_B, due2);

      // ward A: a 500, then delivered, with a valid signature
      await waitFor('flaky delivered', async () => received.filter((r) => r.path === '/flaky').length >= 2);
      const flakyCalls = received.filter((r) => r.path === '/flaky');
      expect(flakyCalls).toHaveLength(2);
      for (const c of flakyCalls) {
        expect(JSON.parse(c.body)).toMatchObject({ id: id6, kind: 'overdue', dossierId: d6, unitCode: WARD_A, dueAt: due1 });
        expect(c.signature).toBe(signWebhookBody(c.body, secretA));
        expect(c.delivery).toBe(`${id6}.${WARD_A}`);
      }

      // ward B: 3 attempts (WEBHOOK_ATTEMPTS), then the dead letter
      const dead = await waitFor('dead letter', async () => {
        const r = await call(b, 'GET', '/admin/webhooks/dead-letter', admin);
        expect(r.status).toBe(200);
        return r.body.items.find((x: { alertId: string }) => x.alertId === id7);
      });
      expect(dead).toMatchObject({ unitCode: WARD_B, alertId: id7, attempts: 3, failedReason: expect.stringContaining('HTTP 503') });
      expect(received.filter((r) => r.path === '/down')).toHaveLength(3);
      expect((await call(b, 'GET', '/admin/webhooks/dead-letter', admin)).body.items.some((x: { alertId: string }) => x.alertId === id6)).toBe(false);
      expect((await call(b, 'GET', '/admin/webhooks/dead-letter', supervisor)).status).toBe(403);
      const wardAAdmin = await mintToken({ sub: 'admin-a', roles: ['admin'], units: [WARD_A] }, TEST_JWT_SECRET);
      expect((await call(b, 'GET', '/admin/webhooks/dead-letter', wardAAdmin)).body.items).toEqual([]);

      expect((await call(b, 'DELETE', `/units/${WARD_B}/webhook`, admin)).status).toBe(204);
      expect((await call(b, 'GET', `/units/${WARD_B}/webhook`, admin)).status).toBe(404);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it("a liên thông agency's alert reaches the lead unit's users and the agency's: list, SSE (live and replay), acknowledgement (issue #16)", async () => {
    const lead = await openSse(`${b.base}/alerts/stream?access_token=${officerA}`);
    const agency = await openSse(`${b.base}/alerts/stream?access_token=${officerB}`);
    open.push(lead, agency);
    await waitFor('both streams open', async () => lead.res.statusCode === 200 && agency.res.statusCode === 200);
    const dossierId = randomUUID();
    const transferId = randomUUID();
    const dueAt = '2031-03-04T10:00:00.000Z';
    // an alert of the lead unit alone, before it (the agency's users do not see it)
    const marker = await raise(randomUUID(), 'near-deadline', WARD_A, dueAt);
    await projected(marker);
    const raisedAt = new Date().toISOString();
    // as the transfer timer's handler appends it: the agency (ward B) is late on the lead's (ward A) dossier
    await store.append(dossierStreamName(dossierId), [
      {
        id: randomUUID(),
        type: 'TransferAlertRaised',
        data: { transferId, toUnitCode: WARD_B, unitCode: WARD_A, kind: 'overdue', dueAt, raisedAt },
        metadata: { actor: { id: 'system:timers' }, correlationId: randomUUID(), causationId: randomUUID(), occurredAt: raisedAt, schemaVersion: 1 },
      },
    ]);
    const id = alertId(dossierId, 'overdue', dueAt, transferId);
    expect(id).toBe(`${dossierId}.${transferId}.overdue.${Date.parse(dueAt)}`);
    await projected(id);
    const expected = { id, kind: 'overdue', dossierId, unitCode: WARD_A, transferId, toUnitCode: WARD_B, dueAt, raisedAt, state: 'open' };
    await waitFor('both clients got it live', async () => lead.events.some((e) => e.id === id) && agency.events.some((e) => e.id === id));
    expect(lead.events.find((e) => e.id === id)?.data).toMatchObject(expected);
    expect(agency.events.find((e) => e.id === id)?.data).toMatchObject(expected);
    for (const token of [officerA, officerB, supervisor]) expect(await listIds(b, token, '?limit=200')).toContain(id);
    expect((await call(b, 'GET', `/alerts?unitCode=${WARD_B}&dossierId=${dossierId}`, officerB)).body.items).toEqual([expect.objectContaining(expected)]);
    expect(agency.events.map((e) => e.id)).not.toContain(marker);
    // a reconnecting agency client that last saw the lead's alert gets the agency's one
    const again = await openSse(`${b.base}/alerts/stream?access_token=${officerB}`, { 'last-event-id': marker });
    open.push(again);
    await waitFor('replay', async () => again.events.length >= 1);
    expect(again.events.map((e) => e.id)).toEqual([id]);
    // the agency's officer may acknowledge it
    const ack = await call(b, 'POST', `/alerts/${id}/acknowledge`, officerB);
    expect(ack.status).toBe(200);
    expect(ack.body).toMatchObject({ id, state: 'acknowledged', acknowledgedBy: 'officer-b', transferId, toUnitCode: WARD_B });
  });

  it('documents the routes in OpenAPI', async () => {
    const doc = await call(b, 'GET', '/docs/openapi.json');
    for (const [path, method] of [
      ['/api/v1/alerts', 'get'],
      ['/api/v1/alerts/stream', 'get'],
      ['/api/v1/alerts/{id}/acknowledge', 'post'],
      ['/api/v1/units/{code}/webhook', 'put'],
      ['/api/v1/admin/webhooks/dead-letter', 'get'],
    ]) {
      expect(doc.body.paths[path]?.[method]).toBeDefined();
    }
  });

  it('ends the open streams cleanly when the instance shuts down', async () => {
    const s = await openSse(`${b.base}/alerts/stream?access_token=${supervisor}`);
    open.push(s);
    expect(s.res.statusCode).toBe(200);
    const t0 = Date.now();
    await b.app.close();
    await waitFor('stream ended', async () => s.ended, 5_000);
    expect(Date.now() - t0).toBeLessThan(5_000);
  });
});
