import { randomBytes, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ApologyIssuedSchemaVersion } from '@motcua/domain';
import { openEventStore } from '@motcua/event-store';
import { mintToken } from '@motcua/platform';
import { RunningService, startService } from '../../support/spawn-service';
import { noonZone } from '../../support/zones';

const SECRET = 'poison-e2e-secret-0123456789-abcdefghijkl';

function weekendsOf(year: number): string[] {
  const out: string[] = [];
  for (let d = new Date(Date.UTC(year, 0, 1)); d.getUTCFullYear() === year; d = new Date(d.getTime() + 86_400_000)) {
    if (d.getUTCDay() === 0 || d.getUTCDay() === 6) out.push(d.toISOString().slice(0, 10));
  }
  return out;
}

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Issue #12.1 on the built embedded service: a re-appointment to 2999 written into the store behind
 * the API's back (as an older version let through) must not silence the deadline alerts of every
 * other dossier, also across a restart; /health and /metrics say what happened.
 */
describe('a poison event in the store (embedded service)', () => {
  let svc: RunningService | undefined;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-poison-'));
  const env = {
    EVENT_STORE_URL: `pglite://${dir}`,
    JWT_SECRET: SECRET,
    QUEUE_PREFIX: `motcua-poison-${randomBytes(4).toString('hex')}`,
    ALERT_NEAR_DEADLINE_POLICY: 'fraction:0.999',
    TIMERS_SWEEP_EVERY_MS: '600000',
  };
  afterAll(async () => {
    await svc?.stop('SIGTERM');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('other dossiers still get their alerts; the poison is counted, logged and reported by /health', async () => {
    const token = await mintToken({ sub: 'sup-1', name: 'Võ Thanh', roles: ['admin', 'supervisor', 'clerk'], units: ['P'] }, SECRET);
    const call = async (method: string, url: string, body?: unknown) => {
      const r = await fetch(`${svc!.baseUrl}${url}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      const text = await r.text();
      let parsed: any = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        /* text (metrics) */
      }
      return { status: r.status, body: parsed };
    };

    svc = await startService(env);
    expect(
      (await call('PUT', '/units/P', { name: 'Tỉnh', level: 'province', timeZone: noonZone(), officeHours: { sessions: [{ start: '00:00', end: '23:59' }] } }))
        .status,
    ).toBe(201);
    const year = new Date(Date.now() + 7 * 3600_000).getUTCFullYear();
    for (const y of [year - 1, year, year + 1]) expect((await call('PUT', `/calendar/${y}`, { holidays: [], workingDays: weekendsOf(y) })).status).toBe(200);
    expect((await call('PUT', '/procedures/H1', { name: 'Chứng thực', field: 'Chứng thực', processingTime: { amount: 1, unit: 'working_hour' } })).status).toBe(
      201,
    );
    const bad = await call('POST', '/dossiers', { unitCode: 'P', procedureCode: 'H1', channel: 'direct', applicant: { name: 'Lê Văn Hưu' } });
    expect(bad.status).toBe(201);
    await svc.stop('SIGTERM');
    svc = undefined;

    // behind the API's back: the re-appointment to 2999 that once went through the door
    const opened = await openEventStore(`pglite://${dir}`);
    const issuedAt = new Date().toISOString();
    const eventId = randomUUID();
    await opened.store.append(`dossier-${bad.body.id}`, [
      {
        id: eventId,
        type: 'ApologyIssued',
        data: { reason: 'quá tải', newDueAt: '2999-01-01T01:00:00.000Z', issuedAt, previousDueAt: bad.body.dueAt },
        metadata: { actor: { id: 'sup-1' }, correlationId: 'poison', causationId: 'poison', occurredAt: issuedAt, schemaVersion: ApologyIssuedSchemaVersion },
      },
    ]);
    await opened.store.close();
    await opened.driver?.close().catch(() => undefined);

    svc = await startService(env);
    const receivedAt = new Date(Date.now() - 3600_000 + 10_000); // due in about 10 s
    const good = await call('POST', '/dossiers', {
      unitCode: 'P',
      procedureCode: 'H1',
      channel: 'direct',
      applicant: { name: 'Phan Văn Khải' },
      occurredAt: receivedAt.toISOString(),
    });
    expect(good.status).toBe(201);
    await until('the good dossier overdue alert', 120_000, async () => {
      const list = await call('GET', `/alerts?unitCode=P&kind=overdue`);
      return (list.body.items as any[] | undefined)?.find((a) => a.dossierId === good.body.id);
    });

    const timers = await until('the timers subscription caught up', 60_000, async () => {
      const t = (await call('GET', '/health')).body.details?.timers;
      return t?.subscription?.eventsBehind === 0 ? t : undefined;
    });
    expect(timers).toMatchObject({ status: 'up', subscription: { inProcess: true, eventsBehind: 0, secondsBehind: 0, poisoned: 1 } });
    const metrics = await call('GET', '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.body).toMatch(/motcua_timers_poison_events_total\{source="subscription"\} [1-9]/);
    expect(metrics.body).toMatch(/motcua_timers_lag_events 0/);
    expect(metrics.body).toMatch(/motcua_timers_poisoned_dossiers 1/);
    const log = svc.output();
    expect(log).toContain(`dossier-${bad.body.id}`);
    expect(log).toContain(eventId);
    expect(log).not.toContain('scheduling failed');
  }, 300_000);
});
