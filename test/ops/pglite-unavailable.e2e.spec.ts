import { randomUUID } from 'node:crypto';
import { SQL_DRIVER } from '@motcua/platform';
import { SqlDriver } from '@motcua/sql';
import { Harness, startHarness } from '../support/api-harness';

/** The embedded store failing under a request (here: closed) is the server's condition: 503 with Retry-After, not 500. */
describe('PGlite failure → 503', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('pglite://memory');
  }, 120_000);
  afterAll(async () => h?.close().catch(() => undefined));

  it('answers commands and queries 503 problem+json with Retry-After once PGlite is closed', async () => {
    const admin = await h.token({ sub: 'adm', roles: ['admin', 'supervisor', 'clerk'], units: ['000.00.00.H29'] });
    expect((await h.request('PUT', '/units/000.00.00.H29', { token: admin, body: { name: 'TP. Hồ Chí Minh', level: 'province' } })).status).toBe(201);
    await h.app.get<SqlDriver>(SQL_DRIVER).close();
    for (const [method, url, body] of [
      ['GET', `/dossiers/${randomUUID()}`, undefined],
      ['GET', '/alerts', undefined],
      ['POST', '/dossiers', { unitCode: '000.00.00.H29', procedureCode: '1.001612', channel: 'direct', applicant: { name: 'An' } }],
    ] as const) {
      const r = await h.request(method, url, { token: admin, body, headers: { 'idempotency-key': randomUUID() } });
      expect({ url, status: r.status }).toEqual({ url, status: 503 });
      expect(r.headers['retry-after']).toBe('5');
      expect(String(r.headers['content-type'])).toMatch(/^application\/problem\+json/);
      expect(r.body.detail).toMatch(/database is unavailable/);
    }
  }, 60_000);
});
