import { randomUUID } from 'node:crypto';
import { startService } from '../support/spawn-service';
import { adminToken, BIRTH, call, seedReference, serviceEnv, tempDataDir, WARD } from './ops-fixtures';

/** SIGTERM while a long request is in flight: the request completes, new ones are refused, exit 0. */
describe('graceful shutdown drains HTTP', () => {
  const data = tempDataDir('shutdown');
  afterAll(() => data.remove());

  it('finishes an import in flight during SIGTERM, then exits 0 after closing workers, queues and store', async () => {
    const svc = await startService(serviceEnv(data.dir, { SHUTDOWN_TIMEOUT_SECONDS: '60' }));
    const admin = await adminToken();
    await seedReference(svc.baseUrl, admin);
    const lines = Array.from({ length: 1500 }, (_, i) =>
      JSON.stringify({
        command: 'receive',
        dossierId: randomUUID(),
        unitCode: WARD,
        procedureCode: BIRTH,
        channel: 'online',
        applicant: { name: `Công dân ${i}` },
      }),
    );
    let answeredAt = 0;
    const inFlight = call(svc.baseUrl, 'POST', '/imports', {
      token: admin,
      raw: lines.join('\n') + '\n',
      headers: { 'content-type': 'application/x-ndjson' },
    }).then((r) => {
      answeredAt = Date.now();
      return r;
    });
    await new Promise((r) => setTimeout(r, 400)); // the import is running
    const signalledAt = Date.now();
    svc.child.kill('SIGTERM');
    while (!svc.output().includes('SIGTERM received')) await new Promise((r) => setTimeout(r, 20)); // a busy event loop handles the signal late
    // a new request after the signal is refused (connection closed or 503), never half-served
    const late = await call(svc.baseUrl, 'GET', '/health/live').then(
      (r) => r.status,
      () => 'refused',
    );
    expect(['refused', 503]).toContain(late);
    const r = await inFlight;
    expect(answeredAt).toBeGreaterThan(signalledAt);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ accepted: 1500, rejected: 0 });
    const exit = await svc.stop();
    expect(exit.code).toBe(0);
    const out = svc.output();
    expect(out).toContain('SIGTERM received: closing');
    expect(out).toContain('closed cleanly');
    expect(out.indexOf('workers, then')).toBeLessThan(out.indexOf('event store and database closed'));
  }, 180_000);
});
