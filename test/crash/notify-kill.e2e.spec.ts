import { randomBytes, randomUUID } from 'node:crypto';
import IORedis from 'ioredis';
import { mintToken } from '@motcua/platform';
import { freshPostgres, TestPostgres } from '../support/databases';
import { RunningService, startService } from '../support/spawn-service';
import { startGateway, TestGateway } from '../e2e/notifications/support';
import { REDIS_URL, RunningWorker, startWorker, waitFor } from './support';

/**
 * Issue #19: kill -9 of the worker between an event's commit and its notice's send (PostgreSQL, api
 * and worker as separate processes, as in docker-compose.yml). The reception's outbox row is
 * committed with the projection's checkpoint; the SMS gateway holds the worker's request without
 * answering, and the worker is killed then. After the restart the row's claim expires and the
 * notice goes out once (the gateway accepts exactly one request for it), and the log says sent.
 */
const SECRET = 'crash-notify-e2e-secret-that-is-long-enough-0123456789';
const PROVINCE = 'KN.00.00.H29';
const WARD = 'KN.27.01.H29';
const PROC = '1.KN001';

describe('kill -9 of the worker between the commit of a notice and its send (postgres)', () => {
  let pg: TestPostgres;
  let gw: TestGateway;
  let redis: IORedis;
  const prefix = `motcua-crash-notify-${randomBytes(4).toString('hex')}`;
  let api: RunningService | undefined;
  let worker: RunningWorker | undefined;
  let env: Record<string, string>;
  let admin: string;

  const call = async (method: string, url: string, body?: unknown) => {
    const res = await fetch(`${api!.baseUrl}${url}`, {
      method,
      headers: { authorization: `Bearer ${admin}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };

  beforeAll(async () => {
    pg = await freshPostgres('crash_notify', 2);
    gw = await startGateway();
    redis = new IORedis(REDIS_URL, { maxRetriesPerRequest: null });
    env = {
      EVENT_STORE_URL: pg.url,
      RUN_WORKER: 'false',
      JWT_SECRET: SECRET,
      REDIS_URL,
      QUEUE_PREFIX: prefix,
      LOG_LEVEL: 'info',
      SMS_GATEWAY_URL: gw.url,
      NOTIFY_BACKOFF_MS: '50',
    };
    admin = await mintToken({ sub: 'admin-kn', name: 'Quản trị', roles: ['admin', 'clerk'] as never, units: [PROVINCE], expiresIn: '1h' }, SECRET);
  }, 60_000);

  afterAll(async () => {
    await api?.stop('SIGKILL');
    await worker?.stop('SIGKILL');
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
    redis.disconnect();
    await gw?.close();
    await pg?.drop();
  });

  it('sends the notice once after the restart', async () => {
    api = await startService(env);
    worker = startWorker(env);
    for (const [code, body] of [
      [PROVINCE, { name: 'Tỉnh', level: 'province' }],
      [WARD, { name: 'Xã', level: 'commune', parentCode: PROVINCE }],
    ] as const) {
      expect((await call('PUT', `/units/${code}`, body)).status).toBeLessThan(300);
    }
    expect(
      (await call('PUT', `/procedures/${PROC}`, { name: 'Thủ tục', field: 'Hộ tịch', processingTime: { amount: 3, unit: 'working_day' } })).status,
    ).toBeLessThan(300);

    gw.hangNext();
    const id = randomUUID();
    const phone = '0977123456';
    const r = await call('POST', '/dossiers', { id, unitCode: WARD, procedureCode: PROC, channel: 'direct', applicant: { name: 'Trần Văn Bảo', phone } });
    expect(r.status).toBe(201);
    // the worker has committed the outbox row and is sending it: the gateway holds the request
    await waitFor('the send in flight', async () => gw.requests.some((x) => x.body.to === phone), 60_000);
    const row = await pg.driver.query<{ status: string }>(`SELECT status FROM notification_outbox WHERE dossier_id = $1`, [id]);
    expect(row.rows.map((x) => x.status)).toEqual(['pending']);
    await worker.stop('SIGKILL');
    expect(gw.delivered().filter((x) => x.body.to === phone)).toHaveLength(0);

    worker = startWorker(env);
    await waitFor(
      'sent after the restart',
      async () => (await pg.driver.query(`SELECT 1 FROM notification_outbox WHERE dossier_id = $1 AND status = 'sent'`, [id])).rows.length === 1,
      90_000,
      200,
    );
    expect(gw.delivered().filter((x) => x.body.to === phone)).toHaveLength(1);
    const log = await call('GET', `/dossiers/${id}/notifications`);
    expect(log.body.items).toEqual([expect.objectContaining({ event: 'DossierReceived', channel: 'sms', status: 'sent', attempts: 2, to: '097****456' })]);
    // the worker's log never carried the phone number
    expect(worker.output()).not.toContain(phone);
  }, 240_000);
});
