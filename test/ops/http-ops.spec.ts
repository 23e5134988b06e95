import { randomUUID } from 'node:crypto';
import { Queues } from '@motcua/platform';
import { metricsAccess } from '@motcua/platform/metrics/metrics.controller';
import { Harness, startHarness } from '../support/api-harness';

/** Closes a harness once its BullMQ queue is connected (BullMQ emits an unhandled error when closed mid-connect). */
async function close(h: Harness | undefined) {
  if (!h) return;
  await h.app
    .get(Queues)
    .queue(process.env.TIMERS_QUEUE || 'deadline-timers')
    .waitUntilReady()
    .catch(() => undefined);
  await h.close();
}

const PROVINCE = '000.00.00.H29';
const WARD = '000.27.01.H29';
const BIRTH = '1.001612';

async function seed(h: Harness, admin: string) {
  for (const [url, body] of [
    [`/units/${PROVINCE}`, { name: 'TP. Hồ Chí Minh', level: 'province' }],
    [`/units/${WARD}`, { name: 'Phường Bến Nghé', level: 'commune', parentCode: PROVINCE }],
    [`/procedures/${BIRTH}`, { name: 'Đăng ký khai sinh', field: 'Hộ tịch', processingTime: { amount: 3, unit: 'working_day' } }],
  ] as const) {
    const r = await h.request('PUT', url, { token: admin, body });
    expect([200, 201]).toContain(r.status);
  }
}

/** Sample value of a metric line `name{labels} value` (labels in any order), or undefined. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name + '{') && !line.startsWith(name + ' ')) continue;
    const m = /^([^{ ]+)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3]);
  }
  return undefined;
}

describe('operations over HTTP (metrics, limits)', () => {
  let h: Harness;
  let admin: string, clerk: string;

  beforeAll(async () => {
    h = await startHarness('pglite://memory', { BODY_LIMIT_BYTES: '4096', QUEUE_PREFIX: `ops-${randomUUID().slice(0, 8)}` });
    admin = await h.token({ sub: 'admin-1', roles: ['admin'], units: [PROVINCE] });
    clerk = await h.token({ sub: 'clerk-1', roles: ['clerk', 'officer'], units: [WARD] });
    await seed(h, admin);
  }, 60_000);
  afterAll(async () => close(h));

  it('answers a body over BODY_LIMIT_BYTES with 413 problem+json', async () => {
    const r = await h.request('POST', '/dossiers', {
      token: clerk,
      body: { unitCode: WARD, procedureCode: BIRTH, channel: 'direct', applicant: { name: 'x'.repeat(5000) } },
    });
    expect(r.status).toBe(413);
    expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(r.body).toMatchObject({ status: 413, title: expect.any(String), detail: expect.stringMatching(/larger than the server accepts/) });
  });

  it('counts commands by outcome, version conflicts and request durations by route; serves only loopback without a token', async () => {
    const receive = await h.request('POST', '/dossiers', {
      token: clerk,
      body: { unitCode: WARD, procedureCode: BIRTH, channel: 'direct', applicant: { name: 'An', idNumber: '079203001234' } },
    });
    expect(receive.status).toBe(201);
    const id = receive.body.id;
    expect((await h.request('POST', `/dossiers/${id}/assign`, { token: clerk, body: { assignee: 'clerk-1', expectedVersion: 7 } })).status).toBe(409);
    expect(
      (await h.request('POST', '/dossiers', { token: clerk, body: { unitCode: WARD, procedureCode: 'NOPE', channel: 'direct', applicant: { name: 'B' } } }))
        .status,
    ).toBe(422);
    // a forged signature: change a character in the middle of it (the last one may only carry padding bits)
    const i = admin.length - 10;
    const forged = admin.slice(0, i) + (admin[i] === 'A' ? 'B' : 'A') + admin.slice(i + 1);
    expect((await h.request('POST', '/dossiers', { token: forged, body: {} })).status).toBe(401);
    const imp = await h.request('POST', '/imports', {
      token: admin,
      raw:
        JSON.stringify({ command: 'receive', dossierId: randomUUID(), unitCode: WARD, procedureCode: BIRTH, channel: 'online', applicant: { name: 'C' } }) +
        '\n',
      headers: { 'content-type': 'application/x-ndjson' },
    });
    expect(imp.status).toBe(200);

    const m = await h.request('GET', '/metrics');
    expect(m.status).toBe(200);
    expect(m.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = m.body as string;
    expect(sample(text, 'motcua_commands_total', { command: 'receive', outcome: 'ok' })).toBe(1);
    expect(sample(text, 'motcua_commands_total', { command: 'assign', outcome: 'conflict' })).toBe(1);
    expect(sample(text, 'motcua_commands_total', { command: 'receive', outcome: 'domain-error' })).toBe(1);
    expect(sample(text, 'motcua_commands_total', { command: 'receive', outcome: 'unauthenticated' })).toBe(1);
    expect(sample(text, 'motcua_commands_total', { command: 'import', outcome: 'ok' })).toBe(1);
    expect(sample(text, 'motcua_version_conflicts_total')).toBe(1);
    expect(sample(text, 'motcua_http_request_duration_seconds_count', { method: 'POST', route: '/api/v1/dossiers/:id/assign', status: '409' })).toBe(1);
    expect(
      sample(text, 'motcua_http_request_duration_seconds_count', { method: 'PUT', route: '/api/v1/units/:code', status: '200' }) ??
        sample(text, 'motcua_http_request_duration_seconds_count', { method: 'PUT', route: '/api/v1/units/:code', status: '201' }),
    ).toBeGreaterThan(0);
    // default Node metrics and the declared families are there
    for (const family of [
      'process_cpu_user_seconds_total',
      'nodejs_eventloop_lag_seconds',
      'motcua_alerts_raised_total',
      'motcua_timer_lateness_seconds',
      'motcua_projection_lag_events',
      'motcua_projection_lag_seconds',
    ]) {
      expect(text).toContain(`# TYPE ${family}`);
    }
    // no raw URLs (ids) as labels
    expect(text).not.toContain(id);

    // through a proxy (X-Forwarded-For) it is refused without a token
    const proxied = await h.request('GET', '/metrics', { headers: { 'x-forwarded-for': '203.0.113.9' } });
    expect(proxied.status).toBe(403);
    expect(proxied.headers['content-type']).toMatch(/problem\+json/);
  });

  it('/metrics needs METRICS_TOKEN when it is set', () => {
    const socket = { remoteAddress: '127.0.0.1' } as never;
    const token = 'metrics-token-0123456789';
    expect(metricsAccess({ headers: {}, socket }, token)).toBe('unauthorized');
    expect(metricsAccess({ headers: { authorization: 'Bearer wrong-token-0123456789' }, socket }, token)).toBe('forbidden');
    expect(
      metricsAccess(
        { headers: { authorization: `Bearer ${token}`, 'x-forwarded-for': '203.0.113.9' }, socket: { remoteAddress: '203.0.113.9' } as never },
        token,
      ),
    ).toBe('ok');
    // without a token: direct loopback clients only
    expect(metricsAccess({ headers: {}, socket: { remoteAddress: '::1' } as never }, undefined)).toBe('ok');
    expect(metricsAccess({ headers: {}, socket: { remoteAddress: '10.0.0.5' } as never }, undefined)).toBe('forbidden');
    expect(metricsAccess({ headers: { forwarded: 'for=203.0.113.9' }, socket }, undefined)).toBe('forbidden');
  });
});

describe('rate limiting per token', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('pglite://memory', { RATE_LIMIT_PER_MINUTE: '5', QUEUE_PREFIX: `ops-${randomUUID().slice(0, 8)}` });
  }, 60_000);
  afterAll(async () => close(h));

  it('the 6th request of one token is 429 problem+json with Retry-After; another token and health still pass', async () => {
    const a = await h.token({ sub: 'user-a', roles: ['auditor'], units: [PROVINCE] });
    const a2 = await h.token({ sub: 'user-a', name: 'same subject, other token', roles: ['auditor'], units: [PROVINCE] });
    const b = await h.token({ sub: 'user-b', roles: ['auditor'], units: [PROVINCE] });
    for (let i = 0; i < 3; i++) expect((await h.request('GET', '/units', { token: a })).status).toBe(200);
    for (let i = 0; i < 2; i++) expect((await h.request('GET', '/units', { token: a2 })).status).toBe(200); // same sub, same bucket
    const limited = await h.request('GET', '/units', { token: a });
    expect(limited.status).toBe(429);
    expect(limited.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(limited.body).toMatchObject({ status: 429, detail: expect.stringMatching(/Too many requests/) });
    expect((await h.request('GET', '/units', { token: b })).status).toBe(200);
    for (let i = 0; i < 8; i++) {
      expect((await h.request('GET', '/health/live')).status).toBe(200);
      expect((await h.request('GET', '/metrics')).status).toBe(200);
    }
    // forged tokens do not buy fresh buckets: without a verified token the key is the client address
    const forged = (sub: string) => `${Buffer.from('{"alg":"HS256"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub })).toString('base64url')}.sig`;
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await h.request('GET', '/units', { token: forged(`f-${i}`) })).status);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429]);
  });
});
