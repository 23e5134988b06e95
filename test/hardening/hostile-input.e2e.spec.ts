/**
 * Issue #12, items 3, 4, 5 and 7, case by case (the fuzzer covers the same ground at random):
 * dates outside the working calendar's range, NUL characters and lone surrogates, refused
 * calendars, forged cursors. Each answer is a problem+json 4xx naming the field, and writes
 * nothing: the test counts the events of the stream (or unit) the request could write to, never
 * the whole log.
 */
import { randomUUID } from 'node:crypto';
import { A, A1, APPLICANT, P, PROC, problemDefect, startWorld, World } from './support/world';

const RANGE = { from: '1901-01-02', to: '2099-12-30' };

describe('hostile input: dates, NUL and surrogates, refused reference data, cursors (#12)', () => {
  let w: World;
  let admin: string;
  let clerk: string;
  let supervisor: string;

  beforeAll(async () => {
    w = await startWorld('hostile-input');
    admin = await w.token(['admin', 'auditor'], [P], 'hostile-admin');
    clerk = await w.token(['clerk'], [A1], 'hostile-clerk');
    supervisor = await w.token(['supervisor'], [A], 'hostile-supervisor');
  }, 120_000);
  afterAll(async () => w?.close());

  const streamLength = async (stream: string) => (await w.h.store.readStream(stream)).length;
  const prefixCount = (prefix: string) => w.h.store.countAfter(undefined, { streamPrefixes: [prefix] });
  const expectProblem = (r: { status: number; headers: Record<string, unknown>; body: any }, status: number) => {
    expect({ status: r.status, detail: r.body?.detail }).toMatchObject({ status });
    expect(problemDefect(r)).toBeUndefined();
  };
  const reception = (extra: Record<string, unknown> = {}) => ({
    unitCode: A1,
    procedureCode: PROC,
    channel: 'direct',
    applicant: { name: APPLICANT },
    ...extra,
  });

  describe('dates outside the calendar’s range (item 3)', () => {
    it('a reception dated 2999 is in the future, 1900 out of range, 1969 before the earliest business date: 422, nothing written', async () => {
      const counters = await prefixCount(`code-counter-${A1}`);
      const cases: [string, number, RegExp][] = [
        ['2999-01-01T08:00:00+07:00', 422, /in the future/],
        ['2100-01-01T08:00:00+07:00', 422, /in the future/],
        ['1900-06-01T08:00:00+07:00', 422, new RegExp(`occurredAt .*${RANGE.from} to ${RANGE.to}`)],
        ['1969-07-20T08:00:00+07:00', 422, /occurredAt .*before 2000-01-01/],
        ['1999-12-31T23:59:59+07:00', 422, /before 2000-01-01/],
      ];
      for (const [occurredAt, status, detail] of cases) {
        const id = randomUUID();
        const r = await w.h.request('POST', '/dossiers', { token: clerk, body: reception({ id, occurredAt }) });
        expectProblem(r, status);
        expect(r.body.detail).toMatch(detail);
        expect(await streamLength(`dossier-${id}`)).toBe(0);
      }
      expect(await prefixCount(`code-counter-${A1}`)).toBe(counters);
      // the earliest business date itself is accepted
      const ok = await w.h.request('POST', '/dossiers', { token: clerk, body: reception({ occurredAt: '2000-01-03T08:00:00+07:00' }) });
      expect(ok.status).toBe(201);
    });

    it('every command’s occurredAt, and apologise’s newDueAt in 2999: 422 naming the field, the stream does not move', async () => {
      const d = await w.receive(A1);
      const stream = `dossier-${d.id}`;
      const before = await streamLength(stream);
      const commands: [string, Record<string, unknown>][] = [
        ['assign', { assignee: 'officer-1' }],
        ['request-supplement', { reason: 'x' }],
        ['apologise', { reason: 'Chậm', newDueAt: '2030-01-01T08:00:00+07:00' }],
        ['resolve', { outcome: 'approved' }],
        ['withdraw', { reason: 'x' }],
        ['rate', { rating: 'satisfied' }],
      ];
      const all = await w.token(['clerk', 'officer', 'supervisor'], [P], 'hostile-all');
      for (const [action, body] of commands) {
        for (const occurredAt of ['1900-01-01T08:00:00+07:00', '1969-01-01T08:00:00Z', '2999-01-01T08:00:00+07:00']) {
          const r = await w.h.request('POST', `/dossiers/${d.id}/${action}`, { token: all, body: { ...body, occurredAt } });
          expectProblem(r, 422);
          expect(r.body.detail).toMatch(/occurredAt|time of the action/);
        }
      }
      // the defect: a re-appointment in 2999 was accepted and stopped every deadline alert
      for (const newDueAt of ['2999-01-01T08:00:00+07:00', '2100-01-01T08:00:00+07:00', '2099-12-31T12:00:00Z']) {
        const r = await w.h.request('POST', `/dossiers/${d.id}/apologise`, { token: supervisor, body: { reason: 'Chậm', newDueAt } });
        expectProblem(r, 422);
        expect(r.body.detail).toMatch(new RegExp(`newDueAt .*${RANGE.from} to ${RANGE.to}`));
        expect(r.body.errors).toEqual([expect.objectContaining({ field: 'newDueAt' })]);
      }
      expect(await streamLength(stream)).toBe(before);
      const fine = await w.h.request('POST', `/dossiers/${d.id}/apologise`, {
        token: supervisor,
        body: { reason: 'Chậm', newDueAt: '2099-12-01T08:00:00+07:00' },
      });
      expect(fine.status).toBe(200);
    });

    it('query dates (asOf, dueBefore, statistics from/to/asRecordedAt, audit export, anchors, tracking book): 422 naming the field', async () => {
      const d = await w.receive(A1);
      const urls: [string, string][] = [
        [`/dossiers/${d.id}?asOf=2999-01-01T00:00:00Z`, 'asOf'],
        [`/dossiers/${d.id}?asOf=1900-01-01T00:00:00Z`, 'asOf'],
        ['/dossiers?dueBefore=2999-01-01T00:00:00Z', 'dueBefore'],
        ['/dossiers?dueBefore=1900-12-31T00:00:00Z', 'dueBefore'],
        [`/statistics?unitCode=${A1}&from=1900-01-01&to=2025-01-31`, 'from'],
        [`/statistics?unitCode=${A1}&from=2025-01-01&to=2999-12-31`, 'to'],
        [`/statistics?unitCode=${A1}&from=2025-01-01&to=2025-01-31&asRecordedAt=2100-01-01T00:00:00Z`, 'asRecordedAt'],
        [`/audit/export?unitCode=${A1}&from=1800-01-01&to=2025-01-01`, 'from'],
        ['/audit/anchors/2999-01-01', 'day'],
        [`/units/${A1}/tracking-book.pdf?year=2999`, 'year'],
        ['/calendar/2999', 'year'],
        ['/calendar/1900', 'year'],
      ];
      for (const [url, field] of urls) {
        const r = await w.h.request('GET', url, { token: await w.token(['clerk', 'officer', 'supervisor', 'auditor', 'admin'], [P], 'hostile-reader') });
        expect({ url, status: r.status }).toEqual({ url, status: 422 });
        expect(problemDefect(r)).toBeUndefined();
        expect(r.body.detail).toContain(field);
      }
    });

    it('unit dates (validFrom, validTo, effectiveFrom) and calendar days out of range: 422, the unit’s stream does not move', async () => {
      const before = await streamLength(`unit-${A1}`);
      for (const extra of [{ validFrom: '1800-01-01' }, { validTo: '2999-12-31' }, { effectiveFrom: '2100-01-01' }]) {
        const r = await w.h.request('PUT', `/units/${A1}`, { token: admin, body: { name: 'Phường A1', level: 'commune', parentCode: A, ...extra } });
        expectProblem(r, 422);
        expect(r.body.detail).toContain(Object.keys(extra)[0]);
      }
      expect(await streamLength(`unit-${A1}`)).toBe(before);
    });

    it('an import line dated 1900 or re-appointed in 2999 is a 422 line; the lines around it apply', async () => {
      const [ok1, bad1, bad2, ok2] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
      const line = (id: string, extra: Record<string, unknown> = {}) => JSON.stringify({ command: 'receive', dossierId: id, ...reception(extra) });
      const raw = [
        line(ok1),
        line(bad1, { occurredAt: '1900-01-01T08:00:00+07:00' }),
        line(bad2),
        JSON.stringify({ command: 'apologise', dossierId: bad2, reason: 'x', newDueAt: '2999-01-01T08:00:00+07:00' }),
        line(ok2),
      ].join('\n');
      const r = await w.h.request('POST', '/imports', { token: admin, raw, headers: { 'content-type': 'application/x-ndjson' } });
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ accepted: 3, rejected: 2 });
      expect(r.body.errors).toEqual([
        { line: 2, status: 422, detail: expect.stringContaining('occurredAt') },
        { line: 4, status: 422, detail: expect.stringContaining('newDueAt') },
      ]);
      expect(await streamLength(`dossier-${bad1}`)).toBe(0);
      expect(await streamLength(`dossier-${bad2}`)).toBe(1);
      expect(await streamLength(`dossier-${ok1}`)).toBe(1);
      expect(await streamLength(`dossier-${ok2}`)).toBe(1);
    });
  });

  describe('NUL characters and lone surrogates (item 4)', () => {
    it('in any body field: 400 naming the field, nothing written', async () => {
      const d = await w.receive(A1);
      const stream = `dossier-${d.id}`;
      const before = await streamLength(stream);
      const id = randomUUID();
      const cases: [string, string, unknown, string][] = [
        ['POST', '/dossiers', reception({ id, applicant: { name: 'Nguyễn\u0000Văn' } }), 'applicant.name'],
        ['POST', '/dossiers', reception({ id, applicant: { name: '\ud800x' } }), 'applicant.name'],
        ['POST', '/dossiers', reception({ id, applicant: { name: 'An', address: 'x\udc00' } }), 'applicant.address'],
        ['POST', `/dossiers/${d.id}/withdraw`, { reason: 'a\u0000b' }, 'reason'],
        ['POST', `/dossiers/${d.id}/assign`, { assignee: 'officer-1', department: 'P\ud83d' }, 'department'],
        ['POST', `/dossiers/${d.id}/apologise`, { reason: 'Chậm', newDueAt: '2030-01-01T08:00:00+07:00', letterNumber: '\u0000' }, 'letterNumber'],
        ['PUT', `/units/${A1}`, { name: 'Phường\u0000A1', level: 'commune', parentCode: A }, 'name'],
        ['PUT', `/procedures/${PROC}`, { name: 'Khai sinh\u0000', field: 'Hộ tịch', processingTime: { amount: 3, unit: 'working_day' } }, 'name'],
        ['PUT', `/procedures/${PROC}`, { name: 'Khai sinh', field: '\udfff', processingTime: { amount: 3, unit: 'working_day' } }, 'field'],
        ['PUT', `/units/${A1}/webhook`, { url: 'http://127.0.0.1:9/hook', secret: 'a-secret-of-some-length\u0000' }, 'secret'],
      ];
      const units = await streamLength(`unit-${A1}`);
      const procedures = await streamLength(`procedure-${PROC}`);
      for (const [method, url, body, field] of cases) {
        const token = method === 'PUT' ? admin : await w.token(['clerk', 'supervisor'], [P], 'hostile-writer');
        const r = await w.h.request(method, url, { token, body });
        expect({ url, field, status: r.status }).toEqual({ url, field, status: 400 });
        expect(problemDefect(r)).toBeUndefined();
        expect(r.body.errors).toEqual([expect.objectContaining({ field })]);
        expect(r.body.detail).toContain(field);
      }
      expect(await streamLength(stream)).toBe(before);
      expect(await streamLength(`dossier-${id}`)).toBe(0);
      expect(await streamLength(`unit-${A1}`)).toBe(units);
      expect(await streamLength(`procedure-${PROC}`)).toBe(procedures);
      // a well-formed astral character (a surrogate pair) is text like any other
      const emoji = await w.h.request('POST', '/dossiers', { token: clerk, body: reception({ applicant: { name: 'An 🇻🇳' } }) });
      expect(emoji.status).toBe(201);
    });

    it('in the query and the path: 400 naming the parameter', async () => {
      const token = await w.token(['clerk', 'supervisor', 'auditor'], [P], 'hostile-query');
      for (const [url, field] of [
        ['/dossiers?assignee=a%00b', 'assignee'],
        ['/dossiers?unitCode=%00', 'unitCode'],
        ['/alerts?dossierId=x%00', 'dossierId'],
        [`/units/${encodeURIComponent('A\u0000')}`, 'code'],
      ]) {
        const r = await w.h.request('GET', url, { token });
        expect({ url, status: r.status }).toEqual({ url, status: 400 });
        expect(problemDefect(r)).toBeUndefined();
        expect(r.body.detail).toContain(field);
      }
    });

    it('in /imports: that line alone is a 400 with its number, the valid lines before and after are applied', async () => {
      const ids = Array.from({ length: 5 }, () => randomUUID());
      const line = (id: string, name: string) => JSON.stringify({ command: 'receive', dossierId: id, ...reception({ applicant: { name } }) });
      const raw = [line(ids[0], 'Trước'), line(ids[1], 'Nguyễn\u0000Văn'), line(ids[2], 'Giữa'), line(ids[3], '\ud800x'), line(ids[4], 'Sau')].join('\n');
      const r = await w.h.request('POST', '/imports', { token: admin, raw, headers: { 'content-type': 'application/x-ndjson' } });
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ accepted: 3, rejected: 2 });
      expect(r.body.errors).toEqual([
        { line: 2, status: 400, detail: expect.stringContaining('applicant.name') },
        { line: 4, status: 400, detail: expect.stringContaining('applicant.name') },
      ]);
      expect(await Promise.all(ids.map((id) => streamLength(`dossier-${id}`)))).toEqual([1, 0, 1, 0, 1]);
    });
  });

  describe('refused reference data is not written (item 5)', () => {
    it('PUT /calendar/{2999, 1800, 2100, 1900, 0}: 422 and no WorkingCalendarSet event, each time', async () => {
      for (const year of [2999, 1800, 2100, 1900, 0]) {
        for (let attempt = 0; attempt < 2; attempt++) {
          const r = await w.h.request('PUT', `/calendar/${year}`, { token: admin, body: { holidays: [], workingDays: [] } });
          expectProblem(r, 422);
          expect(r.body.detail).toMatch(/1901–2099/);
          expect(await streamLength(`calendar-${year}`)).toBe(0);
        }
      }
      // a calendar that breaks a rule (a weekday as a make-up working day) is refused before writing too
      const bad = await w.h.request('PUT', '/calendar/2031', { token: admin, body: { holidays: ['2031-01-01'], workingDays: ['2031-01-06'] } });
      expectProblem(bad, 422);
      expect(await streamLength('calendar-2031')).toBe(0);
    });

    it('a refused unit or procedure leaves its stream as it was', async () => {
      const units = await streamLength(`unit-${A1}`);
      const procedures = await streamLength(`procedure-${PROC}`);
      const refused: [string, unknown][] = [
        [`/units/${A1}`, { name: 'Phường A1', level: 'commune', parentCode: A, timeZone: 'Mars/Olympus_Mons' }],
        [`/units/${A1}`, { name: 'Phường A1', level: 'commune', parentCode: A, officeHours: { sessions: [{ start: '11:00', end: '08:00' }] } }],
        [`/units/${A1}`, { name: 'Phường A1', level: 'commune', parentCode: A, validFrom: '2025-01-01', validTo: '2024-01-01' }],
        [`/units/${A1}`, { name: 'Phường A1', level: 'commune', parentCode: 'NO.SUCH' }],
        [`/procedures/${PROC}`, { name: 'Khai sinh', field: 'Hộ tịch', processingTime: { amount: 1.5, unit: 'working_day' } }],
      ];
      for (const [url, body] of refused) {
        const r = await w.h.request('PUT', url, { token: admin, body });
        expect(r.status).toBeGreaterThanOrEqual(400);
        expect(r.status).toBeLessThan(500);
        expect(problemDefect(r)).toBeUndefined();
      }
      expect(await streamLength(`unit-${A1}`)).toBe(units);
      expect(await streamLength(`procedure-${PROC}`)).toBe(procedures);
    });
  });

  describe('malformed cursors (item 7)', () => {
    const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v), 'utf8').toString('base64url');
    const forged = [
      b64(['a', "x' or 1=1", 'y']),
      b64(["x' or 1=1", 'y']),
      b64(['d', "x' or 1=1", 'y']),
      b64(['a', '2025-01-01T00:00:00.000Z', "x' or 1=1"]),
      b64(['d', '2025-01-01T00:00:00.000Z', '00000000-0000-0000-0000-00000000000\u0000']),
      b64(['a', '0000-01-01T00:00:00.000Z', `${randomUUID()}.overdue.1`]),
      b64(['d', '+275760-09-13T00:00:00.000Z', randomUUID()]),
      b64(['d', '2025-02-30T00:00:00.000Z', randomUUID()]),
      b64(['d', 'Tue, 01 Apr 2025 00:00:00 GMT', randomUUID()]),
      b64(['d', 12, randomUUID()]),
      b64({ a: 1 }),
      b64('not json'),
      b64('["a"'),
      '!!!',
      'a'.repeat(999),
    ];

    it.each([['/alerts'], ['/dossiers']])('GET %s with a forged cursor: 400 problem+json naming the cursor', async (route) => {
      const token = await w.token(['clerk', 'supervisor'], [P], 'hostile-lister');
      for (const cursor of forged) {
        const r = await w.h.request('GET', `${route}?cursor=${encodeURIComponent(cursor)}`, { token });
        expect({ cursor, status: r.status }).toEqual({ cursor, status: 400 });
        expect(problemDefect(r)).toBeUndefined();
        expect(r.body.errors).toEqual([expect.objectContaining({ field: 'cursor' })]);
      }
    });

    it('the cursors the routes hand out still page through the lists', async () => {
      const token = await w.token(['clerk', 'supervisor'], [P], 'hostile-pager');
      await Promise.all([w.receive(A1), w.receive(A1), w.receive(A1)]);
      const first = await Promise.all([w.receive(A1), w.receive(A1)]);
      await w.raiseAlert(first[0].id);
      await w.raiseAlert(first[1].id);
      await w.catchUp();
      for (const route of ['/dossiers', '/alerts']) {
        const seen: string[] = [];
        let cursor: string | null = null;
        do {
          const r: { status: number; body: any } = await w.h.request('GET', `${route}?limit=1${cursor ? `&cursor=${cursor}` : ''}`, { token });
          expect(r.status).toBe(200);
          seen.push(...r.body.items.map((i: { id: string }) => i.id));
          cursor = r.body.nextCursor;
        } while (cursor && seen.length < 500);
        expect(seen.length).toBeGreaterThanOrEqual(2);
        expect(new Set(seen).size).toBe(seen.length);
      }
    });
  });
});
