import { createApp } from '../../../apps/api/src/create-app';
import { loadConfig, mintToken } from '@motcua/platform';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { TEST_JWT_SECRET } from '../../support/api-harness';

/** The embedded app runs the worker in process: the dossier_summary projection follows the store by itself. */
describe('worker wiring: the embedded app projects dossiers into the work list and the report', () => {
  let app: NestFastifyApplication;
  beforeAll(async () => {
    const config = loadConfig({ EVENT_STORE_URL: 'pglite://memory', JWT_SECRET: TEST_JWT_SECRET, LOG_LEVEL: 'silent' }, 'api');
    app = await createApp({ ...config, runWorker: true });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  }, 120_000);
  afterAll(async () => app?.close());

  it('a received dossier shows up in GET /dossiers and GET /statistics without anything else running', async () => {
    const token = await mintToken({ sub: 'admin', roles: ['admin', 'clerk'] as never, units: ['U.ROOT'] }, TEST_JWT_SECRET);
    const call = async (method: string, url: string, body?: unknown) => {
      const res = await app.inject({
        method: method as never,
        url: `/api/v1${url}`,
        headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        payload: body ? JSON.stringify(body) : undefined,
      });
      return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : undefined };
    };
    expect((await call('PUT', '/units/U.ROOT', { name: 'Xã Thử', level: 'commune' })).status).toBeLessThan(300);
    expect(
      (await call('PUT', '/procedures/P.1', { name: 'Thủ tục', field: 'Hộ tịch', processingTime: { amount: 1, unit: 'working_day' } })).status,
    ).toBeLessThan(300);
    const r = await call('POST', '/dossiers', {
      unitCode: 'U.ROOT',
      procedureCode: 'P.1',
      channel: 'online',
      applicant: { name: 'A' },
      occurredAt: '2025-05-05T09:00:00+07:00',
    });
    expect(r.status).toBe(201);
    const deadline = Date.now() + 20_000;
    let list: { items: { id: string }[] } = { items: [] };
    while (Date.now() < deadline) {
      list = (await call('GET', '/dossiers')).body;
      if (list.items?.length) break;
      await new Promise((res) => setTimeout(res, 100));
    }
    expect(list.items.map((i) => i.id)).toEqual([r.body.id]);
    const report = await call('GET', '/statistics?unitCode=U.ROOT&from=2025-05-01&to=2025-05-31');
    expect(report.body.received).toEqual({ total: 1, newInPeriod: 1, carriedOver: 0, byChannel: { direct: 0, online: 1, postal: 0 } });
    expect(report.body.rows).toEqual([expect.objectContaining({ key: 'U.ROOT', own: true })]);
  });
});
