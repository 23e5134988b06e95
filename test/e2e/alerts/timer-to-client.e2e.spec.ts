import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { get, IncomingMessage } from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { mintToken } from '@motcua/platform';
import { RunningService, startService } from '../../support/spawn-service';
import { noonZone } from '../../support/zones';

const SECRET = 'timer-to-client-secret-0123456789-abcdefghij';

/** Collects `event: alert` messages of an SSE response. */
function openSse(url: string): Promise<{ res: IncomingMessage; alerts: any[]; close(): void }> {
  return new Promise((resolve, reject) => {
    const req = get(url, { headers: { accept: 'text/event-stream' } }, (res) => {
      const out = { res, alerts: [] as any[], close: () => req.destroy() };
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        let k: number;
        while ((k = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, k);
          buf = buf.slice(k + 2);
          const data = block
            .split('\n')
            .filter((l) => l.startsWith('data: '))
            .map((l) => l.slice(6))
            .join('');
          if (data && block.includes('event: alert')) out.alerts.push(JSON.parse(data));
        }
      });
      resolve(out);
    });
    req.on('error', reject);
  });
}

function weekendsOf(year: number): string[] {
  const out: string[] = [];
  for (let d = new Date(Date.UTC(year, 0, 1)); d.getUTCFullYear() === year; d = new Date(d.getTime() + 86_400_000)) {
    if (d.getUTCDay() === 0 || d.getUTCDay() === 6) out.push(d.toISOString().slice(0, 10));
  }
  return out;
}

/**
 * The whole chain on the embedded service (deadline issue): a dossier received (backdated) so that
 * its due time is seconds away → BullMQ timers → alert events on the dossier's stream → the alerts
 * read model → `GET /alerts` and the SSE stream; each kind once, never before its time.
 */
describe('deadline alerts from timer to client (embedded service)', () => {
  let svc: RunningService;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-t2c-'));
  afterAll(async () => {
    await svc?.stop('SIGTERM');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('raises apology-cutoff, near-deadline and overdue in order, each once, visible in /alerts and on the SSE stream', async () => {
    svc = await startService({
      EVENT_STORE_URL: `pglite://${dir}`,
      JWT_SECRET: SECRET,
      QUEUE_PREFIX: `motcua-t2c-${randomBytes(4).toString('hex')}`,
      ALERT_NEAR_DEADLINE_POLICY: 'fraction:0.999', // 3.6 s before the due time
      TIMERS_SWEEP_EVERY_MS: '600000',
    });
    const token = await mintToken({ sub: 'sup-1', name: 'Võ Thanh', roles: ['admin', 'supervisor', 'clerk'], units: ['P'] }, SECRET);
    const call = async (method: string, url: string, body?: unknown) => {
      const r = await fetch(`${svc.baseUrl}${url}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      return { status: r.status, body: (await r.json().catch(() => undefined)) as any };
    };
    // a unit that works every day around the clock, so that a one-hour limit ends seconds from now
    expect(
      (await call('PUT', '/units/P', { name: 'Tỉnh', level: 'province', timeZone: noonZone(), officeHours: { sessions: [{ start: '00:00', end: '23:59' }] } }))
        .status,
    ).toBe(201);
    const year = new Date(Date.now() + 7 * 3600_000).getUTCFullYear();
    for (const y of [year - 1, year, year + 1]) expect((await call('PUT', `/calendar/${y}`, { holidays: [], workingDays: weekendsOf(y) })).status).toBe(200);
    expect((await call('PUT', '/procedures/H1', { name: 'Chứng thực', field: 'Chứng thực', processingTime: { amount: 1, unit: 'working_hour' } })).status).toBe(
      201,
    );

    const sse = await openSse(`${svc.baseUrl}/alerts/stream?access_token=${token}`);
    expect(sse.res.statusCode).toBe(200);
    const receivedAt = new Date(Date.now() - 3600_000 + 12_000); // due in about 12 s
    const r = await call('POST', '/dossiers', {
      unitCode: 'P',
      procedureCode: 'H1',
      channel: 'direct',
      applicant: { name: 'Phan Văn Khải' },
      occurredAt: receivedAt.toISOString(),
    });
    expect(r.status).toBe(201);
    const id = r.body.id;
    const dueAt = Date.parse(r.body.dueAt);
    expect(dueAt - Date.now()).toBeGreaterThan(3_000);
    expect(dueAt - Date.now()).toBeLessThan(20_000); // a count that crossed the closed minute at midnight would be a minute longer

    const deadline = Date.now() + 60_000;
    while (sse.alerts.filter((a) => a.dossierId === id).length < 3 && Date.now() < deadline) await new Promise((res) => setTimeout(res, 200));
    await new Promise((res) => setTimeout(res, 2_000)); // nothing more may come
    sse.close();
    const mine = sse.alerts.filter((a) => a.dossierId === id);
    expect(mine.map((a) => a.kind)).toEqual(['apology-cutoff', 'near-deadline', 'overdue']);
    // the near-deadline warning comes before the due time, the overdue alert not before it
    expect(Date.parse(mine[1].raisedAt)).toBeLessThan(dueAt);
    const overdue = mine[2];
    expect(Date.parse(overdue.raisedAt)).toBeGreaterThanOrEqual(dueAt);
    expect(Date.parse(overdue.dueAt)).toBe(dueAt);

    const list = await call('GET', `/alerts?unitCode=P`);
    expect(list.status).toBe(200);
    const items = (list.body.items as any[]).filter((a) => a.dossierId === id);
    expect(items.map((a) => a.kind).sort()).toEqual(['apology-cutoff', 'near-deadline', 'overdue']);
    const history = await call('GET', `/dossiers/${id}/history`);
    expect(history.body.events.filter((e: any) => /Raised|Reached|Overdue/.test(e.type)).map((e: any) => e.actor.id)).toEqual([
      'system:timers',
      'system:timers',
      'system:timers',
    ]);
  }, 150_000);
});
