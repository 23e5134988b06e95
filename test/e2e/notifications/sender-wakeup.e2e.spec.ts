/**
 * Issue #20: the idle notification sender reads nothing until woken, and a notice still goes out
 * promptly. At the default settings (the sender's safety poll NOTIFY_POLL_MS is 60 s, PGlite's
 * subscriptions' PGLITE_SAFETY_POLL_MS too), a dossier step that gives a notice and a resend of a
 * dead letter are each delivered to a real SMTP server (smtp-server on 127.0.0.1) within a few
 * seconds, well under the safety polls:
 * - on PGlite (the embedded service, one process): the projections and the resend wake the sender in process;
 * - on PostgreSQL, the api and the worker as two apps on two connection pools (as two processes would
 *   be: nothing in process is shared), so the resend reaches the worker's sender only through
 *   migration 0021's NOTIFY on its LISTEN connection, and the step through migration 0019's.
 */
import { randomUUID } from 'node:crypto';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig, mintToken } from '@motcua/platform';
import { createApp } from '../../../apps/api/src/create-app';
import { TEST_JWT_SECRET } from '../../support/api-harness';
import { OUTBOX_DUE_CHANNEL } from '@motcua/projections';
import { freshPostgres, TestPostgres } from '../../support/databases';
import { injectCaller, seedWard, startSmtp, TestSmtp, waitFor } from './support';

const PROVINCE = 'NW.00.00.H29';
const WARD = 'NW.27.01.H29';
const PROC = '1.NW001';
/** "Promptly": far below the 60 s safety polls, far above a loaded CI machine's few hundred ms. */
const PROMPT_MS = 10_000;

interface World {
  /** The app the requests go to (the api). */
  api: NestFastifyApplication;
  /** PostgreSQL: migration 0021's notifications for this schema, heard on a LISTEN connection of the test's own. */
  outboxNotices?: () => number;
  close(): Promise<void>;
}

function env(smtp: TestSmtp, eventStoreUrl: string): Record<string, string> {
  return {
    EVENT_STORE_URL: eventStoreUrl,
    JWT_SECRET: TEST_JWT_SECRET,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    RATE_LIMIT_PER_MINUTE: '0',
    SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
    NOTIFY_FROM: 'motcua@example.vn',
    // one attempt: a refused mailbox is a dead letter at once (the resend's subject)
    NOTIFY_ATTEMPTS: '1',
  };
}

async function started(config: ReturnType<typeof loadConfig>, runWorker: boolean): Promise<NestFastifyApplication> {
  const app = await createApp({ ...config, runWorker });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

function wakeupSuite(name: string, open: (smtp: TestSmtp) => Promise<World>): void {
  describe(`the notification sender wakes when a notice is due (${name})`, () => {
    let smtp: TestSmtp;
    let world: World;
    let admin: string;
    const call = injectCaller(
      () => world.api,
      () => admin,
    );
    const mailsTo = (addr: string) => smtp.mails.filter((m) => JSON.stringify(m.to).includes(addr));

    beforeAll(async () => {
      smtp = await startSmtp();
      world = await open(smtp);
      admin = await mintToken({ sub: 'admin-w', roles: ['admin', 'clerk', 'supervisor', 'officer'] as never, units: [PROVINCE] }, TEST_JWT_SECRET);
      await seedWard(call, { province: PROVINCE, ward: WARD, procedure: PROC });
    }, 120_000);

    afterAll(async () => {
      await world?.close();
      await smtp?.close();
    }, 60_000);

    it('sends the notice of a step, and a resent dead letter, within seconds at the default safety polls', async () => {
      const email = `wake-${randomUUID().slice(0, 8)}@example.vn`;
      const id = randomUUID();
      const received = await call('POST', '/dossiers', {
        id,
        unitCode: WARD,
        procedureCode: PROC,
        channel: 'direct',
        applicant: { name: 'Phạm Thị Dung', email },
      });
      expect(received.status).toBe(201);
      await waitFor('the reception e-mail', () => mailsTo(email).length === 1, PROMPT_MS);

      // after a quiet spell (the sender and the subscriptions asleep on their long safety polls)
      await new Promise((r) => setTimeout(r, 1_500));
      let t0 = Date.now();
      expect((await call('POST', `/dossiers/${id}/request-supplement`, { reason: 'Thiếu bản sao' })).status).toBeLessThan(300);
      await waitFor('the supplement e-mail', () => mailsTo(email).length === 2, PROMPT_MS);
      expect(Date.now() - t0).toBeLessThan(PROMPT_MS);

      // a refused mailbox: the next notice is a dead letter (NOTIFY_ATTEMPTS=1)
      smtp.refuse.add(email);
      expect((await call('POST', `/dossiers/${id}/resolve`, { outcome: 'approved' })).status).toBeLessThan(300);
      const dead = await waitFor(
        'the dead letter',
        async () => {
          const l = await call('GET', '/admin/notifications/dead-letter');
          return (l.body.items as { id: string; dossierId?: string }[]).find((x) => x.dossierId === id);
        },
        PROMPT_MS,
      );
      smtp.refuse.delete(email);
      await new Promise((r) => setTimeout(r, 1_500));
      t0 = Date.now();
      const noticesBefore = world.outboxNotices?.();
      expect((await call('POST', `/admin/notifications/dead-letter/${encodeURIComponent(dead.id)}/resend`)).status).toBe(202);
      // PostgreSQL: the resend (in the api) announced itself to the worker's sender through NOTIFY
      if (world.outboxNotices) await waitFor('the NOTIFY of the resend', () => world.outboxNotices!() > noticesBefore!, PROMPT_MS);
      await waitFor('the resent e-mail', () => mailsTo(email).length === 3, PROMPT_MS);
      expect(Date.now() - t0).toBeLessThan(PROMPT_MS);
      expect(mailsTo(email)[2].subject).toContain('kết quả');
    }, 120_000);
  });
}

wakeupSuite('PGlite, the embedded service', async (smtp) => {
  const api = await started(loadConfig(env(smtp, 'pglite://memory'), 'api'), true);
  return { api, close: () => api.close() };
});

wakeupSuite('PostgreSQL, api and worker apart', async (smtp) => {
  const pg: TestPostgres = await freshPostgres('wakeup', 2);
  const config = loadConfig(env(smtp, pg.url), 'api');
  // the worker first (it migrates), then the api without a worker of its own
  const worker = await started(config, true);
  const api = await started(config, false);
  let notices = 0;
  const listening = pg.driver.listen(OUTBOX_DUE_CHANNEL, { onNotify: (payload) => void (payload === pg.schema && notices++) });
  await waitFor('the LISTEN connection', () => listening.active, PROMPT_MS);
  return {
    api,
    outboxNotices: () => notices,
    async close() {
      await listening.close();
      await api.close();
      await worker.close();
      await pg.drop();
    },
  };
});
