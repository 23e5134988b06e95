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
 *
 * A second, systematic pass (issue #12) walks the OpenAPI document instead of sampling it: every
 * date field (body, query, path) with years outside the working calendar's range (1900, 2100,
 * 2999) and before the earliest business date (1969), a NUL and lone surrogates in every string
 * field, and forged cursors on every list route (any GET with a `cursor` parameter). Each answer is
 * a problem+json 4xx — never a 5xx — and writes nothing to the stream (or unit) it could write to.
 */
import * as fc from 'fast-check';
import { randomUUID } from 'node:crypto';
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
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\uD800',
  'x\uDC00y',
  '\uDBFF\uDFFF',
  '\u202Eabc\u202C',
  '\u200F\u200E\u061C',
  'e\u0301\u0302\u0303\u0304\u0305',
  'Z\u0351\u0360\u0361\u0489',
  '🇻🇳👨‍👩‍👧‍👦🏳️‍⚧️',
  '\uFEFF',
  '\r\n\t',
  "' OR '1'='1",
  "'; DROP TABLE events; --",
  '1; SELECT pg_sleep(10)--',
  '$$; DELETE FROM dossier_summary; $$',
  '\\x00',
  '$1',
  '%s%n%x',
  '${7*7}',
  '{{7*7}}',
  '<script>alert(1)</script>',
  '../../../../etc/passwd',
  '..\\..\\windows\\win.ini',
  '__proto__',
  'constructor',
  'prototype',
  'null',
  'undefined',
  'NaN',
  '-0',
  '1e400',
  'true',
  '0x1F',
  'Ỵ'.repeat(5000),
  'Nguyễn Văn An '.repeat(3000),
  'dossier-00000000-0000-0000-0000-000000000000',
];
const BAD_INSTANTS = [
  '2025-02-30T10:00:00+07:00',
  '2025-13-01T10:00:00+07:00',
  '2025-04-25T24:00:00+07:00',
  '2025-04-25T10:60:00Z',
  '2025-04-25T10:00:00',
  '2025-04-25',
  '2025-04-25T10:00:00+25:00',
  '2025-04-25T10:00:00[Asia/Ho_Chi_Minh]',
  '2025-04-25T10:00:00 Asia/Saigon',
  '+275760-09-13T00:00:00Z',
  '0000-01-01T00:00:00Z',
  '9999-12-31T23:59:59.999999999Z',
  '1970-01-01T00:00:00Z',
  '2099-01-01T00:00:00+07:00',
  '1900-01-01T00:00:00+07:00',
  'yesterday',
  '1714000000',
  '２０２５-04-25T10:00:00Z',
  '2025-04-25T10:00:00.1234567890Z',
  '2025-04-25T10:00:00-00:00',
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
function template(op: Op, _pool: Pool): Record<string, unknown> | undefined {
  const p = `${op.method} ${op.path}`;
  const base: Record<string, Record<string, unknown>> = {
    'post /dossiers': {
      unitCode: A1,
      procedureCode: PROC,
      channel: 'direct',
      applicant: { name: 'Nguyễn Văn An', idNumber: '079203001234', phone: '0901234567', email: 'an@example.vn', address: '12 Lê Lợi' },
    },
    'post /dossiers/{id}/assign': { assignee: 'officer-1', assigneeName: 'Trần B', department: 'Phòng Tư pháp' },
    'post /refusals': {
      unitCode: A1,
      procedureCode: PROC,
      channel: 'direct',
      applicant: { name: 'Nguyễn Văn An', idNumber: '079203001234', phone: '0901234567', email: 'an@example.vn', address: '12 Lê Lợi' },
      reason: 'Không thuộc thẩm quyền',
      legalBasis: 'Khoản 2 Điều 18 NĐ 61/2018',
    },
    'post /dossiers/{id}/request-supplement': { reason: 'Thiếu bản sao', items: [{ name: 'Bản sao giấy khai sinh', note: 'có chứng thực' }] },
    'post /dossiers/{id}/receive-supplement': {},
    'post /dossiers/{id}/apologise': { reason: 'Chậm', newDueAt: '2099-05-06T17:00:00+07:00', letterNumber: '15/PXL' },
    'post /dossiers/{id}/resolve': { outcome: 'approved', note: 'OK' },
    'post /dossiers/{id}/withdraw': { reason: 'Công dân rút' },
    'post /dossiers/{id}/rate': { rating: 'satisfied' },
    'post /dossiers/{id}/pause': { kind: 'fee', reason: 'Chờ nộp phí' },
    'post /dossiers/{id}/resume': {},
    'post /dossiers/{id}/return-result': {
      method: 'counter',
      recipient: { name: 'Trần Thị Bình', idNumber: '079203009999', relation: 'được ủy quyền' },
      note: 'Trả sớm',
    },
    'post /dossiers/{id}/correct': { undo: 'return-result', reason: 'Trả nhầm' },
    'put /units/{code}': {
      name: 'Phường Thử',
      level: 'commune',
      parentCode: A,
      timeZone: 'Asia/Ho_Chi_Minh',
      officeHours: { sessions: [{ start: '07:30', end: '11:30' }] },
      validFrom: '2020-01-01',
    },
    'put /procedures/{code}': { name: 'Thủ tục', field: 'Hộ tịch', processingTime: { amount: 3, unit: 'working_day' }, onlineLevel: 'full' },
    'put /calendar/{year}': { holidays: ['2031-01-01'], workingDays: [] },
    'put /campaigns/{id}': {
      name: 'Tuần lễ giải quyết hồ sơ ngay trong ngày',
      unitCodes: [A1],
      from: '2031-06-02',
      to: '2031-06-06',
      procedures: [{ procedureCode: PROC, processingTime: { amount: 1, unit: 'working_day' } }],
    },
    'put /units/{code}/webhook': { url: 'http://127.0.0.1:9/hook', secret: 'a-webhook-secret-of-some-length' },
    'put /units/{code}/notification-settings': { channels: [], templates: { received: { subject: 'Hồ sơ {{code}}', sms: 'Ho so {{code}} {{lookupUrl}}' } } },
    'post /dossiers/{id}/notifications/opt-out': { channels: ['email', 'sms'] },
    // issue #16 (the succession's successor does not exist: a valid-looking request never closes a unit the fuzz relies on)
    'post /dossiers/{id}/transfers': { toUnitCode: A, task: 'Thẩm định', processingTime: { amount: 2, unit: 'working_day' } },
    'post /dossiers/{id}/transfers/{transferId}/return': { outcome: 'done', note: 'Xong' },
    'post /units/{code}/succession': { successorCode: 'NO-SUCH-UNIT', effectiveDate: '2025-07-01' },
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
    'not-a-uuid',
    '00000000-0000-0000-0000-000000000000',
    'ffffffff-ffff-ffff-ffff-ffffffffffff',
    '..',
    '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
    '..%2F..%2Fadmin',
    '%00',
    '%ZZ',
    '%E0%A4%A',
    '%C0%AE%C0%AE%2F',
    '%F0%9F%98%80',
    '-1',
    '1e3',
    '2025.5',
    '99999999999999999999',
    '0x7e9',
    ' 2025',
    '%20',
    '__proto__',
    'constructor',
    "1'%20OR%20'1'='1",
    'a'.repeat(5000),
    '2024-02-30',
    '2999-01-01',
    'dossier-summary%00',
    'x;rm%20-rf',
    '%u0041',
    'Nguy%E1%BB%85n',
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

const QUERY_NAMES = [
  'unitCode',
  'from',
  'to',
  'groupBy',
  'asRecordedAt',
  'format',
  'status',
  'overdue',
  'dueBefore',
  'assignee',
  'cursor',
  'limit',
  'state',
  'kind',
  'dossierId',
  'asOf',
  'by',
  'year',
  'stream',
  'access_token',
  'lastEventId',
  'campaign',
  'code',
  'q',
  'pin',
  'perspective',
  'period',
  'cutoff',
  'indicators',
];
function queryString(pool: Pool): fc.Arbitrary<string> {
  const value = fc.oneof(
    fc.constantFrom(
      A1,
      A,
      P,
      B1,
      '2025-03-01',
      '2025-03-31',
      'unit',
      'field',
      'csv',
      'xlsx',
      '2026-11',
      '2026-Q4',
      'nd09',
      'received,assigned',
      'true',
      '50',
      'open',
      'overdue',
      'recorded',
      pool.now,
      '2025',
      'nguyen van an',
      'Nguyễn',
      '0901234567',
      '+84 90',
      'K7MX4Q',
      `${A1}-250101-0001`,
      pool.dossiers[0],
    ),
    fc.constantFrom(...BAD_INSTANTS, ...BAD_DATES, '0', '201', '-1', '1.5', 'NaN', 'eyJhbGciOiJub25lIn0', 'received,,', 'RECEIVED'),
    hostileString.filter((s) => s.length < 3000),
  );
  const pair = fc.tuple(
    fc.oneof(
      { weight: 5, arbitrary: fc.constantFrom(...QUERY_NAMES) },
      { weight: 1, arbitrary: fc.constantFrom('__proto__[polluted]', 'constructor[prototype][polluted]', 'unitCode[]', 'limit[$gt]', 'x') },
    ),
    value,
  );
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
  const field = keys.length
    ? fc.constantFrom(...keys, 'applicant.name', 'applicant.idNumber', 'processingTime.amount', 'officeHours.sessions')
    : fc.constant('x');
  const mutation = fc.oneof(
    fc.record({ kind: fc.constant('set' as const), field, value: hostileValue }),
    fc.record({
      kind: fc.constant('date' as const),
      field: fc.constantFrom('occurredAt', 'newDueAt', 'validFrom', 'validTo', 'effectiveFrom'),
      value: fc.constantFrom<unknown>(...BAD_INSTANTS, ...BAD_DATES),
    }),
    fc.record({ kind: fc.constant('drop' as const), field, value: fc.constant(undefined) }),
    fc.record({
      kind: fc.constant('extra' as const),
      field: fc.constantFrom('isAdmin', 'version', 'id', 'unit_code', 'recordedAt', '$where', 'expectedVersion'),
      value: hostileValue,
    }),
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
    '{',
    '{"a":',
    '[1,2',
    '}',
    'null',
    '"text"',
    '123',
    'true',
    '[]',
    `${json}garbage`,
    `\uFEFF${json}`,
    `${json}${json}`,
    `{"__proto__":{"polluted":"yes"}${inner ? ',' + inner : ''}}`,
    `{"constructor":{"prototype":{"polluted":"yes"}}${inner ? ',' + inner : ''}}`,
    `{${inner}${inner ? ',' : ''}"applicant":{"__proto__":{"polluted":"yes"},"name":"x"}}`,
    `{"processingTime":{"__proto__":{"amount":1,"polluted":"yes"}},"name":"x","field":"y"}`,
    `{${inner}${inner ? ',' : ''}"__proto__":{"isAdmin":true,"roles":["admin"]}}`,
    '{"a":1,"a":2}',
    `{${inner}${inner ? ',' : ''}"occurredAt":"2025-04-25T10:00:00+07:00","occurredAt":"2099-01-01T00:00:00Z"}`,
    '['.repeat(20_000) + ']'.repeat(20_000),
    '{"applicant":' + '{"a":'.repeat(5_000) + '1' + '}'.repeat(5_000) + '}',
    `{"reason":"${'\\ud800'.repeat(100)}","note":"\\u0000"}`,
    JSON.stringify({ reason: 'x'.repeat(MB + 10) }), // over the 1 MB body limit
  ];
}

function ndjsonBody(pool: Pool): fc.Arbitrary<string> {
  const line = fc.oneof(
    fc.constantFrom(
      '{',
      'null',
      '[]',
      '"receive"',
      '{"command":"explode"}',
      '{"command":"receive"}',
      '{"command":"resolve","dossierId":"not-a-uuid","outcome":"approved"}',
      `{"command":"receive","dossierId":"${pool.dossiers[0]}","__proto__":{"polluted":"yes"},"unitCode":"${A1}","procedureCode":"${PROC}","channel":"direct","applicant":{"name":"x"}}`,
      `{"command":"assign","dossierId":"${pool.dossiers[0]}","assignee":"o","constructor":{"prototype":{"polluted":"yes"}}}`,
      `{"command":"rate","dossierId":"${pool.dossiers[1]}","rating":"satisfied","occurredAt":"2099-01-01T00:00:00Z"}`,
      '\u0000\u0000',
      '\r',
      ' '.repeat(1000),
      'x'.repeat(100_000),
    ),
    fc
      .record({
        command: fc.constantFrom(
          'receive',

          'refuse',
          'assign',
          'request-supplement',
          'receive-supplement',
          'apologise',
          'resolve',
          'withdraw',
          'rate',
          'pause',
          'resume',
          'return-result',
          'correct',
          'RECEIVE',
          '',
        ),
        dossierId: fc.oneof(
          fc.constantFrom(...pool.dossiers),
          fc.uuid().map(String),
          hostileString.filter((s) => s.length < 100),
        ),
        extra: fc.oneof(
          fc.constant({}),
          fc.record({ outcome: hostileValue }),
          fc.record({
            unitCode: fc.constantFrom(A1, B1, 'nope'),
            procedureCode: fc.constant(PROC),
            channel: fc.constantFrom('direct', 'fax'),
            applicant: fc.oneof(fc.constant({ name: 'Lê Văn C' }), hostileValue),
          }),
          fc.record({ occurredAt: fc.constantFrom<unknown>(...BAD_INSTANTS) }),
          fc.record({ reason: hostileValue, legalBasis: hostileValue }),
          fc.record({
            reason: fc.constant('Thiếu'),
            items: fc.oneof(hostileValue, fc.array(fc.record({ name: hostileValue, note: hostileValue }), { maxLength: 60 })),
          }),
        ),
      })
      .map(({ command, dossierId, extra }) => JSON.stringify({ command, dossierId, ...(extra as object) })),
  );
  return fc.array(line, { minLength: 1, maxLength: 6 }).chain((lines) => fc.constantFrom('\n', '\r\n', '\n\n').map((sep) => lines.join(sep)));
}

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=utf-16',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/x-ndjson',
  'application/xml',
  'application/json, text/plain',
  'application/vnd.api+json',
];

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
            {
              weight: 2,
              arbitrary: fc
                .tuple(fc.constantFrom(...rawBodies(undefined)), fc.constantFrom(...CONTENT_TYPES, undefined))
                .map(([payload, type]) => ({ payload, type })),
            },
          )
        : fc.oneof(
            { weight: 5, arbitrary: fc.constant({ payload: JSON.stringify(t), type: 'application/json' }) },
            { weight: 10, arbitrary: mutatedBody(t ?? {}).map((payload) => ({ payload, type: 'application/json' })) },
            { weight: 4, arbitrary: fc.constantFrom(...rawBodies(t)).map((payload) => ({ payload, type: 'application/json' })) },
            { weight: 2, arbitrary: hostileValue.map((v) => ({ payload: JSON.stringify(v) ?? 'undefined', type: 'application/json' })) },
            {
              weight: 2,
              arbitrary: fc.tuple(fc.constant(JSON.stringify(t)), fc.constantFrom(...CONTENT_TYPES, undefined)).map(([payload, type]) => ({ payload, type })),
            },
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
    return fc
      .record({
        params: fc.tuple(...params.map((p) => pathValue(p, pool))),
        query: fc.oneof({ weight: 1, arbitrary: fc.constant('') }, { weight: 2, arbitrary: queryString(pool) }),
        body,
        auth: authArb,
        headers: fc.oneof({ weight: 3, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: extraHeaders }),
      })
      .map(({ params: values, query, body: b, auth: a, headers }) => {
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
    ops.push(
      { method: 'get', path: '/docs' },
      { method: 'get', path: '/docs/openapi.json' },
      { method: 'get', path: '/admin/queues' },
      { method: 'get', path: '/admin/queues/api/queues' },
    );
    ops.push(
      { method: 'delete', path: '/dossiers/{id}' },
      { method: 'patch', path: '/units/{code}' },
      { method: 'options', path: '/dossiers' },
      { method: 'get', path: '/no/such/route/{id}' },
    );
  }, 120_000);

  afterAll(async () => w?.close());

  it(`sends ${RUNS} generated requests: no 5xx, problem+json 4xx, 401 for bad tokens, the log holds exactly the successful writes`, async () => {
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
    const isPublic = (op: Op) => /^\/(health|docs|public)(\/|$)/.test(op.path);

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
        if (
          /Invalid character|invalid header|ERR_INVALID_CHAR|Headers\.append|ByteString|fetch failed|ERR_INVALID_URL|Invalid URL/i.test(
            String((err as Error).message) + String((err as { cause?: Error }).cause?.message),
          )
        ) {
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
      const what = () =>
        `#${n} ${r.op.method.toUpperCase()} ${r.url.slice(0, 160)} [${r.auth.kind}: ${r.auth.name}] body ${String(r.payload ?? '').slice(0, 160)} → ${status} ${text.slice(0, 300)}`;
      if (status >= 500) failures.push(`5xx: ${what()}`);
      const defect = problemDefect({ status, headers: resHeaders, body });
      if (defect) failures.push(`not a problem (${defect}): ${what()}`);
      // a bad token is 401 — unless the request was refused before authentication (no route, a body
      // or URL fastify cannot parse, query validation of the SSE route): never an answer that needs a
      // caller (2xx, 403 role/unit, 409/422 rules)
      if (r.auth.kind === 'bad' && !isPublic(r.op) && ![400, 401, 404, 405, 413, 414, 415, 431].includes(status))
        failures.push(`bad token not refused: ${what()}`);
      if (r.auth.kind === 'bad' && !isPublic(r.op) && status === 400 && !/valid JSON|not valid|URL|nested|accepted field|body is empty|must be/i.test(text))
        failures.push(`bad token answered 400 after authentication?: ${what()}`);
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
      // the service's own components (timers raising alerts on dossiers received meanwhile) write at
      // any moment: only what a request wrote is judged here
      if (String(e.metadata.actor?.id ?? '').startsWith('system:')) continue;
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
      // a refusal at the counter takes a code from the same numbering as a reception
      const receptions = events.filter((e) => e.type === 'DossierReceived' || e.type === 'DossierRefusedAtReception').length;
      if (allocations !== receptions) failures.push(`${allocations} codes allocated for ${receptions} receptions: ${where}`);
      if ((o.req.op.path.startsWith('/dossiers') || o.req.op.path === '/refusals') && dossierEvents.length > 0) {
        const streams = new Set(dossierEvents.map((e) => e.stream));
        const last = dossierEvents[dossierEvents.length - 1];
        // a dossier's answer names it by `id`; a transfer's (issue #16) by `dossierId`
        const dossierId = o.body?.dossierId ?? o.body?.id;
        if (streams.size !== 1 || last.stream !== `dossier-${dossierId}` || Number(last.revision) + 1 !== o.body?.version) {
          failures.push(
            `events ${dossierEvents.map((e) => `${e.stream}@${e.revision}`).join(', ')} do not match the answer ${JSON.stringify(o.body).slice(0, 200)}: ${where}`,
          );
        }
      }
      if (o.req.op.path === '/imports') {
        const touched = new Set(dossierEvents.map((e) => e.stream)).size;
        if (touched > (o.body?.accepted ?? 0)) failures.push(`import wrote to ${touched} dossiers but accepted ${o.body?.accepted} lines: ${where}`);
      }
    }
    // every 2xx dossier command with a version in its answer: the stream really is at least there
    for (const o of outcomes.values()) {
      if (o.status === 201 && (o.req.op.path === '/dossiers' || o.req.op.path === '/refusals') && o.req.op.method === 'post') {
        const s = await w.h.store.readStream(`dossier-${o.body.id}`);
        if (s.length === 0) failures.push(`201 for a reception that is not in the store: ${o.req.url}`);
      }
    }

    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(protoKeys);
    expect(({} as any).polluted).toBeUndefined();
    const ms = Date.now() - started;
    const ok = Object.entries(statusCounts)
      .filter(([s]) => Number(s) < 300)
      .reduce((a, [, c]) => a + c, 0);

    console.log(
      `fuzz: ${samples.length} requests (${unsendable} refused by the HTTP client) in ${(ms / 1000).toFixed(1)} s; statuses ${JSON.stringify(statusCounts)}; ` +
        `${ok} succeeded, ${fresh.length} events appended; operations covered ${perOp.size}/${ops.length}; slowest: ` +
        [...opTime]
          .sort((a, b) => b[1] - a[1])
          .slice(0, 6)
          .map(([op, t]) => `${op} ${(t / 1000).toFixed(1)} s/${perOp.get(op)}`)
          .join(', '),
    );
    expect(failures).toEqual([]);
    expect(perOp.size).toBe(ops.length);
  }, 600_000);

  // ---------- systematic pass (#12 items 3, 4, 7): the OpenAPI document, field by field ----------
  it('every date field out of the calendar’s range, NUL and lone surrogates in every string field, forged cursors on every list route: a problem+json 4xx that writes nothing', async () => {
    const doc = (await w.h.request('GET', '/docs/openapi.json')).body;
    const token = authHeaders['everything P'];
    const base = await w.listen();
    const failures: string[] = [];
    let sent = 0;
    const seen = { dateFields: new Set<string>(), stringFields: new Set<string>(), cursorRoutes: new Set<string>() };

    type Schema = { $ref?: string; type?: string; items?: Schema; properties?: Record<string, Schema>; allOf?: Schema[]; enum?: unknown[] };
    const resolve = (x: Schema): Schema => {
      const ref = x.$ref ?? x.allOf?.find((a) => a.$ref)?.$ref;
      return ref ? doc.components.schemas[ref.replace('#/components/schemas/', '')] : x;
    };
    /** Paths of the string leaves of a body schema: `applicant.name`, `holidays[0]`, `officeHours.sessions[0].start`. */
    const stringLeaves = (schema: Schema, prefix = '', depth = 0): string[] => {
      const s0 = resolve(schema);
      if (depth > 6) return [];
      if (s0.type === 'array' && s0.items) return stringLeaves(s0.items, `${prefix}[0]`, depth + 1);
      if (s0.properties) return Object.entries(s0.properties).flatMap(([k, v]) => stringLeaves(v, prefix ? `${prefix}.${k}` : k, depth + 1));
      if (s0.type === 'string' || s0.enum) return [prefix];
      return [];
    };
    const setPath = (body: Record<string, any>, path: string, value: unknown) => {
      const keys = path.replace(/\[(\d+)\]/g, '.$1').split('.');
      let o: any = body;
      keys.slice(0, -1).forEach((k, i) => {
        if (o[k] === undefined || o[k] === null || typeof o[k] !== 'object') o[k] = /^\d+$/.test(keys[i + 1]) ? [] : {};
        o = o[k];
      });
      o[keys[keys.length - 1]] = value;
    };

    // an open dossier and a unit-day to target; each write route's streams, counted before and after
    const target = await w.receive(A1);
    const alert = pool.alerts[0];
    const params: Record<string, string> = {
      id: target.id,
      code: A1,
      year: '2031',
      day: '2024-01-02',
      name: 'dossier-summary',
      // a well-formed transfer id: the body is checked before the transfer is looked up
      transferId: randomUUID(),
    };
    const validQuery: Record<string, Record<string, string>> = {
      'get /statistics': { unitCode: A1, from: '2025-01-01', to: '2025-01-31' },
      'get /audit/export': { unitCode: A1, from: '2025-01-01', to: '2025-01-31' },
      'get /units/{code}/tracking-book.pdf': { year: '2025' },
    };
    let receptionId = randomUUID(); // the client id of the reception being probed (its body may no longer hold it)
    const streamsOf = (op: Op, _body: Record<string, any> | undefined): string[] => {
      if ((op.path === '/dossiers' || op.path === '/refusals') && op.method === 'post') return [`dossier-${receptionId}`, `code-counter-${A1}`];
      if (op.path.startsWith('/dossiers/{id}')) return [`dossier-${target.id}`];
      if (op.path === '/units/{code}' && op.method === 'put') return [`unit-${A1}`];
      if (op.path === '/units/{code}/succession') return [`unit-${A1}`, 'dossier-'];
      if (op.path === '/procedures/{code}') return [`procedure-${A1}`, `procedure-${PROC}`];
      if (op.path.startsWith('/calendar/')) return ['calendar-'];
      if (op.path === '/campaigns/{id}' && op.method === 'put') return ['campaign-'];
      if (op.path.startsWith('/alerts/{id}')) return [`alert-${alert}`];
      if (op.path.startsWith('/audit/anchors')) return ['audit-anchor-'];
      return [];
    };
    const count = async (streams: string[]) => (streams.length ? w.h.store.countAfter(undefined, { streamPrefixes: streams }) : 0);

    const send = async (
      method: string,
      url: string,
      body?: unknown,
    ): Promise<{ status: number; headers: Record<string, unknown>; body: any; text: string }> => {
      sent++;
      if (url.startsWith('/alerts/stream')) {
        const abort = new AbortController();
        const timer = setTimeout(() => abort.abort(), 5_000);
        const res = await fetch(base + url, { headers: { authorization: token }, signal: abort.signal });
        const text = res.status === 200 ? '' : await res.text();
        abort.abort();
        clearTimeout(timer);
        return { status: res.status, headers: Object.fromEntries(res.headers.entries()), body: text ? JSON.parse(text) : undefined, text };
      }
      const headers: Record<string, string> = { authorization: token };
      if (body !== undefined) headers['content-type'] = 'application/json';
      const res = await w.h.app.inject({
        method: method.toUpperCase() as never,
        url: `/api/v1${url}`,
        headers,
        payload: body === undefined ? undefined : JSON.stringify(body),
      });
      let parsed: any;
      try {
        parsed = res.body ? JSON.parse(res.body) : undefined;
      } catch {
        parsed = undefined;
      }
      return { status: res.statusCode, headers: res.headers as Record<string, unknown>, body: parsed, text: res.body };
    };

    /** One hostile request: `expected` statuses (undefined: any non-5xx), and if refused, the streams did not move. */
    const probe = async (op: Op, what: string, url: string, body: Record<string, any> | undefined, expected: number[] | undefined, field?: string) => {
      const streams = streamsOf(op, body);
      const before = await count(streams);
      const r = await send(op.method, url, body);
      const where = `${op.method.toUpperCase()} ${op.path} ${what} → ${r.status} ${r.text.slice(0, 240)}`;
      if (r.status >= 500) failures.push(`5xx: ${where}`);
      else if (expected && !expected.includes(r.status)) failures.push(`expected ${expected.join('/')}: ${where}`);
      const defect = problemDefect(r);
      if (defect) failures.push(`not a problem (${defect}): ${where}`);
      if (r.status >= 400) {
        const after = await count(streams);
        if (after !== before) failures.push(`a refused request wrote ${after - before} events to ${streams.join(', ')}: ${where}`);
        if (field && r.status < 500 && !String(r.body?.detail ?? '').includes(field)) failures.push(`the answer does not name ${field}: ${where}`);
      }
    };

    const DATE_BODY: Record<string, 'instant' | 'date'> = {
      occurredAt: 'instant',
      newDueAt: 'instant',
      validFrom: 'date',
      validTo: 'date',
      effectiveFrom: 'date',
      'holidays[0]': 'date',
      'workingDays[0]': 'date',
      from: 'date',
      to: 'date',
    };
    const DATE_QUERY: Record<string, 'instant' | 'date' | 'year'> = {
      asOf: 'instant',
      dueBefore: 'instant',
      asRecordedAt: 'instant',
      from: 'date',
      to: 'date',
      year: 'year',
    };
    const DATE_PATH: Record<string, 'date' | 'year'> = { year: 'year', day: 'date' };
    const dated = (kind: 'instant' | 'date' | 'year', year: number) =>
      kind === 'year' ? String(year) : kind === 'date' ? `${year}-03-02` : `${year}-03-02T08:00:00+07:00`;
    const OUT_OF_RANGE = [1900, 2100, 2999];
    const UNSAFE_BODY = ['\u0000', 'a\u0000b', 'Nguyễn\u0000Văn', '\ud800', '\ud800x', 'x\udc00', '\udfff\ud800'];
    const CURSORS = [
      ['a', "x' or 1=1", 'y'],
      ["x' or 1=1", 'y'],
      ['d', "x' or 1=1", 'y'],
      ['a', '2025-01-01T00:00:00.000Z', "x' or 1=1"],
      ['d', '2025-01-01T00:00:00.000Z', "'; DROP TABLE events; --"],
      ['d', '0000-01-01T00:00:00.000Z', target.id],
      ['a', '+275760-09-13T00:00:00.000Z', `${target.id}.overdue.1`],
      ['d', '2025-02-30T00:00:00.000Z', target.id],
      ['d', '1e400', target.id],
      ['d', '2025-01-01T00:00:00.000Z', 'x\u0000'],
      ['d', null, target.id],
      [],
      {},
      'not json',
    ]
      .map((v) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v), 'utf8').toString('base64url'))
      .concat(['!!!', '%00', 'eyJ', 'x'.repeat(999)]);

    const documented = ops.filter((op) => doc.paths[`/api/v1${op.path}`]?.[op.method]);
    for (const op of documented) {
      const spec = doc.paths[`/api/v1${op.path}`][op.method] as {
        parameters?: { name: string; in: string }[];
        requestBody?: { content: Record<string, { schema: Schema }> };
      };
      const key = `${op.method} ${op.path}`;
      const pathParams = (spec.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
      const queryParams = (spec.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
      const fill = (overrides: Record<string, string> = {}) =>
        op.path.replace(/\{(\w+)\}/g, (_, n: string) => encodeURIComponent(overrides[n] ?? params[n] ?? 'x'));
      const query = (q: Record<string, string>) => {
        const entries = Object.entries(q);
        return entries.length ? '?' + entries.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&') : '';
      };
      const baseQuery = validQuery[key] ?? {};
      const jsonSchema = spec.requestBody?.content?.['application/json']?.schema;
      const t = template(op, pool);
      const validBody = (): Record<string, any> | undefined => {
        if (!jsonSchema || op.path === '/imports') return undefined;
        const b = JSON.parse(JSON.stringify(t ?? {}));
        if (key === 'post /dossiers' || key === 'post /refusals') b.id = receptionId = randomUUID();
        if (key === 'post /dossiers/{id}/apologise') b.newDueAt = '2031-05-06T17:00:00+07:00';
        return b;
      };

      // dates in the body
      if (jsonSchema && op.path !== '/imports') {
        const leaves = stringLeaves(jsonSchema);
        // every dossier command takes a business time (and so does a refusal); the opt-out of notices is not a step of the dossier (recorded now, no occurredAt)
        const command = (key.startsWith('post /dossiers') && !key.endsWith('/notifications/opt-out')) || key === 'post /refusals';
        const dateLeaves = new Set([...leaves.filter((l) => l in DATE_BODY), ...(command ? ['occurredAt'] : [])]);
        for (const leaf of dateLeaves) {
          seen.dateFields.add(`${key} body ${leaf}`);
          for (const year of [...OUT_OF_RANGE, 1969]) {
            const body = validBody()!;
            setPath(body, leaf, dated(DATE_BODY[leaf], year));
            const business = leaf === 'occurredAt';
            await probe(op, `body ${leaf}=${year}`, fill(), body, OUT_OF_RANGE.includes(year) || business ? [422] : undefined, leaf.replace(/\[0\]$/, ''));
          }
        }
        // NUL and lone surrogates in every string field of the body
        for (const leaf of leaves) {
          seen.stringFields.add(`${key} body ${leaf}`);
          for (const value of UNSAFE_BODY) {
            const body = validBody()!;
            setPath(body, leaf, value);
            await probe(op, `body ${leaf}=${JSON.stringify(value)}`, fill(), body, [400], leaf);
          }
        }
      }
      // dates and NUL in the query and the path
      for (const name of queryParams) {
        if (name in DATE_QUERY) {
          seen.dateFields.add(`${key} query ${name}`);
          for (const year of OUT_OF_RANGE)
            await probe(op, `query ${name}=${year}`, fill() + query({ ...baseQuery, [name]: dated(DATE_QUERY[name], year) }), validBody(), [422], name);
          await probe(op, `query ${name}=1969`, fill() + query({ ...baseQuery, [name]: dated(DATE_QUERY[name], 1969) }), validBody(), undefined);
        }
        seen.stringFields.add(`${key} query ${name}`);
        for (const value of ['\u0000', 'a\u0000b'])
          await probe(op, `query ${name}=${JSON.stringify(value)}`, fill() + query({ ...baseQuery, [name]: value }), validBody(), [400], name);
        if (name === 'cursor') {
          seen.cursorRoutes.add(key);
          for (const cursor of CURSORS)
            await probe(op, `cursor=${cursor.slice(0, 40)}`, fill() + query({ ...baseQuery, cursor }), validBody(), [400], 'cursor');
        }
      }
      for (const name of pathParams) {
        if (name in DATE_PATH) {
          seen.dateFields.add(`${key} path ${name}`);
          for (const year of OUT_OF_RANGE)
            await probe(op, `path ${name}=${year}`, fill({ [name]: dated(DATE_PATH[name], year) }) + query(baseQuery), validBody(), [422], name);
        }
        seen.stringFields.add(`${key} path ${name}`);
        // a URL cannot carry a lone surrogate (percent-encoded UTF-8 has none): a NUL only
        await probe(op, `path ${name}=NUL`, fill({ [name]: `a\u0000b` }) + query(baseQuery), validBody(), [400, 404], undefined);
      }
    }

    // /imports: a NUL, a lone surrogate, a date out of range on one line each; the lines around them apply
    {
      const op: Op = { method: 'post', path: '/imports' };
      const ids = Array.from({ length: 7 }, () => randomUUID());
      const line = (id: string, extra: Record<string, unknown> = {}) =>
        JSON.stringify({ command: 'receive', dossierId: id, unitCode: A1, procedureCode: PROC, channel: 'direct', applicant: { name: 'Lê Văn C' }, ...extra });
      const raw = [
        line(ids[0]),
        line(ids[1], { applicant: { name: 'a\u0000b' } }),
        line(ids[2], { applicant: { name: '\ud800x' } }),
        line(ids[3]),
        line(ids[4], { occurredAt: '1900-03-02T08:00:00+07:00' }),
        line(ids[5], { occurredAt: '2999-03-02T08:00:00+07:00' }),
        line(ids[6]),
      ].join('\n');
      sent++;
      const r = await w.h.app.inject({
        method: 'POST',
        url: '/api/v1/imports',
        headers: { authorization: token, 'content-type': 'application/x-ndjson' },
        payload: raw,
      });
      const body = JSON.parse(r.body);
      const lines = (body.errors ?? []).map((e: { line: number; status: number }) => `${e.line}:${e.status}`);
      if (r.statusCode !== 200 || body.accepted !== 3 || lines.join(' ') !== '2:400 3:400 5:422 6:422')
        failures.push(`${op.path}: ${r.statusCode} ${r.body.slice(0, 400)}`);
      const lengths = await Promise.all(ids.map(async (id) => (await w.h.store.readStream(`dossier-${id}`)).length));
      if (lengths.join(',') !== '1,0,0,1,0,0,1') failures.push(`/imports wrote dossiers ${lengths.join(',')}`);
    }

    console.log(
      `fuzz (systematic): ${sent} requests; ${seen.dateFields.size} date fields, ${seen.stringFields.size} string fields, cursor routes: ${[...seen.cursorRoutes].join(', ')}`,
    );
    expect(failures).toEqual([]);
    // the pass really covered what the issue names
    expect([...seen.cursorRoutes].sort()).toEqual(['get /alerts', 'get /dossiers']);
    for (const f of [
      'post /dossiers body occurredAt',
      'post /refusals body occurredAt',
      'post /dossiers/{id}/apologise body newDueAt',
      'post /dossiers/{id}/assign body occurredAt',
      'get /dossiers/{id} query asOf',
      'get /dossiers query dueBefore',
      'get /statistics query from',
      'get /statistics query to',
      'get /statistics query asRecordedAt',
      'put /calendar/{year} path year',
      'get /calendar/{year} path year',
      'put /units/{code} body validFrom',
      'put /units/{code} body validTo',
      'put /calendar/{year} body holidays[0]',
      'put /campaigns/{id} body from',
      'put /campaigns/{id} body to',
    ]) {
      expect([...seen.dateFields]).toContain(f);
    }
    for (const f of [
      'post /dossiers body applicant.name',
      'post /refusals body reason',
      'post /refusals body legalBasis',
      'post /dossiers/{id}/request-supplement body items[0].name',
      'post /dossiers/{id}/withdraw body reason',
      'put /units/{code} body name',
      'put /procedures/{code} body name',
      'put /campaigns/{id} body name',
      'put /campaigns/{id} body procedures[0].procedureCode',
      'get /statistics query period',
      'get /statistics query cutoff',
      'get /statistics query format',
      'get /statistics query indicators',
    ])
      expect([...seen.stringFields]).toContain(f);
  }, 600_000);
});
