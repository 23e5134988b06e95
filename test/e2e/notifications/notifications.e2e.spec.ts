/**
 * Telling the citizen (issue #19) end to end, on PostgreSQL and the real Redis: the api with its
 * worker in process, a real SMTP server (smtp-server + mailparser) and a local HTTP SMS gateway as
 * the receiving ends. Every notice-giving event yields exactly one message per channel with the
 * right content; retries, the dead letter and its metric; unit settings; the opt-out; a replay of
 * the projections sends nothing again.
 */
import { randomUUID } from 'node:crypto';
import { AddressInfo } from 'node:net';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig, mintToken } from '@motcua/platform';
import { createApp } from '../../../apps/api/src/create-app';
import { TEST_JWT_SECRET } from '../../support/api-harness';
import { freshPostgres, TestPostgres } from '../../support/databases';
import { startGateway, startSmtp, TestGateway, TestSmtp, waitFor } from './support';

const PROVINCE = 'NT.00.00.H29';
const WARD = 'NT.27.01.H29';
const WARD_B = 'NT.27.02.H29';
const PROC = '1.NT001';
const PUBLIC_ORIGIN = 'https://dichvucong.example.vn';
const PUBLIC_BASE = `${PUBLIC_ORIGIN}/api/v1`;

describe('citizen notifications through the outbox (PostgreSQL, SMTP, SMS gateway)', () => {
  let pg: TestPostgres;
  let smtp: TestSmtp;
  let gw: TestGateway;
  let app: NestFastifyApplication | undefined;
  let base: string;
  let admin: string;
  let clerkB: string;
  let env: Record<string, string>;

  async function start(): Promise<void> {
    const config = loadConfig({ ...env, EVENT_STORE_URL: pg.url }, 'api');
    app = await createApp({ ...config, runWorker: true });
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}/api/v1`;
  }

  async function call(method: string, path: string, body?: unknown, token = admin) {
    const res = await fetch(base + path, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    let json: any = text;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      /* text */
    }
    return { status: res.status, body: json };
  }

  const mailsTo = (addr: string) => smtp.mails.filter((m) => JSON.stringify(m.to).includes(addr));
  const smsTo = (phone: string) => gw.delivered().filter((r) => r.body.to === phone);
  const log = async (id: string) => {
    const r = await call('GET', `/dossiers/${id}/notifications`);
    expect(r.status).toBe(200);
    return r.body.items as { id: string; event: string; channel: string; to: string; status: string; attempts: number; lastError?: string }[];
  };

  async function receive(applicant: Record<string, string>, unitCode = WARD): Promise<{ id: string; code: string; dueAt: string }> {
    const id = randomUUID();
    const r = await call('POST', '/dossiers', { id, unitCode, procedureCode: PROC, channel: 'direct', applicant: { name: 'Nguyễn Thị Hoa', ...applicant } });
    expect(r.status).toBe(201);
    return { id, code: r.body.code, dueAt: r.body.dueAt };
  }
  const step = async (id: string, name: string, body: unknown = {}) => {
    const r = await call('POST', `/dossiers/${id}/${name}`, body);
    expect([200, 201]).toContain(r.status);
    return r.body;
  };

  beforeAll(async () => {
    pg = await freshPostgres('notify', 4);
    smtp = await startSmtp();
    gw = await startGateway();
    env = {
      JWT_SECRET: TEST_JWT_SECRET,
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      RATE_LIMIT_PER_MINUTE: '0',
      PUBLIC_BASE_URL: PUBLIC_ORIGIN,
      SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
      NOTIFY_FROM: 'Một cửa <motcua@example.vn>',
      SMS_GATEWAY_URL: gw.url,
      SMS_GATEWAY_AUTH: 'Authorization: Bearer gw-token-123',
      SMS_GATEWAY_BODY: '{"to":"{{to}}","message":"{{text}}","brandname":"MOTCUA","requestId":"{{id}}"}',
      NOTIFY_ATTEMPTS: '5',
      NOTIFY_BACKOFF_MS: '50',
    };
    await start();
    admin = await mintToken(
      { sub: 'admin-n', name: 'Quản trị', roles: ['admin', 'clerk', 'supervisor', 'officer'] as never, units: [PROVINCE] },
      TEST_JWT_SECRET,
    );
    clerkB = await mintToken({ sub: 'clerk-b', roles: ['clerk', 'admin'] as never, units: [WARD_B] }, TEST_JWT_SECRET);
    for (const [code, body] of [
      [PROVINCE, { name: 'Tỉnh Thử', level: 'province' }],
      [WARD, { name: 'Xã Một', level: 'commune', parentCode: PROVINCE }],
      [WARD_B, { name: 'Xã Hai', level: 'commune', parentCode: PROVINCE }],
    ] as const) {
      expect((await call('PUT', `/units/${code}`, body)).status).toBeLessThan(300);
    }
    expect(
      (await call('PUT', `/procedures/${PROC}`, { name: 'Đăng ký khai sinh', field: 'Hộ tịch', processingTime: { amount: 3, unit: 'working_day' } })).status,
    ).toBeLessThan(300);
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await gw?.close();
    await smtp?.close();
    await pg?.drop();
  }, 60_000);

  it('gives exactly one message per channel for each notice-giving event, with code, procedure, local dates and the look-up address', async () => {
    const email = 'hoa.nguyen@example.vn';
    const phone = '0912345678';
    const d = await receive({ email, phone, idNumber: '079203001234' });
    const lookup = `${PUBLIC_BASE}/public/dossiers/${d.code}`;

    const received = await waitFor('the reception e-mail', () => mailsTo(email).length === 1 && mailsTo(email));
    await waitFor('the reception SMS', () => smsTo(phone).length === 1);
    const mail = received[0];
    expect(mail.subject).toBe(`Hồ sơ ${d.code} đã được tiếp nhận`);
    expect(mail.from?.text).toContain('motcua@example.vn');
    expect(mail.text).toContain('Đăng ký khai sinh');
    expect(mail.text).toContain(lookup);
    // the due date in the unit's zone (Asia/Ho_Chi_Minh), dd/MM/yyyy HH:mm
    const due = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Ho_Chi_Minh', day: '2-digit', month: '2-digit', year: 'numeric' }).format(new Date(d.dueAt));
    expect(mail.text).toContain(due);
    const sms = smsTo(phone)[0];
    expect(sms.auth).toBe('Bearer gw-token-123');
    expect(sms.body).toMatchObject({ to: phone, brandname: 'MOTCUA' });
    expect(sms.body.message).toContain(d.code);
    expect(sms.body.message).toContain(lookup);

    await step(d.id, 'request-supplement', { reason: 'Thiếu bản sao giấy chứng sinh' });
    await waitFor('supplement e-mail', () => mailsTo(email).length === 2);
    expect(mailsTo(email)[1].subject).toBe(`Hồ sơ ${d.code} cần bổ sung`);
    expect(mailsTo(email)[1].text).toContain('Thiếu bản sao giấy chứng sinh');

    await step(d.id, 'receive-supplement'); // no notice
    const newDueAt = new Date(Date.parse(d.dueAt) + 10 * 86_400_000).toISOString();
    await step(d.id, 'apologise', { reason: 'Chờ xác minh', newDueAt });
    await waitFor('apology e-mail', () => mailsTo(email).length === 3);
    const apology = mailsTo(email)[2];
    expect(apology.subject).toContain('xin lỗi');
    const newDue = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Ho_Chi_Minh', day: '2-digit', month: '2-digit', year: 'numeric' }).format(
      new Date(newDueAt),
    );
    expect(apology.text).toContain(`Ngày hẹn trả kết quả mới: ${newDue}`);

    await step(d.id, 'resolve', { outcome: 'approved' });
    await waitFor('result e-mail', () => mailsTo(email).length === 4);
    expect(mailsTo(email)[3].subject).toBe(`Hồ sơ ${d.code} đã có kết quả`);
    await waitFor('four SMS', () => smsTo(phone).length === 4);

    const w = await receive({ email: 'w@example.vn' });
    await step(w.id, 'withdraw', { reason: 'Công dân rút hồ sơ' });
    await waitFor('withdrawal e-mail', () => mailsTo('w@example.vn').length === 2);
    expect(mailsTo('w@example.vn')[1].subject).toBe(`Hồ sơ ${w.code} đã dừng xử lý`);

    // the delivery log: masked addresses, all sent, one attempt each
    const entries = await waitFor('log all sent', async () => {
      const l = await log(d.id);
      return l.length === 8 && l.every((x) => x.status === 'sent') && l;
    });
    expect(entries.map((e) => `${e.event}/${e.channel}`)).toEqual([
      'DossierReceived/email',
      'DossierReceived/sms',
      'SupplementRequested/email',
      'SupplementRequested/sms',
      'ApologyIssued/email',
      'ApologyIssued/sms',
      'DossierResolved/email',
      'DossierResolved/sms',
    ]);
    expect(entries.every((e) => e.attempts === 1)).toBe(true);
    expect(JSON.stringify(entries)).not.toContain(email);
    expect(JSON.stringify(entries)).not.toContain(phone);
    expect(entries[0].to).toBe('h***@e***.vn');
    expect(entries[1].to).toBe('091****678');
    // still exactly one per event and channel
    expect(mailsTo(email)).toHaveLength(4);
    expect(smsTo(phone)).toHaveLength(4);
  }, 120_000);

  it('a gateway failing 3 times then recovering gives one delivery; one down for good gives a dead letter and a metric, re-sent on request', async () => {
    gw.failNext(3);
    const phone = '0987000111';
    const d = await receive({ phone });
    const [entry] = await waitFor('sent after retries', async () => {
      const l = await log(d.id);
      return l.length === 1 && l[0].status === 'sent' && l;
    });
    expect(entry.attempts).toBe(4);
    expect(smsTo(phone)).toHaveLength(1);
    expect(gw.requests.filter((r) => r.body.to === phone).map((r) => r.status)).toEqual([503, 503, 503, 200]);

    gw.down();
    const phone2 = '0987000222';
    const d2 = await receive({ phone: phone2 });
    const [dead] = await waitFor('dead letter', async () => {
      const l = await log(d2.id);
      return l.length === 1 && l[0].status === 'failed' && l;
    });
    expect(dead.attempts).toBe(5);
    expect(dead.lastError).toContain('HTTP 503');
    expect(smsTo(phone2)).toHaveLength(0);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/motcua_notifications_total\{channel="sms",outcome="dead-letter"\} [1-9]/);
    expect(metrics).toMatch(/motcua_notifications_total\{channel="sms",outcome="retry"\} [1-9]/);
    const health = await call('GET', '/health');
    expect(health.body.details.notifications).toMatchObject({ inProcess: true, status: 'up' });
    expect(health.body.details.notifications.failed).toBeGreaterThanOrEqual(1);
    const letters = await call('GET', '/admin/notifications/dead-letter');
    expect(letters.status).toBe(200);
    expect(letters.body.items.map((x: { id: string }) => x.id)).toContain(dead.id);
    expect(JSON.stringify(letters.body)).not.toContain(phone2);
    // another unit's admin does not see it, cannot re-send it
    expect((await call('POST', `/admin/notifications/dead-letter/${encodeURIComponent(dead.id)}/resend`, undefined, clerkB)).status).toBe(404);

    gw.up();
    expect((await call('POST', `/admin/notifications/dead-letter/${encodeURIComponent(dead.id)}/resend`)).status).toBe(202);
    await waitFor('re-sent', async () => (await log(d2.id))[0].status === 'sent');
    expect(smsTo(phone2)).toHaveLength(1);
  }, 120_000);

  it('unit settings: malformed templates are a 422 at PUT, an override is used, a refused mailbox is a failed delivery in the log', async () => {
    const put = (body: unknown) => call('PUT', `/units/${WARD_B}/notification-settings`, body);
    expect((await put({ channels: ['fax'] })).status).toBe(400);
    const unknownVar = await put({ channels: ['email'], templates: { received: { subject: 'Hồ sơ {{nope}}' } } });
    expect(unknownVar.status).toBe(422);
    expect(unknownVar.body.detail).toContain('{{nope}}');
    expect((await put({ channels: ['email'], templates: { received: { sms: 'Ho so {{code' } } })).status).toBe(422);
    expect((await put({ channels: ['email'], templates: { paid: { sms: 'x' } } })).status).toBe(422);
    expect((await put({ channels: ['email'], templates: 'x' })).status).toBe(400);
    expect(
      (
        await call(
          'PUT',
          `/units/${WARD_B}/notification-settings`,
          { channels: ['email'] },
          await mintToken({ sub: 'c', roles: ['clerk'] as never, units: [WARD_B] }, TEST_JWT_SECRET),
        )
      ).status,
    ).toBe(403);
    const ok = await put({ channels: ['email'], templates: { received: { subject: 'Đã nhận hồ sơ {{code}} — {{unit}}' } } });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ unitCode: WARD_B, channels: ['email'] });
    expect((await call('GET', `/units/${WARD_B}/notification-settings`)).body.templates.received.subject).toContain('{{code}}');

    const d = await receive({ email: 'b@example.vn', phone: '0911222333' }, WARD_B);
    await waitFor('override e-mail', () => mailsTo('b@example.vn').length === 1);
    expect(mailsTo('b@example.vn')[0].subject).toBe(`Đã nhận hồ sơ ${d.code} — ${WARD_B}`);
    expect((await log(d.id)).map((x) => x.channel)).toEqual(['email']); // SMS is off for this unit

    smtp.refuse.add('bounce@example.vn');
    const bounced = await receive({ email: 'bounce@example.vn' }, WARD_B);
    const [failed] = await waitFor('failed delivery', async () => {
      const l = await log(bounced.id);
      return l.length === 1 && l[0].status === 'failed' && l;
    });
    expect(failed.lastError).toContain('SMTP');
    expect(failed.lastError).not.toContain('bounce@example.vn');
    expect((await call('GET', '/health/live')).status).toBe(200);
  }, 120_000);

  it('an opt-out is recorded: no more notices on that channel', async () => {
    const d = await receive({ email: 'opt@example.vn', phone: '0933444555' });
    await waitFor('reception sent', async () => (await log(d.id)).filter((x) => x.status === 'sent').length === 2);
    const r = await call('POST', `/dossiers/${d.id}/notifications/opt-out`, { channels: ['sms'] });
    expect(r.status).toBe(200);
    expect(r.body.optedOut).toEqual(['sms']);
    expect((await call('POST', `/dossiers/${randomUUID()}/notifications/opt-out`, {})).status).toBe(404);
    await step(d.id, 'resolve', { outcome: 'refused' });
    await waitFor('result e-mail', () => mailsTo('opt@example.vn').length === 2);
    expect(mailsTo('opt@example.vn')[1].text).toContain('từ chối');
    const l = await log(d.id);
    expect(l.map((x) => `${x.event}/${x.channel}`)).toEqual(['DossierReceived/email', 'DossierReceived/sms', 'DossierResolved/email']);
    expect(smsTo('0933444555')).toHaveLength(1);
  }, 60_000);

  it('a replay of the projections from the start (restart with the checkpoints gone) sends nothing again', async () => {
    const mails = smtp.mails.length;
    const sms = gw.requests.length;
    const rows = Number((await pg.driver.query<{ n: string }>(`SELECT count(*)::text AS n FROM notification_outbox`)).rows[0].n);
    await app!.close();
    app = undefined;
    await pg.driver.query(`DELETE FROM projection_checkpoints WHERE name IN ('notifications', 'alerts')`);
    await start();
    await waitFor(
      'the notifications projection replayed',
      async () => (await pg.driver.query(`SELECT 1 FROM projection_checkpoints WHERE name = 'notifications' AND events_handled > 10`)).rows.length === 1,
    );
    // one more event after the replay proves the sender is running and caught up
    const d = await receive({ email: 'after@example.vn' });
    await waitFor('the new reception e-mail', () => mailsTo('after@example.vn').length === 1);
    expect(smtp.mails.length).toBe(mails + 1);
    expect(gw.requests.length).toBe(sms);
    expect(Number((await pg.driver.query<{ n: string }>(`SELECT count(*)::text AS n FROM notification_outbox`)).rows[0].n)).toBe(rows + 1);
    expect((await log(d.id)).length).toBe(1);
  }, 120_000);
});
