/**
 * Issue #12 items 6, 10 and 11, replayed as the outside tester did them against the app in process:
 * reference data edited by admins of another unit or of none, a 100-year token, an auditor of one
 * commune walking the whole store, and 100k bad import lines.
 */
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { TEST_JWT_SECRET } from '../support/api-harness';
import { A, A1, allEvents, B, B1, P, PROC, problemDefect, startWorld, World } from './support/world';

describe('issue #12: reference-data scope, token lifetime, audit scope, import answer size', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld('scope');
  }, 120_000);
  afterAll(async () => w?.close());

  const put = (token: string, url: string, body: unknown) => w.h.request('PUT', url, { token, body });

  it('admins with units [], ["*"], ["%"] or only commune B cannot rename A, add units under the root, slow a procedure or replace the 2026 holidays', async () => {
    const before = (await allEvents(w.h)).length;
    const unit = (code: string) => w.h.request('GET', `/units/${code}`, { token: w.root });
    const commune = (await unit(A1)).body;
    const procedure = (await w.h.request('GET', `/procedures/${PROC}`, { token: w.root })).body;
    const holidays = (await w.h.request('GET', '/calendar/2026', { token: w.root })).body;
    for (const units of [[], ['*'], ['%'], [B1], [B], ['HX.%'], [A1.slice(0, 6)]]) {
      const admin = await w.token(['admin'], units);
      const tried = [
        await put(admin, `/units/${A1}`, { name: 'Phường bị đổi tên', level: 'commune', parentCode: A }),
        await put(admin, `/units/HX.09.09.H99`, { name: 'Quận lạ', level: 'district', parentCode: P }),
        await put(admin, `/units/HX.ROOT.2`, { name: 'Tỉnh lạ', level: 'province' }),
        await put(admin, `/procedures/${PROC}`, {
          name: 'Đăng ký khai sinh',
          field: 'Hộ tịch',
          processingTime: { amount: 100, unit: 'working_day' },
          onlineLevel: 'full',
        }),
        await put(admin, '/calendar/2026', { holidays: ['2026-01-01'], workingDays: [] }),
      ];
      for (const r of tried) {
        expect({ units, status: r.status }).toEqual({ units, status: 403 });
        expect(problemDefect(r)).toBeUndefined();
      }
    }
    // an admin of district A may not create a procedure either: it applies to every unit
    expect(
      (await put(await w.token(['admin'], [A]), '/procedures/NEW.1', { name: 'Mới', field: 'x', processingTime: { amount: 1, unit: 'working_day' } })).status,
    ).toBe(403);
    expect((await allEvents(w.h)).length).toBe(before);
    expect((await unit(A1)).body).toEqual(commune);
    expect((await unit('HX.09.09.H99')).status).toBe(404);
    expect((await w.h.request('GET', `/procedures/${PROC}`, { token: w.root })).body).toEqual(procedure);
    expect((await w.h.request('GET', '/calendar/2026', { token: w.root })).body).toEqual(holidays);
    // the province's admin still can (P is a root unit), and an admin of A manages units under A
    expect((await put(await w.token(['admin'], [P]), '/calendar/2042', { holidays: ['2042-01-01'], workingDays: [] })).status).toBe(200);
    expect((await put(await w.token(['admin'], [A]), '/units/HX.01.03.H99', { name: 'Phường A3', level: 'commune', parentCode: A })).status).toBe(201);
  });

  it('refuses a token valid for 100 years (and one without exp) with a 401 naming the lifetime', async () => {
    const now = Math.floor(Date.now() / 1000);
    const sign = (claims: Record<string, unknown>) =>
      new SignJWT({ sub: 'mallory', roles: ['admin'], units: [P], ...claims })
        .setProtectedHeader({ alg: 'HS256' })
        .sign(new TextEncoder().encode(TEST_JWT_SECRET));
    const century = await sign({ iat: now, exp: now + 100 * 365 * 86_400 });
    const r = await w.h.request('GET', '/units', { token: century });
    expect(r.status).toBe(401);
    expect(problemDefect(r)).toBeUndefined();
    expect(r.body.detail).toMatch(/^invalid token: token lifetime too long: it lives 3153600000 s, the maximum is 86400 s \(JWT_MAX_LIFETIME_SECONDS\)/);
    expect((await w.h.request('GET', '/units', { token: await sign({ iat: now }) })).body.detail).toBe('invalid token: missing claim exp');
    expect((await w.h.request('GET', '/units', { token: await sign({ iat: now, exp: now + 3600 }) })).status).toBe(200);
  });

  it('an auditor of commune B walks only B’s streams; the province auditor the whole log; nobody else’s dossier stream', async () => {
    const inA = await w.receive(A1);
    const inB = await w.receive(B1);
    const auditorB = await w.token(['auditor'], [B1]);
    const mine = await w.h.request('GET', '/audit/verify', { token: auditorB });
    expect(mine.status).toBe(200);
    expect(mine.body).toMatchObject({ ok: true, scope: 'units', units: [B1] });
    const bEvents = (await allEvents(w.h)).filter((e) => e.stream === `dossier-${inB.id}` || e.stream === `unit-${B1}`).length;
    expect(mine.body.checked).toBeGreaterThanOrEqual(bEvents);
    const all = await w.h.request('GET', '/audit/verify', { token: await w.token(['auditor'], [P]) });
    expect(all.body).toMatchObject({ ok: true, scope: 'all' });
    expect(all.body.checked).toBeGreaterThan(mine.body.checked);
    // another commune's dossier stream: like an unknown dossier; other streams: only for the whole tree
    const foreign = await w.h.request('GET', `/audit/verify?stream=dossier-${inA.id}`, { token: auditorB });
    expect(foreign.status).toBe(404);
    expect(JSON.stringify(foreign.body)).not.toContain(inA.code);
    expect((await w.h.request('GET', `/audit/verify?stream=unit-${A1}`, { token: auditorB })).status).toBe(403);
    expect((await w.h.request('GET', `/audit/verify?stream=unit-${B1}`, { token: auditorB })).status).toBe(200);
    expect((await w.h.request('GET', `/audit/verify?stream=procedure-${PROC}`, { token: auditorB })).status).toBe(403);
    expect((await w.h.request('GET', `/audit/verify?stream=procedure-${PROC}`, { token: await w.token(['auditor'], [P]) })).status).toBe(200);
    for (const units of [[], ['*'], ['%']]) expect((await w.h.request('GET', '/audit/verify', { token: await w.token(['auditor'], units) })).status).toBe(403);
  });

  it('another unit’s dossier: 404 exactly like an unknown id on every dossier route; its id taken: 409 without its code', async () => {
    const d = await w.receive(A1);
    const unknown = randomUUID();
    const A2 = 'HX.01.02.H99';
    for (const units of [[A2], [B1], [B], [], ['*'], ['%']]) {
      const reader = await w.token(['clerk', 'officer', 'supervisor', 'auditor'], units);
      for (const path of [
        '',
        '/history',
        '/forms/receipt.pdf',
        '/forms/control-sheet.pdf',
        '/forms/apology.pdf',
        `?asOf=${encodeURIComponent(new Date().toISOString())}`,
      ]) {
        const [theirs, none] = [
          await w.h.request('GET', `/dossiers/${d.id}${path}`, { token: reader }),
          await w.h.request('GET', `/dossiers/${unknown}${path}`, { token: reader }),
        ];
        expect({ units, path, status: theirs.status }).toEqual({ units, path, status: none.status });
        expect(theirs.body.detail.replace(d.id, '<id>')).toBe(none.body.detail.replace(unknown, '<id>'));
        expect(JSON.stringify(theirs.body)).not.toContain(d.code);
      }
      for (const action of ['withdraw', 'resolve', 'assign']) {
        const body = action === 'withdraw' ? { reason: 'x' } : action === 'resolve' ? { outcome: 'approved' } : { assignee: 'x' };
        const r = await w.h.request('POST', `/dossiers/${d.id}/${action}`, { token: reader, body });
        expect({ units, action, status: r.status }).toEqual({ units, action, status: 404 });
      }
      if (units.length === 1 && /^HX\./.test(units[0]) && units[0] !== B) {
        const r = await w.h.request('POST', '/dossiers', {
          token: reader,
          body: { id: d.id, unitCode: units[0], procedureCode: PROC, channel: 'direct', applicant: { name: 'Khách' } },
        });
        expect(r.status).toBe(409);
        expect(r.body.detail).toBe(`Dossier id ${d.id} is already taken: choose another id`);
      }
    }
  });

  it('100k bad NDJSON lines: a small answer listing the first 1,000, every line counted, nothing written', async () => {
    const before = (await allEvents(w.h)).length;
    const bad = JSON.stringify({
      command: 'receive',
      dossierId: randomUUID(),
      unitCode: A1,
      procedureCode: PROC,
      channel: 'carrier-pigeon',
      applicant: { name: 'x' },
    });
    const lines = Array.from({ length: 100_000 }, (_, i) => (i % 2 ? bad : `{"command": "nope", "n": ${i}}`));
    const admin = await w.token(['admin'], [P]);
    const r = await w.h.request('POST', '/imports', { token: admin, raw: lines.join('\n'), headers: { 'content-type': 'application/x-ndjson' } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ accepted: 0, rejected: 100_000, errorsTruncated: true, omittedErrors: 99_000 });
    expect(r.body.errors).toHaveLength(1_000);
    expect(r.body.errors[999].line).toBe(1_000);
    expect(Buffer.byteLength(JSON.stringify(r.body))).toBeLessThan(300_000);
    expect((await allEvents(w.h)).length).toBe(before);
  }, 300_000);
});
