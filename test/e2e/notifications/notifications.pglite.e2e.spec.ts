/**
 * The notification outbox on the embedded store (PGlite, one connection, the worker in process):
 * a reception gives one e-mail and one SMS, and the log shows them sent.
 */
import { randomUUID } from 'node:crypto';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig, mintToken } from '@motcua/platform';
import { createApp } from '../../../apps/api/src/create-app';
import { TEST_JWT_SECRET } from '../../support/api-harness';
import { injectCaller, seedWard, startGateway, startSmtp, TestGateway, TestSmtp, waitFor } from './support';

const PROVINCE = 'NP.00.00.H29';
const WARD = 'NP.27.01.H29';
const PROC = '1.NP001';

describe('citizen notifications on the embedded store (PGlite)', () => {
  let smtp: TestSmtp;
  let gw: TestGateway;
  let app: NestFastifyApplication;
  let admin: string;
  const call = injectCaller(
    () => app,
    () => admin,
  );

  beforeAll(async () => {
    smtp = await startSmtp();
    gw = await startGateway();
    const config = loadConfig(
      {
        EVENT_STORE_URL: 'pglite://memory',
        JWT_SECRET: TEST_JWT_SECRET,
        LOG_LEVEL: 'silent',
        RATE_LIMIT_PER_MINUTE: '0',
        SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
        NOTIFY_FROM: 'motcua@example.vn',
        SMS_GATEWAY_URL: gw.url,
      },
      'api',
    );
    app = await createApp({ ...config, runWorker: true });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    admin = await mintToken({ sub: 'admin-p', roles: ['admin', 'clerk'] as never, units: [PROVINCE] }, TEST_JWT_SECRET);
    await seedWard(call, { province: PROVINCE, ward: WARD, procedure: PROC });
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await gw?.close();
    await smtp?.close();
  }, 60_000);

  it('a reception gives one e-mail and one SMS', async () => {
    const id = randomUUID();
    const r = await call('POST', '/dossiers', {
      id,
      unitCode: WARD,
      procedureCode: PROC,
      channel: 'direct',
      applicant: { name: 'Lê Văn C', email: 'c@example.vn', phone: '0909111222' },
    });
    expect(r.status).toBe(201);
    await waitFor('both sent', async () => {
      const l = await call('GET', `/dossiers/${id}/notifications`);
      return l.body.items.length === 2 && l.body.items.every((x: { status: string }) => x.status === 'sent');
    });
    expect(smtp.mails).toHaveLength(1);
    expect(smtp.mails[0].subject).toContain(r.body.code);
    expect(gw.delivered()).toHaveLength(1);
  }, 60_000);
});
