import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { LOOKUP_PIN_ALPHABET } from '@motcua/domain';
import { SQL_DRIVER } from '@motcua/platform';
import { dossierSummaryProjection, ProjectionRunner } from '@motcua/projections';
import { SqlDriver } from '@motcua/sql';
import { waitFor } from '../../../libs/projections/src/__tests__/support';
import { Harness } from '../../support/api-harness';

const PROVINCE = '000.00.00.H31';
const WARD_A = '000.31.01.H31';
const WARD_B = '000.31.02.H31';
const BIRTH = '1.003101';

/** `pdftotext -layout - -` (poppler-utils) on the bytes, whitespace collapsed. */
function pdfText(pdf: Buffer): string {
  return execFileSync('pdftotext', ['-layout', '-', '-'], { input: pdf }).toString('utf8').replace(/\s+/g, ' ');
}

/** A problem body without what names the request (its path and correlation id). */
const problemOnly = (b: Record<string, unknown>) => {
  const { instance: _i, correlationId: _c, ...rest } = b;
  void _i;
  void _c;
  return rest;
};

/**
 * Finding a dossier (issue #14 item 4) over HTTP: look-ups by code and text through the read model,
 * the look-up PIN, the public status page and the receipt's QR code. Run on PGlite and PostgreSQL.
 */
export function findingSuite(name: string, start: (env?: Record<string, string>) => Promise<Harness>) {
  describe(`finding a dossier (${name})`, () => {
    let h: Harness;
    let runner: ProjectionRunner;
    let admin: string, clerkA: string, clerkB: string, officerA: string;
    const people = {
      dao: { name: 'Đặng Thị Ngọc Đào', idNumber: '001190000123', phone: '+84 912 345 678' },
      an: { name: 'NGUYỄN Văn Ân', idNumber: '079203009876', phone: '0987 111 222' },
    };
    let dao: { id: string; code: string; lookupPin: string };
    let an: { id: string; code: string; lookupPin: string };
    let other: { id: string; code: string };
    let old: { id: string; code: string };

    const receive = async (token: string, unitCode: string, applicant: Record<string, string>) => {
      const r = await h.request('POST', '/dossiers', { token, body: { unitCode, procedureCode: BIRTH, channel: 'direct', applicant } });
      expect(r.status).toBe(201);
      return r.body;
    };
    const caughtUp = () => waitFor('dossier summary caught up', async () => (await runner.status()).projections.every((p) => p.eventsBehind === 0), 60_000);
    const find = async (token: string, query: string) => {
      const r = await h.request('GET', `/dossiers?${query}`, { token });
      expect(r.status).toBe(200);
      return r.body as { items: { id: string; code: string }[]; nextCursor: string | null };
    };
    const ids = (page: { items: { id: string }[] }) => page.items.map((i) => i.id).sort();

    beforeAll(async () => {
      h = await start();
      admin = await h.token({ sub: 'admin-f', name: 'Quản trị', roles: ['admin'], units: [PROVINCE] });
      clerkA = await h.token({ sub: 'clerk-fa', name: 'Lê Thị Thu', roles: ['clerk'], units: [WARD_A] });
      officerA = await h.token({ sub: 'officer-fa', name: 'Trần Minh', roles: ['officer'], units: [WARD_A] });
      clerkB = await h.token({ sub: 'clerk-fb', name: 'Phạm Văn Bình', roles: ['clerk'], units: [WARD_B] });
      for (const [url, body] of [
        [`/units/${PROVINCE}`, { name: 'Tỉnh Tra Cứu', level: 'province' }],
        [`/units/${WARD_A}`, { name: 'Xã A', level: 'commune', parentCode: PROVINCE }],
        [`/units/${WARD_B}`, { name: 'Xã B', level: 'commune', parentCode: PROVINCE }],
        [`/procedures/${BIRTH}`, { name: 'Đăng ký khai sinh', field: 'Hộ tịch', processingTime: { amount: 3, unit: 'working_day' } }],
      ] as const) {
        const r = await h.request('PUT', url, { token: admin, body });
        expect([200, 201]).toContain(r.status);
      }
      dao = await receive(clerkA, WARD_A, people.dao);
      an = await receive(clerkA, WARD_A, people.an);
      other = await receive(clerkB, WARD_B, people.dao);
      // a dossier received before PINs existed: its reception event has none
      const oldId = randomUUID();
      const oldCode = `${WARD_A}-240105-0001`;
      await h.store.append(
        `dossier-${oldId}`,
        [
          {
            id: randomUUID(),
            type: 'DossierReceived',
            data: {
              dossierId: oldId,
              code: oldCode,
              unitCode: WARD_A,
              procedureCode: BIRTH,
              procedureName: 'Đăng ký khai sinh',
              field: 'Hộ tịch',
              channel: 'direct',
              onlineLevel: 'none',
              applicant: people.dao,
              processingTime: { amount: 3, unit: 'working_day' },
              timeZone: 'Asia/Ho_Chi_Minh',
              receivedAt: '2024-01-05T02:00:00.000Z',
              dueAt: '2024-01-10T10:00:00.000Z',
              calendarVersion: 'test',
            },
            metadata: {
              actor: { id: 'clerk-fa' },
              correlationId: randomUUID(),
              causationId: randomUUID(),
              occurredAt: '2024-01-05T02:00:00.000Z',
              schemaVersion: 1,
            },
          },
        ],
        { expectedRevision: 'no-stream' },
      );
      old = { id: oldId, code: oldCode };
      runner = new ProjectionRunner({
        store: h.store,
        driver: h.app.get<SqlDriver>(SQL_DRIVER),
        projections: [dossierSummaryProjection()],
        leaseKey: `test:finding:${name}:${randomUUID()}`,
      });
      await runner.start();
      await caughtUp();
      // and every dossier made above is in the search read model (the caught-up figure counts only the events already visible)
      const sql = h.app.get<SqlDriver>(SQL_DRIVER);
      const ids = [dao.id, an.id, old.id];
      await waitFor(
        'the dossiers in the search read model',
        async () =>
          (await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM dossier_search WHERE dossier_id = ANY($1)', [ids])).rows[0].n === ids.length,
        60_000,
      );
    }, 120_000);
    afterAll(async () => {
      await runner?.stop().catch(() => undefined);
      await h?.close();
    });

    it('gives a look-up PIN at reception, shown again to staff on the dossier', async () => {
      const alphabet = new RegExp(`^[${LOOKUP_PIN_ALPHABET}]{6}$`);
      expect(dao.lookupPin).toMatch(alphabet);
      expect(an.lookupPin).toMatch(alphabet);
      expect(an.lookupPin).not.toBe(dao.lookupPin);
      const r = await h.request('GET', `/dossiers/${dao.id}`, { token: clerkA });
      expect(r.body.lookupPin).toBe(dao.lookupPin);
      expect((await h.request('GET', `/dossiers/${old.id}`, { token: clerkA })).body).not.toHaveProperty('lookupPin');
    });

    it('GET /dossiers?code= finds exactly that code in the caller’s units (a list of 0 or 1)', async () => {
      expect(ids(await find(clerkA, `code=${encodeURIComponent(dao.code)}`))).toEqual([dao.id]);
      expect(ids(await find(clerkA, `code=${encodeURIComponent(dao.code.toLowerCase())}`))).toEqual([dao.id]);
      expect(ids(await find(admin, `code=${encodeURIComponent(old.code)}`))).toEqual([old.id]);
      expect((await find(clerkB, `code=${encodeURIComponent(dao.code)}`)).items).toEqual([]); // another unit's: nothing
      expect((await find(clerkA, `code=${encodeURIComponent(dao.code.slice(0, -1))}`)).items).toEqual([]); // exact, not a prefix
      const page = await find(clerkA, `code=${encodeURIComponent(dao.code)}`);
      expect(page.items[0]).toMatchObject({ id: dao.id, code: dao.code, unitCode: WARD_A, status: 'received' });
      expect(page.items[0]).not.toHaveProperty('applicant');
    });

    it('GET /dossiers?q= finds by name without accents or case, identity number, phone and code prefix, in scope', async () => {
      const q = async (token: string, text: string) => ids(await find(token, `q=${encodeURIComponent(text)}`));
      expect(await q(clerkA, 'dang thi ngoc dao')).toEqual([dao.id, old.id].sort());
      expect(await q(clerkA, 'ĐÀO đặng')).toEqual([dao.id, old.id].sort()); // words in any order, accents and case ignored
      expect(await q(clerkA, 'nguyen an')).toEqual([an.id]);
      expect(await q(clerkA, 'nguyen dao')).toEqual([]); // every word must be in the name
      expect(await q(clerkA, '0912345678')).toEqual([dao.id, old.id].sort()); // stored as +84 912 345 678
      expect(await q(clerkA, '+84 912 345')).toEqual([dao.id, old.id].sort()); // a prefix, written either way
      expect(await q(clerkA, '0987111')).toEqual([an.id]);
      expect(await q(clerkA, '079203009876')).toEqual([an.id]);
      expect(await q(clerkA, '0011900')).toEqual([dao.id, old.id].sort());
      expect(await q(clerkA, dao.code)).toEqual([dao.id]);
      expect(await q(clerkA, `${WARD_A}-240105`)).toEqual([old.id]);
      expect(await q(clerkA, '%')).toEqual([]); // LIKE characters are literal
      expect(await q(clerkB, 'dang dao')).toEqual([other.id]); // only the caller's units
      expect(await q(admin, 'dang dao')).toEqual([dao.id, other.id, old.id].sort());
      // paged like the work list
      const first = await find(admin, 'q=dang%20dao&limit=2');
      expect(first.items).toHaveLength(2);
      expect(first.nextCursor).toEqual(expect.any(String));
      const second = await find(admin, `q=dang%20dao&limit=2&cursor=${first.nextCursor}`);
      expect(second.nextCursor).toBeNull();
      expect([...ids(first), ...ids(second)].sort()).toEqual([dao.id, other.id, old.id].sort());
      // with another filter of the work list
      expect(ids(await find(admin, 'q=dang%20dao&status=resolved'))).toEqual([]);
    });

    it('refuses bad look-up parameters with a problem+json 400', async () => {
      for (const query of ['q=', 'code=', `q=${'x'.repeat(201)}`, `code=${'x'.repeat(101)}`]) {
        const r = await h.request('GET', `/dossiers?${query}`, { token: clerkA });
        expect(r.status).toBe(400);
        expect(r.headers['content-type']).toMatch(/application\/problem\+json/);
      }
    });

    it('GET /public/dossiers/{code}?pin= shows the status without a token and nothing personal', async () => {
      const url = `/public/dossiers/${encodeURIComponent(dao.code)}?pin=${dao.lookupPin}`;
      const r = await h.request('GET', url);
      expect(r.status).toBe(200);
      expect(Object.keys(r.body).sort()).toEqual(['code', 'dueAt', 'procedureName', 'receivedAt', 'status']);
      expect(r.body).toMatchObject({ code: dao.code, procedureName: 'Đăng ký khai sinh', status: 'received' });
      const text = JSON.stringify(r.body);
      for (const personal of ['Đặng', 'Đào', '001190000123', '912', dao.id]) expect(text).not.toContain(personal);
      // a token of any user changes nothing (another unit's clerk, a bad token)
      expect((await h.request('GET', url, { token: clerkB })).body).toEqual(r.body);
      expect((await h.request('GET', url, { headers: { authorization: 'Bearer not-a-token' } })).body).toEqual(r.body);
      // the PIN typed in lower case is the same PIN
      expect((await h.request('GET', `/public/dossiers/${encodeURIComponent(dao.code)}?pin=${dao.lookupPin.toLowerCase()}`)).status).toBe(200);
      // once resolved, the resolution time shows
      const resolved = await h.request('POST', `/dossiers/${an.id}/resolve`, { token: officerA, body: { outcome: 'approved' } });
      expect(resolved.status).toBe(200);
      // wait on the applied resolution (the caught-up figure counts only the events already visible)
      const publicUrl = `/public/dossiers/${encodeURIComponent(an.code)}?pin=${an.lookupPin}`;
      await waitFor('the resolution on the public page', async () => (await h.request('GET', publicUrl)).body?.status === 'resolved', 60_000);
      const done = await h.request('GET', publicUrl);
      expect(done.body).toMatchObject({ code: an.code, status: 'resolved', resolvedAt: resolved.body.resolvedAt });
    });

    it('answers the same 404 for a wrong PIN, an unknown code and a dossier without a PIN', async () => {
      const wrongPin = dao.lookupPin === 'AAAAAA' ? 'CCCCCC' : 'AAAAAA';
      const answers = [
        await h.request('GET', `/public/dossiers/${encodeURIComponent(dao.code)}?pin=${wrongPin}`),
        await h.request('GET', `/public/dossiers/${encodeURIComponent(`${WARD_A}-991231-9999`)}?pin=${dao.lookupPin}`),
        await h.request('GET', `/public/dossiers/${encodeURIComponent(old.code)}?pin=${dao.lookupPin}`),
        await h.request('GET', `/public/dossiers/${encodeURIComponent(other.code)}?pin=${dao.lookupPin}`),
      ];
      for (const a of answers) {
        expect(a.status).toBe(404);
        expect(a.headers['content-type']).toMatch(/application\/problem\+json/);
        expect(problemOnly(a.body)).toEqual(problemOnly(answers[0].body));
      }
    });

    it('refuses malformed codes and PINs with a 4xx, never a 500', async () => {
      for (const url of [
        `/public/dossiers/${encodeURIComponent(dao.code)}`,
        `/public/dossiers/${encodeURIComponent(dao.code)}?pin=`,
        `/public/dossiers/${encodeURIComponent(dao.code)}?pin=ABC`,
        `/public/dossiers/${encodeURIComponent(dao.code)}?pin=ABCDEFG`,
        `/public/dossiers/${encodeURIComponent(dao.code)}?pin=AB%00CDE`,
        `/public/dossiers/${encodeURIComponent(dao.code)}?pin=A&pin=B`,
        `/public/dossiers/${encodeURIComponent('a b')}?pin=${dao.lookupPin}`,
        `/public/dossiers/${encodeURIComponent("x'; DROP TABLE dossier_search;--")}?pin=${dao.lookupPin}`,
        `/public/dossiers/${'x'.repeat(101)}?pin=${dao.lookupPin}`,
        `/public/dossiers/%ZZ?pin=${dao.lookupPin}`,
      ]) {
        const r = await h.request('GET', url);
        expect([[400, 414].includes(r.status), url]).toEqual([true, url]); // 414: a path parameter over the router's length
        expect(r.headers['content-type']).toMatch(/application\/problem\+json/);
      }
    });

    it('marks the public route as needing no token in the OpenAPI document', async () => {
      const doc = await h.request('GET', '/docs/openapi.json');
      const op = doc.body.paths['/api/v1/public/dossiers/{code}']?.get;
      expect(op).toBeDefined();
      expect(op.security).toEqual([]);
      expect(op.parameters.map((p: { name: string }) => p.name).sort()).toEqual(['code', 'pin']);
    });

    it('prints the PIN and a QR code of the public address on the receipt', async () => {
      const res = await h.app.inject({
        method: 'GET',
        url: `/api/v1/dossiers/${dao.id}/forms/receipt.pdf`,
        headers: { authorization: `Bearer ${clerkA}`, host: 'motcua.example.gov.vn', 'x-forwarded-proto': 'https' },
      });
      expect(res.statusCode).toBe(200);
      const text = pdfText(res.rawPayload);
      expect(text).toContain(`Mã tra cứu (PIN): ${dao.lookupPin}`);
      // the address may wrap on the printed line
      expect(text.replace(/\s+/g, '')).toContain(`https://motcua.example.gov.vn/api/v1/public/dossiers/${dao.code}`);
      // the QR code is drawn (vector squares), and an old dossier's receipt has neither
      const oldReceipt = await h.app.inject({
        method: 'GET',
        url: `/api/v1/dossiers/${old.id}/forms/receipt.pdf`,
        headers: { authorization: `Bearer ${clerkA}` },
      });
      expect(oldReceipt.statusCode).toBe(200);
      expect(pdfText(oldReceipt.rawPayload)).not.toContain('Mã tra cứu');
    });

    it('fills the look-up rows again on a rebuild of the read model (dossiers received before the migration)', async () => {
      const sql = h.app.get<SqlDriver>(SQL_DRIVER);
      const rows = async () => (await sql.query(`SELECT * FROM dossier_search ORDER BY dossier_id`)).rows;
      const before = await rows();
      expect(before.length).toBeGreaterThanOrEqual(4);
      // as on a database migrated under existing dossiers: no look-up rows yet
      await runner.stop();
      await sql.query(`DELETE FROM dossier_search`);
      expect((await find(clerkA, 'q=dang%20dao')).items).toEqual([]);
      const rebuilt = await h.request('POST', '/admin/projections/dossier-summary/rebuild', { token: admin });
      expect(rebuilt.status).toBe(202);
      await waitFor(
        'rebuild done',
        async () => (await h.request('GET', '/admin/projections/dossier-summary/rebuild', { token: admin })).body.state !== 'running',
        60_000,
      );
      expect((await h.request('GET', '/admin/projections/dossier-summary/rebuild', { token: admin })).body.state).toBe('done');
      expect(await rows()).toEqual(before);
      expect(ids(await find(clerkA, 'q=dang%20dao'))).toEqual([dao.id, old.id].sort());
    });
  });
}

/** The public look-up's own rate limit per client address (PGlite only: an HTTP concern). */
export function publicRateLimitSuite(start: (env?: Record<string, string>) => Promise<Harness>) {
  describe('public look-up rate limit', () => {
    let h: Harness;
    beforeAll(async () => {
      h = await start({ PUBLIC_LOOKUP_PER_MINUTE: '3' });
    }, 60_000);
    afterAll(async () => h?.close());

    it('answers 429 problem+json with Retry-After past the limit, per address, whatever the token', async () => {
      const from = (ip: string, token?: string) =>
        h.request('GET', '/public/dossiers/NO-SUCH-CODE?pin=AAAAAA', { headers: { 'x-forwarded-for': ip }, ...(token ? { token } : {}) });
      for (let i = 0; i < 3; i++) expect((await from('203.0.113.7')).status).toBe(404);
      const over = await from('203.0.113.7');
      expect(over.status).toBe(429);
      expect(over.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(Number(over.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(over.body.detail).toMatch(/look-ups from your address/);
      // a token buys no fresh bucket
      const token = await h.token({ sub: 'anyone', roles: ['clerk'], units: [] });
      expect((await from('203.0.113.7', token)).status).toBe(429);
      // another address has its own
      expect((await from('198.51.100.9')).status).toBe(404);
      // the staff routes are not counted against it (RATE_LIMIT_PER_MINUTE is off in the harness)
      expect((await h.request('GET', '/units', { token, headers: { 'x-forwarded-for': '203.0.113.7' } })).status).toBe(200);
    });
  });
}
