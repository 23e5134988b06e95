/**
 * Hardening item 1: input fuzzing of every route of the OpenAPI document (plus the raw fastify
 * routes: Swagger UI, bull-board), with fast-check generating malformed and hostile requests
 * under valid and invalid tokens. Reproducible: the seed is fixed (FUZZ_SEED to change it, FUZZ_RUNS
 * for the number of requests) and printed.
 *
 * Pass criteria: no 5xx; every 4xx is application/problem+json with status, title and detail; a bad
 * token is 401 on every protected route; the event log holds exactly the events of the requests
 * that succeeded (each request carries its own correlation id, which every event records);
 * Object.prototype is not polluted.
 */
import * as fc from 'fast-check';
import { RecordedEvent } from '@motcua/event-store';
import { A, A1, allEvents, B1, P, PROC, problemDefect, startWorld, UNITS, World } from './support/world';
import { badAuthorizations } from './support/tokens';

const SEED = Number(process.env.FUZZ_SEED ?? 20250425);
const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
const MB = 1024 * 1024;

interface Op {
  method: string;
  /** path template below /api/v1, e.g. /dossiers/{id}/assign */
  path: string;
}
interface FuzzRequest {
  op: Op;
  url: string;
  auth: { kind: 'valid' | 'bad' | 'none' | 'odd'; name: string };
  headers: Record<string, string>;
  payload?: string;
}

// ---------- hostile values ----------
const BIG = 'Nguyễn Thị Hồng Nhung, phường Bến Nghé, quận Một — hồ sơ đăng ký khai sinh. '.repeat(Math.ceil(MB / 80)).slice(0, MB);
const NASTY = [
  '', ' ', '\u0000', 'a\u0000b', '\uD800', 'x\uDC00y', '\uDBFF\uDFFF', '\u202Eabc\u202C', '\u200F\u200E\u061C', 'e\u0301\u0302\u0303\u0304\u0305', 'Z\u0351\u0360\u0361\u0489',
  '🇻🇳👨‍👩‍👧‍👦🏳️‍⚧️', '\uFEFF', '\r\n\t', "' OR '1'='1", "'; DROP TABLE events; --", '1; SELECT pg_sleep(10)--', "$$; DELETE FROM dossier_summary; $$", '\\x00',
  '$1', '%s%n%x', '${7*7}', '{{7*7}}', '<script>alert(1)</script>', '../../../../etc/passwd', '..\\..\\windows\\win.ini', '__proto__', 'constructor', 'prototype',
  'null', 'undefined', 'NaN', '-0', '1e400', 'true', '0x1F', 'Ỵ'.repeat(5000), 'Nguyễn Văn An '.repeat(3000), 'dossier-00000000-0000-0000-0000-000000000000',
];
const BAD_INSTANTS = [
  '2025-02-30T10:00:00+07:00', '2025-13-01T10:00:00+07:00', '2025-04-25T24:00:00+07:00', '2025-04-25T10:60:00Z', '2025-04-25T10:00:00', '2025-04-25', '2025-04-25T10:00:00+25:00',
  '2025-04-25T10:00:00[Asia/Ho_Chi_Minh]', '2025-04-25T10:00:00 Asia/Saigon', '+275760-09-13T00:00:00Z', '0000-01-01T00:00:00Z', '9999-12-31T23:59:59.999999999Z', '1970-01-01T00:00:00Z',
  '2099-01-01T00:00:00+07:00', '1900-01-01T00:00:00+07:00', 'yesterday', '1714000000', '２０２５-04-25T10:00:00Z', '2025-04-25T10:00:00.1234567890Z', '2025-04-25T10:00:00-00:00',
];
const BAD_DATES = ['2025-02-29', '2024-02-30', '2025-00-10', '20250425', '2025-4-5', '99999-01-01', '0000-00-00', '2025-04-25T00:00:00Z', '2025/04/25', ''];
const ZONES = ['Asia/Ho_Chi_Minh', 'Mars/Olympus_Mons', 'UTC', '+07:00', 'Etc/GMT-14', '../../etc/localtime', 'Asia/Saigon\u0000', ''];

const charAny = fc.integer({ min: 0, max: 0xffff }).map((n) => String.fromCharCode(n));
const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...NASTY) },
  { weight: 3, arbitrary: fc.string({ unit: charAny, maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.constantFrom(...BAD_INSTANTS, ...BAD_DATES, ...ZONES) },
);
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 24, arbitrary: hostileString },
  { weight: 1, arbitrary: fc.constant(BIG) }, // 1 MB of Vietnamese text (just under the body limit with little else)
  { weight: 4, arbitrary: fc.oneof(fc.integer(), fc.double(), fc.constantFrom(-1, 0, 2 ** 53, 1e308, -0.5)) },
  { weight: 4, arbitrary: fc.constantFrom(null, true, false, [], {}, [null], { $ne: null }, { toString: 'x' }, ['a', 1]) },
  { weight: 4, arbitrary: fc.array(hostileString, { maxLength: 3 }) },
);

// ---------- valid templates per route (mutated by the generator) ----------
function template(op: Op, pool: Pool): Record<string, unknown> | undefined {
  const p = `${op.method} ${op.path}`;
  const base: Record<string, Record<string, unknown>> = {
    'post /dossiers': { unitCode: A1, procedureCode: PROC, channel: 'direct', applicant: { name: 'Nguyễn Văn An', idNumber: '079203001234', phone: '0901234567', email: 'an@example.vn', address: '12 Lê Lợi' } },
    'post /dossiers/{id}/assign': { assignee: 'officer-1', assigneeName: 'Trần B', department: 'Phòng Tư pháp' },
    'post /dossiers/{id}/request-supplement': { reason: 'Thiếu bản sao' },
    'post /dossiers/{id}/receive-supplement': {},
    'post /dossiers/{id}/apologise': { reason: 'Chậm', newDueAt: '2099-05-06T17:00:00+07:00', letterNumber: '15/PXL' },
    'post /dossiers/{id}/resolve': { outcome: 'approved', note: 'OK' },
    'post /dossiers/{id}/withdraw': { reason: 'Công dân rút' },
    'post /dossiers/{id}/rate': { rating: 'satisfied' },
    'put /units/{code}': { name: 'Phường Thử', level: 'commune', parentCode: A, timeZone: 'Asia/Ho_Chi_Minh', officeHours: { sessions: [{ start: '07:30', end: '11:30' }] }, validFrom: '2020-01-01' },
    'put /procedures/{code}': { name: 'Thủ tục', field: 'Hộ tịch', processingTime: { amount: 3, unit: 'working_day' }, onlineLevel: 'full' },
    'put /calendar/{year}': { holidays: ['2031-01-01'], workingDays: [] },
    'put /units/{code}/webhook': { url: 'http://127.0.0.1:9/hook', secret: 'a-webhook-secret-of-some-length' },
  };
  const b = base[p];
  if (!b) return op.method === 'post' || op.method === 'put' ? {} : undefined;
  return { ...b };
}

interface Pool {
  dossiers: string[];
  alerts: string[];
  now: string;
}

function pathValue(param: string, pool: Pool): fc.Arbitrary<string> {
  const valid: Record<string, string[]> = {
    id: [...pool.dossiers, ...pool.alerts],
    code: [...UNITS, PROC],
    year: ['2025', '2031'],
    day: ['2024-01-02'],
    name: ['no-such-projection'],
  };
  const junk = [
    'not-a-uuid', '00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff', '..', '%2e%2e%2f%2e%2e%2fetc%2fpasswd', '..%2F..%2Fadmin', '%00', '%ZZ', '%E0%A4%A',
    '%C0%AE%C0%AE%2F', '%F0%9F%98%80', '-1', '1e3', '2025.5', '99999999999999999999', '0x7e9', ' 2025', '%20', '__proto__', 'constructor', "1'%20OR%20'1'='1", 'a'.repeat(5000),
    '2024-02-30', '2999-01-01', 'dossier-summary%00', 'x;rm%20-rf', '%u0041', 'Nguy%E1%BB%85n',
  ];
  const enc = (s: string) => {
    try {
      return encodeURIComponent(s);
    } catch {
      return '%ED%A0%80'; // a lone surrogate in WTF-8
    }
  };
  return fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...(valid[param] ?? ['x'])) },
    { weight: 3, arbitrary: fc.constantFrom(...junk) },
    { weight: 2, arbitrary: hostileString.filter((s) => s.length < 3000).map(enc) },
    { weight: 1, arbitrary: fc.uuid().map(String) },
  );
}

const QUERY_NAMES = ['unitCode', 'from', 'to', 'groupBy', 'asRecordedAt', 'format', 'status', 'overdue', 'dueBefore', 'assignee', 'cursor', 'limit', 'state', 'kind', 'dossierId', 'asOf', 'by', 'year', 'stream', 'access_token', 'lastEventId'];
function queryString(pool: Pool): fc.Arbitrary<string> {
  const value = fc.oneof(
    fc.constantFrom(A1, A, P, B1, '2025-03-01', '2025-03-31', 'unit', 'field', 'csv', 'received,assigned', 'true', '50', 'open', 'overdue', 'recorded', pool.now, '2025', pool.dossiers[0]),
    fc.constantFrom(...BAD_INSTANTS, ...BAD_DATES, '0', '201', '-1', '1.5', 'NaN', 'eyJhbGciOiJub25lIn0', 'received,,', 'RECEIVED'),
    hostileString.filter((s) => s.length < 3000),
  );
  const pair = fc.tuple(fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...QUERY_NAMES) }, { weight: 1, arbitrary: fc.constantFrom('__proto__[polluted]', 'constructor[prototype][polluted]', 'unitCode[]', 'limit[$gt]', 'x') }), value);
  return fc.array(pair, { maxLength: 5 }).map((pairs) => {
    const enc = (s: string) => {
      try {
        return encodeURIComponent(s);
      } catch {
        return '%ED%A0%80';
      }
    };
    return pairs.length ? '?' + pairs.map(([k, v]) => `${k.includes('[') ? k : enc(k)}=${enc(v)}`).join('&') : '';
  });
}

/** Mutates a valid body: wrong types, missing and extra fields, hostile strings, bad dates. */
function mutatedBody(t: Record<string, unknown>): fc.Arbitrary<string> {
  const keys = Object.keys(t);
  const field = keys.length ? fc.constantFrom(...keys, 'applicant.name', 'applicant.idNumber', 'processingTime.amount', 'officeHours.sessions') : fc.constant('x');
  const mutation = fc.oneof(
    fc.record({ kind: fc.constant('set' as const), field, value: hostileValue }),
    fc.record({ kind: fc.constant('date' as const), field: fc.constantFrom('occurredAt', 'newDueAt', 'validFrom', 'validTo', 'effectiveFrom'), value: fc.constantFrom<unknown>(...BAD_INSTANTS, ...BAD_DATES) }),
    fc.record({ kind: fc.constant('drop' as const), field, value: fc.constant(undefined) }),
    fc.record({ kind: fc.constant('extra' as const), field: fc.constantFrom('isAdmin', 'version', 'id', 'unit_code', 'recordedAt', '$where', 'expectedVersion'), value: hostileValue }),
  );
  return fc.array(mutation, { minLength: 1, maxLength: 4 }).map((ms) => {
    const body = JSON.parse(JSON.stringify(t)) as Record<string, any>;
    for (const m of ms) {
      const [head, tail] = m.field.split('.');
      const target = tail ? (body[head] && typeof body[head] === 'object' ? body[head] : (body[head] = {})) : body;
      const key = tail ?? head;
      if (m.kind === 'drop') delete target[key];
      else target[key] = m.value;
    }
    return JSON.stringify(body);
  });
}

function rawBodies(t: Record<string, unknown> | undefined): string[] {
  const json = JSON.stringify(t ?? {});
  const inner = json.slice(1, -1);
  return [
    '{', '{"a":', '[1,2', '}', 'null', '"text"', '123', 'true', '[]', `${json}garbage`, `\uFEFF${json}`, `${json}${json}`,
    `{"__proto__":{"polluted":"yes"}${inner ? ',' + inner : ''}}`,
    `{"constructor":{"prototype":{"polluted":"yes"}}${inner ? ',' + inner : ''}}`,
    `{${inner}${inner ? ',' : ''}"applicant":{"__proto__":{"polluted":"yes"},"name":"x"}}`,
    `{"processingTime":{"__proto__":{"amount":1,"polluted":"yes"}},"name":"x","field":"y"}`,
    `{${inner}${inner ? ',' : ''}"__proto__":{"isAdmin":true,"roles":["admin"]}}`,
    '{"a":1,"a":2}', `{${inner}${inner ? ',' : ''}"occurredAt":"2025-04-25T10:00:00+07:00","occurredAt":"2099-01-01T00:00:00Z"}`,
    '['.repeat(20_000) + ']'.repeat(20_000),
    '{"applicant":' + '{"a":'.repeat(5_000) + '1' + '}'.repeat(5_000) + '}',
    `{"reason":"${'\\ud800'.repeat(100)}","note":"\\u0000"}`,
    JSON.stringify({ reason: 'x'.repeat(MB + 10) }), // over the 1 MB body limit
  ];
}

function ndjsonBody(pool: Pool): fc.Arbitrary<string> {
  const line = fc.oneof(
    fc.constantFrom(
      '{', 'null', '[]', '"receive"', '{"command":"explode"}', '{"command":"receive"}', '{"command":"resolve","dossierId":"not-a-uuid","outcome":"approved"}',
      `{"command":"receive","dossierId":"${pool.dossiers[0]}","__proto__":{"polluted":"yes"},"unitCode":"${A1}","procedureCode":"${PROC}","channel":"direct","applicant":{"name":"x"}}`,
      `{"command":"assign","dossierId":"${pool.dossiers[0]}","assignee":"o","constructor":{"prototype":{"polluted":"yes"}}}`,
      `{"command":"rate","dossierId":"${pool.dossiers[1]}","rating":"satisfied","occurredAt":"2099-01-01T00:00:00Z"}`,
      '\u0000\u0000', '\r', ' '.repeat(1000), 'x'.repeat(100_000),
    ),
    fc.record({
      command: fc.constantFrom('receive', 'assign', 'request-supplement', 'receive-supplement', 'apologise', 'resolve', 'withdraw', 'rate', 'RECEIVE', ''),
      dossierId: fc.oneof(fc.constantFrom(...pool.dossiers), fc.uuid().map(String), hostileString.filter((s) => s.length < 100)),
      extra: fc.oneof(fc.constant({}), fc.record({ outcome: hostileValue }), fc.record({ unitCode: fc.constantFrom(A1, B1, 'nope'), procedureCode: fc.constant(PROC), channel: fc.constantFrom('direct', 'fax'), applicant: fc.oneof(fc.constant({ name: 'Lê Văn C' }), hostileValue) }), fc.record({ occurredAt: fc.constantFrom<unknown>(...BAD_INSTANTS) })),
    }).map(({ command, dossierId, extra }) => JSON.stringify({ command, dossierId, ...(extra as object) })),
  );
  return fc.array(line, { minLength: 1, maxLength: 6 }).chain((lines) => fc.constantFrom('\n', '\r\n', '\n\n').map((sep) => lines.join(sep)));
}

const CONTENT_TYPES = ['application/json', 'application/json; charset=utf-8', 'application/json; charset=utf-16', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/x-ndjson', 'application/xml', 'application/json, text/plain', 'application/vnd.api+json'];

function requestArb(ops: Op[], pool: Pool, auth: { valid: string[]; bad: string[]; odd: string[] }): fc.Arbitrary<FuzzRequest> {
  const authArb = fc.oneof(
    { weight: 12, arbitrary: fc.constantFrom(...auth.valid).map((name) => ({ kind: 'valid' as const, name })) },
    { weight: 5, arbitrary: fc.constantFrom(...auth.bad).map((name) => ({ kind: 'bad' as const, name })) },
    { weight: 2, arbitrary: fc.constantFrom(...auth.odd).map((name) => ({ kind: 'odd' as const, name })) },
    { weight: 1, arbitrary: fc.constant({ kind: 'none' as const, name: 'none' }) },
  );
  // rendering a PDF costs ~100 ms whatever the input: those routes are drawn a third as often
  const opArb = fc.oneof(...ops.map((op) => ({ weight: op.path.endsWith('.pdf') ? 1 : 3, arbitrary: fc.constant(op) })));
  return opArb.chain((op) => {
    const params = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
    const t = template(op, pool);
    const hasBody = op.method === 'post' || op.method === 'put';
    const isImport = op.path === '/imports';
    const body: fc.Arbitrary<{ payload?: string; type?: string }> = !hasBody
      ? fc.oneof({ weight: 9, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: fc.constant({ payload: '{"a":1}', type: 'application/json' }) })
      : isImport
        ? fc.oneof(
            { weight: 8, arbitrary: ndjsonBody(pool).map((payload) => ({ payload, type: 'application/x-ndjson' })) },
            { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...rawBodies(undefined)), fc.constantFrom(...CONTENT_TYPES, undefined)).map(([payload, type]) => ({ payload, type })) },
          )
        : fc.oneof(
            { weight: 5, arbitrary: fc.constant({ payload: JSON.stringify(t), type: 'application/json' }) },
            { weight: 10, arbitrary: mutatedBody(t ?? {}).map((payload) => ({ payload, type: 'application/json' })) },
            { weight: 4, arbitrary: fc.constantFrom(...rawBodies(t)).map((payload) => ({ payload, type: 'application/json' })) },
            { weight: 2, arbitrary: hostileValue.map((v) => ({ payload: JSON.stringify(v) ?? 'undefined', type: 'application/json' })) },
            { weight: 2, arbitrary: fc.tuple(fc.constant(JSON.stringify(t)), fc.constantFrom(...CONTENT_TYPES, undefined)).map(([payload, type]) => ({ payload, type })) },
            { weight: 1, arbitrary: fc.constant({}) },
          );
    const extraHeaders = fc.record(
      {
        'if-match': fc.constantFrom('"1"', 'W/"2"', '"abc"', '*', '"99999999999"', '"-1"', '"1", "2"'),
        'idempotency-key': fc.oneof(fc.constantFrom('k1', 'k2', '', ' ', 'x'.repeat(5000)), fc.uuid().map(String)),
        accept: fc.constantFrom('text/csv', 'application/xml', '*/*', 'application/pdf', 'text/event-stream'),
        'last-event-id': fc.constantFrom('x', '../', pool.alerts[0] ?? 'a'),
        'x-first-line': fc.constantFrom('0', '-5', '99999999999', 'abc'),
      },
      { requiredKeys: [] },
    );
    return fc.record({
      params: fc.tuple(...params.map((p) => pathValue(p, pool))),
      query: fc.oneof({ weight: 1, arbitrary: fc.constant('') }, { weight: 2, arbitrary: queryString(pool) }),
      body,
      auth: authArb,
      headers: fc.oneof({ weight: 3, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: extraHeaders }),
    }).map(({ params: values, query, body: b, auth: a, headers }) => {
      let i = 0;
      const url = op.path.replace(/\{\w+\}/g, () => values[i++] as string) + query;
      const h: Record<string, string> = { ...(headers as Record<string, string>) };
      if (b.type) h['content-type'] = b.type;
      return { op, url, auth: a, headers: h, payload: b.payload };
    });
  });
}

describe('input fuzzing of every route', () => {
  let w: World;
  let pool: Pool;
  let ops: Op[];
  const authHeaders: Record<string, string> = {};
  const auth = { valid: [] as string[], bad: [] as string[], odd: [] as string[] };
  const protoKeys = Object.getOwnPropertyNames(Object.prototype).sort();

  beforeAll(async () => {
    w = await startWorld('fuzz');
    const d = await Promise.all([w.receive(A1), w.receive(A1), w.receive(A), w.receive(B1)]);
    await w.command(d[1].id, 'resolve', { outcome: 'approved' });
    const alert = await w.raiseAlert(d[0].id);
    await w.catchUp();
    pool = { dossiers: d.map((x) => x.id), alerts: [alert], now: new Date(Date.now() - 1000).toISOString() };
    const valid: Record<string, [string[], string[]]> = {
      admin: [['admin'], [P]],
      'clerk A1': [['clerk'], [A1]],
      'officer A1': [['officer'], [A1]],
      'supervisor A': [['supervisor'], [A]],
      'auditor P': [['auditor'], [P]],
      'clerk B1': [['clerk'], [B1]],
      'everything P': [['clerk', 'officer', 'supervisor', 'auditor', 'admin'], [P]],
    };
    for (const [name, [roles, units]] of Object.entries(valid)) {
      authHeaders[name] = `Bearer ${await w.token(roles, units, `fuzz-${name.replace(/\W/g, '-')}`)}`;
      auth.valid.push(name);
    }
    const odd: Record<string, [string[], string[], string]> = {
      'no roles': [[], [P], 'fuzz-noroles'],
      'no units': [['admin', 'supervisor'], [], 'fuzz-nounits'],
      'unknown unit': [['supervisor'], ['NO.SUCH.UNIT'], 'fuzz-unknown-unit'],
      'system sub': [['supervisor', 'admin'], [B1], 'system:timers'],
      'hostile sub': [['clerk'], [A1], "'; DROP TABLE events; --\u202E"],
    };
    for (const [name, [roles, units, sub]] of Object.entries(odd)) {
      authHeaders[name] = `Bearer ${await w.token(roles, units, sub)}`;
      auth.odd.push(name);
    }
    authHeaders['lowercase bearer'] = authHeaders.admin.replace('Bearer', 'bearer');
    auth.odd.push('lowercase bearer');
    for (const [name, value] of Object.entries(await badAuthorizations())) {
      authHeaders[name] = value;
      auth.bad.push(name);
    }
    const doc = (await w.h.request('GET', '/docs/openapi.json')).body;
    ops = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([p, o]) =>
      Object.keys(o)
        .filter((m) => ['get', 'post', 'put', 'delete', 'patch'].includes(m))
        .map((method) => ({ method, path: p.replace(/^\/api\/v1/, '') })),
    );
    // raw fastify routes the document does not describe, and methods no route has
    ops.push({ method: 'get', path: '/docs' }, { method: 'get', path: '/docs/openapi.json' }, { method: 'get', path: '/admin/queues' }, { method: 'get', path: '/admin/queues/api/queues' });
    ops.push({ method: 'delete', path: '/dossiers/{id}' }, { method: 'patch', path: '/units/{code}' }, { method: 'options', path: '/dossiers' }, { method: 'get', path: '/no/such/route/{id}' });
  }, 120_000);

  afterAll(async () => w?.close());

  it(`sends ${RUNS} generated requests: no 5xx, problem+json 4xx, 401 for bad tokens, the log holds exactly the successful writes`, async () => {
    // eslint-disable-next-line no-console
    console.log(`fuzz: seed ${SEED}, ${RUNS} requests over ${ops.length} operations (FUZZ_SEED=${SEED} to reproduce)`);
    const started = Date.now();
    const before = await allEvents(w.h);
    const samples = fc.sample(requestArb(ops, pool, auth), { seed: SEED, numRuns: RUNS });
    const base = await w.listen();
    const failures: string[] = [];
    const outcomes = new Map<string, { status: number; req: FuzzRequest; body: any }>();
    const statusCounts: Record<string, number> = {};
    const perOp = new Map<string, number>();
    const opTime = new Map<string, number>();
    let unsendable = 0;
    const isPublic = (op: Op) => /^\/(health|docs)(\/|$)/.test(op.path);

    for (let n = 0; n < samples.length; n++) {
      const r = samples[n];
      const cid = `fuzz-${SEED}-${n}`;
      const headers: Record<string, string> = { ...r.headers, 'x-correlation-id': cid };
      if (r.auth.kind !== 'none') headers.authorization = authHeaders[r.auth.name];
      const t0 = Date.now();
      let status: number;
      let resHeaders: Record<string, unknown>;
      let text: string;
      try {
        if (r.op.path === '/alerts/stream' && r.op.method === 'get') {
          // SSE never ends: real HTTP, headers only, then abort
          const abort = new AbortController();
          const timer = setTimeout(() => abort.abort(), 5_000);
          const res = await fetch(base + r.url, { headers, signal: abort.signal });
          status = res.status;
          resHeaders = Object.fromEntries(res.headers.entries());
          text = status === 200 ? '' : await res.text();
          abort.abort();
          clearTimeout(timer);
        } else {
          const res = await w.h.app.inject({ method: r.op.method.toUpperCase() as never, url: `/api/v1${r.url}`, headers, payload: r.payload });
          status = res.statusCode;
          resHeaders = res.headers as Record<string, unknown>;
          text = res.body;
        }
      } catch (err) {
        // the client refused to send it (e.g. a header with characters HTTP forbids): nothing reached the server
        if (/Invalid character|invalid header|ERR_INVALID_CHAR|Headers\.append|ByteString|fetch failed|ERR_INVALID_URL|Invalid URL/i.test(String((err as Error).message) + String((err as { cause?: Error }).cause?.message))) {
          unsendable++;
          continue;
        }
        throw err;
      }
      let body: any;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = undefined;
      }
      statusCounts[status] = (statusCounts[status] ?? 0) + 1;
      perOp.set(`${r.op.method} ${r.op.path}`, (perOp.get(`${r.op.method} ${r.op.path}`) ?? 0) + 1);
      opTime.set(`${r.op.method} ${r.op.path}`, (opTime.get(`${r.op.method} ${r.op.path}`) ?? 0) + Date.now() - t0);
      outcomes.set(cid, { status, req: r, body });
      const what = () => `#${n} ${r.op.method.toUpperCase()} ${r.url.slice(0, 160)} [${r.auth.kind}: ${r.auth.name}] body ${String(r.payload ?? '').slice(0, 160)} → ${status} ${text.slice(0, 300)}`;
      if (status >= 500) failures.push(`5xx: ${what()}`);
      const defect = problemDefect({ status, headers: resHeaders, body });
      if (defect) failures.push(`not a problem (${defect}): ${what()}`);
      // a bad token is 401 — unless the request was refused before authentication (no route, a body
      // or URL fastify cannot parse, query validation of the SSE route): never an answer that needs a
      // caller (2xx, 403 role/unit, 409/422 rules)
      if (r.auth.kind === 'bad' && !isPublic(r.op) && ![400, 401, 404, 405, 413, 414, 415, 431].includes(status)) failures.push(`bad token not refused: ${what()}`);
      if (r.auth.kind === 'bad' && !isPublic(r.op) && status === 400 && !/valid JSON|not valid|URL|nested|accepted field|body is empty|must be/i.test(text)) failures.push(`bad token answered 400 after authentication?: ${what()}`);
      if ((Object.prototype as any).polluted !== undefined || ({} as any).polluted !== undefined || ({} as any).isAdmin !== undefined) {
        failures.push(`Object.prototype polluted after: ${what()}`);
        delete (Object.prototype as any).polluted;
        delete (Object.prototype as any).isAdmin;
      }
      if (failures.length > 50) break;
    }

    // ---- the event log: exactly the events of the requests that succeeded ----
    const after = await allEvents(w.h);
    const seen = new Set(before.map((e) => e.id));
    const fresh = after.filter((e) => !seen.has(e.id));
    const byCid = new Map<string, RecordedEvent[]>();
    let anchors = 0;
    for (const e of fresh) {
      if (e.type === 'LogAnchored') {
        anchors++;
        continue;
      }
      const list = byCid.get(e.metadata.correlationId) ?? [];
      list.push(e);
      byCid.set(e.metadata.correlationId, list);
    }
    const anchorCalls = [...outcomes.values()].filter((o) => o.req.op.method === 'post' && o.req.op.path === '/audit/anchors/{day}' && o.status === 200).length;
    if (anchors > anchorCalls) failures.push(`${anchors} anchors appended, ${anchorCalls} successful anchor requests`);
    for (const [cid, events] of byCid) {
      const o = outcomes.get(cid);
      if (!o) {
        failures.push(`${events.length} events of unknown correlation id ${cid}: ${events.map((e) => e.type).join(', ')}`);
        continue;
      }
      const where = `${o.req.op.method.toUpperCase()} ${o.req.url.slice(0, 120)} → ${o.status}`;
      if (o.status < 200 || o.status >= 300) {
        failures.push(`a failed request wrote ${events.length} events (${events.map((e) => `${e.stream}:${e.type}`).join(', ')}): ${where}`);
        continue;
      }
      const dossierEvents = events.filter((e) => e.stream.startsWith('dossier-'));
      const allocations = events.filter((e) => e.type === 'DossierCodeAllocated').length;
      const receptions = events.filter((e) => e.type === 'DossierReceived').length;
      if (allocations !== receptions) failures.push(`${allocations} codes allocated for ${receptions} receptions: ${where}`);
      if (o.req.op.path.startsWith('/dossiers') && dossierEvents.length > 0) {
        const streams = new Set(dossierEvents.map((e) => e.stream));
        const last = dossierEvents[dossierEvents.length - 1];
        if (streams.size !== 1 || last.stream !== `dossier-${o.body?.id}` || Number(last.revision) + 1 !== o.body?.version) {
          failures.push(`events ${dossierEvents.map((e) => `${e.stream}@${e.revision}`).join(', ')} do not match the answer ${JSON.stringify(o.body).slice(0, 200)}: ${where}`);
        }
      }
      if (o.req.op.path === '/imports') {
        const touched = new Set(dossierEvents.map((e) => e.stream)).size;
        if (touched > (o.body?.accepted ?? 0)) failures.push(`import wrote to ${touched} dossiers but accepted ${o.body?.accepted} lines: ${where}`);
      }
    }
    // every 2xx dossier command with a version in its answer: the stream really is at least there
    for (const o of outcomes.values()) {
      if (o.status === 201 && o.req.op.path === '/dossiers' && o.req.op.method === 'post') {
        const s = await w.h.store.readStream(`dossier-${o.body.id}`);
        if (s.length === 0) failures.push(`201 for a reception that is not in the store: ${o.req.url}`);
      }
    }

    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(protoKeys);
    expect(({} as any).polluted).toBeUndefined();
    const ms = Date.now() - started;
    const ok = Object.entries(statusCounts).filter(([s]) => Number(s) < 300).reduce((a, [, c]) => a + c, 0);
    // eslint-disable-next-line no-console
    console.log(
      `fuzz: ${samples.length} requests (${unsendable} refused by the HTTP client) in ${(ms / 1000).toFixed(1)} s; statuses ${JSON.stringify(statusCounts)}; ` +
        `${ok} succeeded, ${fresh.length} events appended; operations covered ${perOp.size}/${ops.length}; slowest: ` +
        [...opTime].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([op, t]) => `${op} ${(t / 1000).toFixed(1)} s/${perOp.get(op)}`).join(', '),
    );
    expect(failures).toEqual([]);
    expect(perOp.size).toBe(ops.length);
  }, 600_000);
});
