/**
 * Hardening item 2: the authorisation matrix, route × role × unit relation, written out.
 *
 * Tree: province P → district A (→ wards A1, A2), district B (→ ward B1). The object of a route
 * (dossier, alert, unit parameter) lives in ward A1; the caller holds one unit:
 *
 *   own       caller [A1], object in A1      in scope
 *   parent    caller [A],  object in A1      in scope (a unit grants its descendants)
 *   ancestor  caller [P],  object in A1      in scope
 *   sibling   caller [A2], object in A1      out of scope
 *   cousin    caller [B1], object in A1      out of scope
 *   child     caller [A1], object in A       out of scope (a unit never grants its parent)
 *   no units  caller [],   object in A1      out of scope (an empty list grants nothing)
 *   star      caller ["*"], object in A1     out of scope (no wildcard...
 *   percent   caller ["%"], object in A1     ...and no SQL LIKE pattern grants anything)
 *
 * Roles: clerk, officer, supervisor, auditor, admin, and no token at all. The expected outcome of
 * every cell is derived from the `ROUTES` table below: a role not in `roles` → 403 (no token → 401);
 * a role in `roles` → the route's `ok` statuses when the relation is in scope (or the route is not
 * unit-scoped), else 403/404 — and a refused answer never carries the object's data.
 *
 * Objects that belong to a unit (dossiers and everything under /dossiers/{id}, alerts) answer 404
 * outside the caller's units, the same answer as an unknown id; unit parameters (public reference
 * data) answer 403. Procedures and calendars apply to every unit: only an admin of a root unit
 * (here P: the `ancestor` row) may change them.
 */
import { randomUUID } from 'node:crypto';
import { A, A1, A2, APPLICANT, B, B1, P, PROC, problemDefect, ROLE_NAMES, startWorld, World } from './support/world';

type Caller = 'clerk' | 'officer' | 'supervisor' | 'auditor' | 'admin' | 'none';
const CALLERS: Caller[] = [...ROLE_NAMES, 'none'];
const RELATIONS: Record<string, { caller: string[]; target: string; inScope: boolean; root?: true }> = {
  own: { caller: [A1], target: A1, inScope: true },
  parent: { caller: [A], target: A1, inScope: true },
  ancestor: { caller: [P], target: A1, inScope: true, root: true },
  sibling: { caller: [A2], target: A1, inScope: false },
  cousin: { caller: [B1], target: A1, inScope: false },
  child: { caller: [A1], target: A, inScope: false },
  'no units': { caller: [], target: A1, inScope: false },
  star: { caller: ['*'], target: A1, inScope: false },
  percent: { caller: ['%'], target: A1, inScope: false },
};
type Relation = string;
/** Callers whose units cover no unit at all. */
const NO_UNITS = ['no units', 'star', 'percent'];

interface Ctx {
  w: World;
  target: string;
  /** the caller's token (undefined: no token) and sub */
  token?: string;
  sub: string;
  /** what the route prepared (dossier, alert...) */
  obj: { id?: string; code?: string; alertId?: string; secret?: string; pin?: string };
}
interface Answer {
  status: number;
  headers: Record<string, unknown>;
  body: any;
  text: string;
}
interface Route {
  name: string;
  /** roles allowed by api-v1 (undefined: any authenticated caller, e.g. reference data reads) */
  roles?: readonly Caller[];
  /** false: not unit-scoped (global reference data, anchors, admin tools); 'root': only callers of a root unit */
  scoped: boolean | 'root';
  /** statuses of an allowed call */
  ok: number[];
  /** statuses of an allowed role outside its units (default 403/404) */
  outOfScope?: number[];
  /** statuses of an allowed role whose units cover no unit at all ([], ["*"], ["%"]) when the route is not scoped */
  noUnits?: number[];
  prepare?(w: World, target: string): Promise<Ctx['obj']>;
  call(c: Ctx): Promise<Answer>;
  /** extra check of an allowed call in scope / out of scope */
  check?(c: Ctx, a: Answer, inScope: boolean): string | undefined;
  /** needs no token: every caller (any role, any units, none) gets `ok` */
  public?: true;
}

const READ = ['clerk', 'officer', 'supervisor', 'auditor', 'admin'] as const;
const PERIOD = 'from=2020-01-01&to=2030-12-31';

async function req(c: Ctx, method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await c.w.h.app.inject({
    method: method as never,
    url: `/api/v1${url}`,
    headers: {
      ...(c.token ? { authorization: `Bearer ${c.token}` } : {}),
      ...(body !== undefined && typeof body !== 'string' ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    payload: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  let parsed: unknown;
  try {
    parsed = res.body ? JSON.parse(res.body) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: res.statusCode, headers: res.headers as Record<string, unknown>, body: parsed, text: res.body };
}

const received = async (w: World, t: string) => w.receive(t);
const assigned = async (w: World, t: string) => {
  const d = await w.receive(t);
  await w.command(d.id, 'assign', { assignee: 'someone' });
  return d;
};
const awaiting = async (w: World, t: string) => {
  const d = await w.receive(t);
  await w.command(d.id, 'request-supplement', { reason: 'Thiếu giấy tờ' });
  return d;
};
const resolved = async (w: World, t: string) => {
  const d = await w.receive(t);
  await w.command(d.id, 'resolve', { outcome: 'approved' });
  return d;
};
const paused = async (w: World, t: string) => {
  const d = await w.receive(t);
  await w.command(d.id, 'pause', { kind: 'verification', reason: 'Xác minh thực địa' });
  return d;
};
const returned = async (w: World, t: string) => {
  const d = await resolved(w, t);
  await w.command(d.id, 'return-result', { method: 'counter' });
  return d;
};
const apologised = async (w: World, t: string) => {
  const d = await w.receive(t);
  const view = (await w.h.request('GET', `/dossiers/${d.id}`, { token: w.root })).body;
  await w.command(d.id, 'apologise', { reason: 'Chậm xác minh', newDueAt: new Date(Date.parse(view.dueAt) + 7 * 86_400_000).toISOString() });
  return d;
};
const refusedResolution = async (w: World, t: string) => {
  const d = await w.receive(t);
  await w.command(d.id, 'resolve', { outcome: 'refused', note: 'Không đủ điều kiện' });
  return d;
};
const withdrawn = async (w: World, t: string) => {
  const d = await w.receive(t);
  await w.command(d.id, 'withdraw', { reason: 'Công dân xin rút hồ sơ' });
  return d;
};
/** A dossier with an open alert (projected). */
const alerted = async (w: World, t: string) => {
  const d = await w.receive(t);
  const alertId = await w.raiseAlert(d.id);
  await w.catchUp();
  return { ...d, alertId };
};

/** Received at district B (only the province covers it) for the target unit (issue #16). */
const competentElsewhere = async (w: World, t: string) => {
  const r = await w.h.request('POST', '/dossiers', {
    token: w.root,
    body: { unitCode: B, competentUnitCode: t, procedureCode: PROC, channel: 'direct', applicant: { name: APPLICANT } },
  });
  if (r.status !== 201) throw new Error(`receive: ${r.status} ${JSON.stringify(r.body)}`);
  return { id: r.body.id, code: r.body.code };
};
/** A dossier with an open transfer to the province (whose users are in scope anyway); `secret` is the transfer id. */
const transferred = async (w: World, t: string) => {
  const d = await w.receive(t);
  const r = await w.h.request('POST', `/dossiers/${d.id}/transfers`, {
    token: w.root,
    body: { toUnitCode: P, task: 'Thẩm định', processingTime: { amount: 2, unit: 'working_day' } },
  });
  if (r.status !== 201) throw new Error(`transfer: ${r.status} ${JSON.stringify(r.body)}`);
  return { ...d, secret: r.body.transferId as string };
};

/** Lists must not show the object outside the caller's units. */
const noLeak = (c: Ctx, a: Answer, inScope: boolean) => {
  if (inScope) return undefined;
  for (const s of [c.obj.id, c.obj.code]) if (s && a.text.includes(s)) return `the answer shows the object (${s})`;
  return undefined;
};
const listsObject = (c: Ctx, a: Answer, inScope: boolean) => {
  if (!inScope) return noLeak(c, a, inScope);
  return a.status === 200 && !a.text.includes(c.obj.id as string) ? 'the object is missing from the list' : undefined;
};

let world: World;
/** one shared dossier (with an alert) per target unit for the read routes */
const shared: Record<string, Ctx['obj']> = {};
const sharedObj = async (w: World, t: string) => shared[t];

const ROUTES: Route[] = [
  // first: the book and the lists show every dossier of A1, and the command rows add many
  {
    name: 'GET /units/{code}/tracking-book.pdf',
    roles: ['supervisor', 'auditor', 'admin'],
    scoped: true,
    ok: [200],
    outOfScope: [403],
    prepare: sharedObj,
    call: (c) => req(c, 'GET', `/units/${c.target}/tracking-book.pdf?year=${new Date().getUTCFullYear()}`),
  },
  {
    name: 'GET /dossiers?unitCode (work list)',
    roles: READ,
    scoped: true,
    ok: [200],
    outOfScope: [403],
    prepare: sharedObj,
    check: listsObject,
    call: (c) => req(c, 'GET', `/dossiers?unitCode=${c.target}&limit=200`),
  },
  // without unitCode the list covers the caller's own units: the object appears exactly when in scope
  {
    name: 'GET /dossiers (own units)',
    roles: READ,
    scoped: false,
    ok: [200],
    prepare: sharedObj,
    check: listsObject,
    call: (c) => req(c, 'GET', `/dossiers?limit=200`),
  },
  // finding a dossier: by exact code and by free text (here a code prefix), within the caller's units
  {
    name: 'GET /dossiers?code (find)',
    roles: READ,
    scoped: false,
    ok: [200],
    prepare: sharedObj,
    check: listsObject,
    call: (c) => req(c, 'GET', `/dossiers?code=${encodeURIComponent(c.obj.code as string)}`),
  },
  {
    name: 'GET /dossiers?q (find)',
    roles: READ,
    scoped: false,
    ok: [200],
    prepare: sharedObj,
    check: listsObject,
    call: (c) => req(c, 'GET', `/dossiers?q=${encodeURIComponent(c.obj.code as string)}&limit=200`),
  },
  // the citizen's status page: no token needed, a token of anyone gives the same answer, nothing personal
  {
    name: 'GET /public/dossiers/{code}?pin',
    public: true,
    scoped: false,
    ok: [200],
    prepare: sharedObj,
    call: (c) => req(c, 'GET', `/public/dossiers/${encodeURIComponent(c.obj.code as string)}?pin=${c.obj.pin}`),
    check: (c, a) => {
      const keys = Object.keys(a.body ?? {}).sort();
      if (a.body?.code !== c.obj.code) return `answered ${a.text.slice(0, 200)}`;
      if (keys.some((k) => !['code', 'procedureName', 'status', 'receivedAt', 'dueAt', 'resolvedAt', 'returnedAt'].includes(k)))
        return `shows ${keys.join(', ')}`;
      if (a.text.includes(APPLICANT) || a.text.includes(c.obj.id as string)) return 'shows personal data or the dossier id';
      return undefined;
    },
  },
  {
    name: 'GET /alerts?unitCode',
    roles: READ,
    scoped: true,
    ok: [200],
    outOfScope: [403],
    prepare: sharedObj,
    check: listsObject,
    call: (c) => req(c, 'GET', `/alerts?unitCode=${c.target}&limit=200`),
  },
  {
    name: 'GET /alerts (own units)',
    roles: READ,
    scoped: false,
    ok: [200],
    prepare: sharedObj,
    check: listsObject,
    call: (c) => req(c, 'GET', `/alerts?limit=200`),
  },
  // ---- dossier commands ----
  {
    name: 'POST /dossiers (receive)',
    roles: ['clerk', 'supervisor'],
    scoped: true,
    ok: [201],
    outOfScope: [403],
    call: (c) => req(c, 'POST', '/dossiers', { unitCode: c.target, procedureCode: PROC, channel: 'direct', applicant: { name: 'Trần Thị Bình' } }),
  },
  {
    name: 'POST /refusals (refuse at the counter)',
    roles: ['clerk', 'supervisor'],
    scoped: true,
    ok: [201],
    outOfScope: [403],
    call: (c) =>
      req(c, 'POST', '/refusals', {
        unitCode: c.target,
        procedureCode: PROC,
        channel: 'direct',
        applicant: { name: 'Trần Thị Bình' },
        reason: 'Không thuộc thẩm quyền',
        legalBasis: 'Khoản 2 Điều 18 NĐ 61/2018',
      }),
  },
  {
    name: 'POST /dossiers/{id}/assign (to self)',
    roles: ['officer', 'supervisor'],
    scoped: true,
    ok: [200],
    outOfScope: [404],
    prepare: received,
    call: (c) => req(c, 'POST', `/dossiers/${c.obj.id}/assign`, { assignee: c.sub }),
  },
  {
    name: 'POST /dossiers/{id}/request-supplement',
    roles: ['officer', 'supervisor'],
    scoped: true,
    ok: [200],
    outOfScope: [404],
    prepare: assigned,
    call: (c) => req(c, 'POST', `/dossiers/${c.obj.id}/request-supplement`, { reason: 'Thiếu bản sao' }),
  },
  {
    name: 'POST /dossiers/{id}/receive-supplement',
    roles: ['clerk', 'supervisor'],
    scoped: true,
    ok: [200],
    outOfScope: [404],
    prepare: awaiting,
    call: (c) => req(c, 'POST', `/dossiers/${c.obj.id}/receive-supplement`, {}),
  },
  {
    name: 'POST /dossiers/{id}/apologise',
    roles: ['supervisor'],
    scoped: true,
    ok: [200],
    outOfScope: [404],
    prepare: received,
    call: async (c) => {
      const due = (await c.w.h.request('GET', `/dossiers/${c.obj.id}`, { token: c.w.root })).body.dueAt;
      return req(c, 'POST', `/dossiers/${c.obj.id}/apologise`, { reason: 'Chậm', newDueAt: new Date(Date.parse(due) + 7 * 86_400_000).toISOString() });
    },
  },
  {
    name: 'POST /dossiers/{id}/resolve',
    roles: ['officer', 'supervisor'],
    scoped: true,
    ok: [200],
    outOfScope: [404],
    prepare: assigned,
    call: (c) => req(c, 'POST', `/dossiers/${c.obj.id}/resolve`, { outcome: 'refused', note: 'Không đủ điều kiện' }),
  },
  {
    name: 'POST /dossiers/{id}/withdraw',
    roles: ['clerk', 'supervisor'],
    scoped: true,
    ok: [200],
    outOfScope: [404],
    prepare: received,
    call: (c) => req(c, 'POST', `/dossiers/${c.obj.id}/withdraw`, { reason: 'Công dân rút' }),
  },
  {
    name: 'POST /dossiers/{id}/rate',
    roles: ['clerk', 'supervisor'],
    scoped: true,
    ok: [200],
    outOfScope: [404],
    prepare: resolved,
    call: (c) => req(c, 'POST', `/dossiers/${c.obj.id}/rate`, { rating: 'satisfied' }),
  },
  {
    name: 'POST /dossiers/{id}/pause',
    roles: ['officer', 'supervisor'],
    scoped: true,
    ok: [200],
    outOfScope: [404],
    prepare: received,
    call: (c) => req(c, 'POST', `/dossiers/${c.obj.id}/pause`, { kind: 'fee', reason: 'Chờ nộp phí' }),
  },
  {
    name: 'POST /dossiers/{id}/resume',
    roles: ['officer', 'supervisor'],
    scoped: true,
    ok: [200],
    outOfScope: [404],
    prepare: paused,
    call: (c) => req(c, 'POST', `/dossiers/${c.obj.id}/resume`, {}),
  },
  {
    name: 'POST /dossiers/{id}/return-result',
    roles: ['clerk', 'supervisor'],
    scoped: true,
    ok: [200],
    outOfScope: [404],
    prepare: resolved,
    call: (c) => req(c, 'POST', `/dossiers/${c.obj.id}/return-result`, { method: 'counter', recipient: { name: 'Trần Thị Bình', relation: 'được ủy quyền' } }),
  },
  {
    name: 'POST /dossiers/{id}/correct',
    roles: ['supervisor'],
    scoped: true,
    ok: [200],
    outOfScope: [404],
    prepare: returned,
    call: (c) => req(c, 'POST', `/dossiers/${c.obj.id}/correct`, { undo: 'return-result', reason: 'Trả nhầm' }),
  },
  // ---- dossier reads ----
  {
    name: 'GET /dossiers/{id}',
    roles: READ,
    scoped: true,
    ok: [200],
    outOfScope: [404],
    prepare: sharedObj,
    check: noLeak,
    call: (c) => req(c, 'GET', `/dossiers/${c.obj.id}`),
  },
  {
    name: 'GET /dossiers/{id}?asOf',
    roles: READ,
    scoped: true,
    ok: [200],
    outOfScope: [404],
    prepare: sharedObj,
    check: noLeak,
    call: (c) => req(c, 'GET', `/dossiers/${c.obj.id}?asOf=${encodeURIComponent(new Date().toISOString())}&by=recorded`),
  },
  {
    name: 'GET /dossiers/{id}/history',
    roles: READ,
    scoped: true,
    ok: [200],
    outOfScope: [404],
    prepare: sharedObj,
    check: noLeak,
    call: (c) => req(c, 'GET', `/dossiers/${c.obj.id}/history`),
  },
  {
    name: 'GET /dossiers/{id}/notifications',
    roles: READ,
    scoped: true,
    ok: [200],
    outOfScope: [404],
    prepare: sharedObj,
    check: noLeak,
    call: (c) => req(c, 'GET', `/dossiers/${c.obj.id}/notifications`),
  },
  {
    name: 'POST /dossiers/{id}/notifications/opt-out',
    roles: ['clerk', 'officer', 'supervisor', 'admin'],
    scoped: true,
    ok: [200],
    outOfScope: [404],
    prepare: sharedObj,
    call: (c) => req(c, 'POST', `/dossiers/${c.obj.id}/notifications/opt-out`, { channels: ['sms'] }),
  },
  {
    name: 'GET /statistics?unitCode',
    roles: READ,
    scoped: true,
    ok: [200],
    outOfScope: [403],
    prepare: sharedObj,
    call: (c) => req(c, 'GET', `/statistics?unitCode=${c.target}&${PERIOD}`),
  },
  {
    name: 'GET /statistics?unitCode&format=xlsx',
    roles: READ,
    scoped: true,
    ok: [200],
    outOfScope: [403],
    prepare: sharedObj,
    call: (c) => req(c, 'GET', `/statistics?unitCode=${c.target}&${PERIOD}&format=xlsx`),
  },
  {
    name: 'GET /statistics?unitCode&period&cutoff=nd09',
    roles: READ,
    scoped: true,
    ok: [200],
    outOfScope: [403],
    prepare: sharedObj,
    call: (c) => req(c, 'GET', `/statistics?unitCode=${c.target}&period=2025-03&cutoff=nd09&groupBy=unit`),
  },
  {
    name: 'GET /dossiers/{id}/forms/receipt.pdf',
    roles: READ,
    scoped: true,
    ok: [200],
    outOfScope: [404],
    prepare: sharedObj,
    check: noLeak,
    call: (c) => req(c, 'GET', `/dossiers/${c.obj.id}/forms/receipt.pdf`),
  },
  {
    name: 'GET /dossiers/{id}/forms/control-sheet.pdf',
    roles: READ,
    scoped: true,
    ok: [200],
    outOfScope: [404],
    prepare: sharedObj,
    check: noLeak,
    call: (c) => req(c, 'GET', `/dossiers/${c.obj.id}/forms/control-sheet.pdf`),
  },
  {
    name: 'GET /dossiers/{id}/forms/apology.pdf',
    roles: READ,
    scoped: true,
    ok: [200],
    outOfScope: [404],
    prepare: apologised,
    check: noLeak,
    call: (c) => req(c, 'GET', `/dossiers/${c.obj.id}/forms/apology.pdf`),
  },
  {
    name: 'GET /dossiers/{id}/forms/supplement-request.pdf',
    roles: READ,
    scoped: true,
    ok: [200],
    outOfScope: [404],
    prepare: awaiting,
    check: noLeak,
    call: (c) => req(c, 'GET', `/dossiers/${c.obj.id}/forms/supplement-request.pdf`),
  },
  {
    name: 'GET /dossiers/{id}/forms/refusal.pdf',
    roles: READ,
    scoped: true,
    ok: [200],
    outOfScope: [404],
    prepare: refusedResolution,
    check: noLeak,
    call: (c) => req(c, 'GET', `/dossiers/${c.obj.id}/forms/refusal.pdf`),
  },
  {
    name: 'GET /dossiers/{id}/forms/stop-notice.pdf',
    roles: READ,
    scoped: true,
    ok: [200],
    outOfScope: [404],
    prepare: withdrawn,
    check: noLeak,
    call: (c) => req(c, 'GET', `/dossiers/${c.obj.id}/forms/stop-notice.pdf`),
  },
  // ---- alerts ----
  {
    name: 'POST /alerts/{id}/acknowledge',
    roles: ['officer', 'supervisor', 'admin'],
    scoped: true,
    ok: [200],
    outOfScope: [404],
    prepare: alerted,
    check: noLeak,
    call: (c) => req(c, 'POST', `/alerts/${encodeURIComponent(c.obj.alertId as string)}/acknowledge`),
  },
  {
    name: 'GET /alerts/stream?unitCode (SSE)',
    roles: READ,
    scoped: true,
    ok: [200],
    outOfScope: [403],
    prepare: sharedObj,
    call: async (c) => {
      const base = await c.w.listen();
      const abort = new AbortController();
      const res = await fetch(`${base}/alerts/stream?unitCode=${c.target}`, {
        headers: c.token ? { authorization: `Bearer ${c.token}` } : {},
        signal: abort.signal,
      });
      const headers = Object.fromEntries(res.headers.entries());
      let text = '';
      let body: unknown;
      if (res.status === 200) abort.abort();
      else {
        text = await res.text();
        try {
          body = JSON.parse(text);
        } catch {
          /* not JSON */
        }
      }
      return { status: res.status, headers, body, text };
    },
    check: (_c, a, inScope) =>
      inScope && !String(a.headers['content-type']).startsWith('text/event-stream') ? `content-type ${a.headers['content-type']}` : undefined,
  },
  // ---- audit ----
  {
    name: 'GET /audit/export',
    roles: ['auditor', 'admin'],
    scoped: true,
    ok: [200],
    outOfScope: [403],
    prepare: sharedObj,
    check: listsObject,
    call: (c) => req(c, 'GET', `/audit/export?unitCode=${c.target}&${PERIOD}`),
  },
  {
    name: 'GET /audit/verify?stream=dossier-{id}',
    roles: ['auditor', 'admin'],
    scoped: true,
    ok: [200],
    outOfScope: [404],
    prepare: sharedObj,
    check: noLeak,
    call: (c) => req(c, 'GET', `/audit/verify?stream=dossier-${c.obj.id}`),
  },
  // without a stream: the whole log for a caller covering every root unit (P), else only the streams of
  // the caller's own units (never the object's outside them); units covering nothing: 403
  {
    name: 'GET /audit/verify (whole log)',
    roles: ['auditor', 'admin'],
    scoped: false,
    ok: [200],
    noUnits: [403],
    prepare: sharedObj,
    call: (c) => req(c, 'GET', `/audit/verify`),
    check: (c, a) => {
      const whole = c.sub.endsWith('-ancestor');
      if (whole) return a.body?.scope === 'all' ? undefined : `the root caller got scope ${a.body?.scope}`;
      if (a.body?.scope !== 'units') return `scope ${a.body?.scope} for a caller below the root`;
      if ((a.body.units as string[]).includes(P)) return 'a unit outside the caller’s units was walked';
      return undefined;
    },
  },
  { name: 'GET /audit/anchors/{day}', roles: ['auditor', 'admin'], scoped: false, ok: [200, 404], call: (c) => req(c, 'GET', `/audit/anchors/2024-01-02`) },
  { name: 'POST /audit/anchors/{day}', roles: ['admin'], scoped: false, ok: [200], call: (c) => req(c, 'POST', `/audit/anchors/2024-01-02`) },
  // ---- reference data ----
  { name: 'GET /units', scoped: false, ok: [200], call: (c) => req(c, 'GET', `/units`) },
  { name: 'GET /units/{code}', scoped: false, ok: [200], call: (c) => req(c, 'GET', `/units/${c.target}`) },
  {
    name: 'PUT /units/{code}',
    roles: ['admin'],
    scoped: true,
    ok: [200],
    outOfScope: [403],
    call: (c) =>
      req(
        c,
        'PUT',
        `/units/${c.target}`,
        c.target === A1 ? { name: 'Phường A1', level: 'commune', parentCode: A } : { name: 'Quận A', level: 'district', parentCode: P },
      ),
  },
  { name: 'GET /procedures', scoped: false, ok: [200], call: (c) => req(c, 'GET', `/procedures`) },
  { name: 'GET /procedures/{code}', scoped: false, ok: [200], call: (c) => req(c, 'GET', `/procedures/${PROC}`) },
  {
    name: 'PUT /procedures/{code}',
    roles: ['admin'],
    scoped: 'root',
    ok: [200],
    call: (c) =>
      req(c, 'PUT', `/procedures/${PROC}`, {
        name: 'Đăng ký khai sinh',
        field: 'Hộ tịch',
        processingTime: { amount: 3, unit: 'working_day' },
        onlineLevel: 'full',
      }),
  },
  { name: 'GET /calendar/{year}', scoped: false, ok: [200], call: (c) => req(c, 'GET', `/calendar/2025`) },
  // campaign windows (issue #15): readable by every role; written by an admin whose units cover every unit of the campaign
  { name: 'GET /campaigns', scoped: false, ok: [200], call: (c) => req(c, 'GET', `/campaigns`) },
  { name: 'GET /campaigns/{id}', scoped: false, ok: [200], call: (c) => req(c, 'GET', `/campaigns/authz-seed`) },
  {
    name: 'PUT /campaigns/{id}',
    roles: ['admin'],
    scoped: true,
    ok: [200, 201],
    outOfScope: [403],
    call: (c) => req(c, 'PUT', `/campaigns/authz-${c.target}`, campaignBody(c.target, c.target === A1 ? '2031-06' : '2031-07')),
  },
  {
    name: 'PUT /calendar/{year}',
    roles: ['admin'],
    scoped: 'root',
    ok: [200],
    call: (c) => req(c, 'PUT', `/calendar/2041`, { holidays: ['2041-01-01'], workingDays: [] }),
  },
  // ---- webhooks, imports, admin tools ----
  {
    name: 'PUT /units/{code}/webhook',
    roles: ['admin'],
    scoped: true,
    ok: [200],
    outOfScope: [403],
    call: (c) => req(c, 'PUT', `/units/${c.target}/webhook`, { url: 'http://127.0.0.1:9/hook', secret: 'a-webhook-secret-of-some-length' }),
  },
  {
    name: 'GET /units/{code}/webhook',
    roles: ['admin'],
    scoped: true,
    ok: [200, 404],
    outOfScope: [403],
    check: (_c, a) => (a.text.includes('a-webhook-secret') ? 'the secret is shown' : undefined),
    call: (c) => req(c, 'GET', `/units/${c.target}/webhook`),
  },
  {
    name: 'DELETE /units/{code}/webhook',
    roles: ['admin'],
    scoped: true,
    ok: [204, 404],
    outOfScope: [403],
    call: (c) => req(c, 'DELETE', `/units/${c.target}/webhook`),
  },
  {
    name: 'PUT /units/{code}/notification-settings',
    roles: ['admin'],
    scoped: true,
    ok: [200],
    outOfScope: [403],
    call: (c) => req(c, 'PUT', `/units/${c.target}/notification-settings`, { channels: [], templates: { received: { sms: 'Ho so {{code}}' } } }),
  },
  {
    name: 'GET /units/{code}/notification-settings',
    roles: ['admin'],
    scoped: true,
    ok: [200],
    outOfScope: [403],
    call: (c) => req(c, 'GET', `/units/${c.target}/notification-settings`),
  },
  { name: 'GET /admin/notifications/dead-letter', roles: ['admin'], scoped: false, ok: [200], call: (c) => req(c, 'GET', `/admin/notifications/dead-letter`) },
  {
    name: 'POST /admin/notifications/dead-letter/{id}/resend',
    roles: ['admin'],
    scoped: false,
    ok: [404],
    call: (c) => req(c, 'POST', `/admin/notifications/dead-letter/no-such-notice/resend`),
  },
  {
    name: 'POST /imports (a receive line)',
    roles: ['admin'],
    scoped: false,
    ok: [200],
    call: (c) =>
      req(
        c,
        'POST',
        '/imports',
        JSON.stringify({
          command: 'receive',
          dossierId: randomUUID(),
          unitCode: c.target,
          procedureCode: PROC,
          channel: 'postal',
          applicant: { name: 'Lê Văn Cường' },
        }) + '\n',
        { 'content-type': 'application/x-ndjson' },
      ),
    // the line itself is unit-scoped: accepted in scope, rejected 403 outside
    check: (_c, a, inScope) => {
      const want = inScope ? { accepted: 1, rejected: 0 } : { accepted: 0, rejected: 1, status: 403 };
      const got = { accepted: a.body?.accepted, rejected: a.body?.rejected, ...(inScope ? {} : { status: a.body?.errors?.[0]?.status }) };
      return JSON.stringify(got) === JSON.stringify(want) ? undefined : `import answered ${JSON.stringify(a.body)}`;
    },
  },
  { name: 'GET /admin/webhooks/dead-letter', roles: ['admin'], scoped: false, ok: [200], call: (c) => req(c, 'GET', `/admin/webhooks/dead-letter`) },
  {
    name: 'POST /admin/webhooks/dead-letter/{id}/retry',
    roles: ['admin'],
    scoped: false,
    ok: [404],
    call: (c) => req(c, 'POST', `/admin/webhooks/dead-letter/no-such-job/retry`),
  },
  {
    name: 'GET /admin/projections/{name}/rebuild',
    roles: ['admin'],
    scoped: false,
    ok: [200],
    call: (c) => req(c, 'GET', `/admin/projections/dossier-summary/rebuild`),
  },
  { name: 'GET /admin/queues (bull-board)', roles: ['admin'], scoped: false, ok: [200], call: (c) => req(c, 'GET', `/admin/queues`) },
  // ---- issue #16: two units per dossier, liên thông, reorganisation ----
  // a dossier received at district B (covered only by the province) for the target unit: the
  // target's users see and resolve it as their own (users of either unit)
  {
    name: 'GET /dossiers/{id} (competent unit, received elsewhere)',
    roles: READ,
    scoped: true,
    ok: [200],
    outOfScope: [404],
    prepare: competentElsewhere,
    check: noLeak,
    call: (c) => req(c, 'GET', `/dossiers/${c.obj.id}`),
  },
  {
    name: 'POST /dossiers/{id}/resolve (competent unit, received elsewhere)',
    roles: ['officer', 'supervisor'],
    scoped: true,
    ok: [200],
    outOfScope: [404],
    prepare: competentElsewhere,
    call: (c) => req(c, 'POST', `/dossiers/${c.obj.id}/resolve`, { outcome: 'approved' }),
  },
  {
    name: 'POST /dossiers/{id}/transfers',
    roles: ['officer', 'supervisor'],
    scoped: true,
    ok: [201],
    outOfScope: [404],
    prepare: received,
    call: (c) => req(c, 'POST', `/dossiers/${c.obj.id}/transfers`, { toUnitCode: P, task: 'Thẩm định', processingTime: { amount: 2, unit: 'working_day' } }),
  },
  {
    name: 'POST /dossiers/{id}/transfers/{transferId}/return',
    roles: ['officer', 'supervisor'],
    scoped: true,
    ok: [200],
    outOfScope: [404],
    prepare: transferred,
    call: (c) => req(c, 'POST', `/dossiers/${c.obj.id}/transfers/${c.obj.secret}/return`, { outcome: 'done' }),
  },
];

/** Routes of the OpenAPI document the table must cover (method + path template). */
const COVERED: Record<string, string[]> = {
  'post /dossiers': ['POST /dossiers (receive)'],
  'post /refusals': ['POST /refusals (refuse at the counter)'],
  'get /dossiers': ['GET /dossiers?unitCode (work list)', 'GET /dossiers (own units)', 'GET /dossiers?code (find)', 'GET /dossiers?q (find)'],
  'get /public/dossiers/{code}': ['GET /public/dossiers/{code}?pin'],
  'post /dossiers/{id}/assign': ['POST /dossiers/{id}/assign (to self)'],
  'post /dossiers/{id}/request-supplement': ['POST /dossiers/{id}/request-supplement'],
  'post /dossiers/{id}/receive-supplement': ['POST /dossiers/{id}/receive-supplement'],
  'post /dossiers/{id}/apologise': ['POST /dossiers/{id}/apologise'],
  'post /dossiers/{id}/resolve': ['POST /dossiers/{id}/resolve'],
  'post /dossiers/{id}/withdraw': ['POST /dossiers/{id}/withdraw'],
  'post /dossiers/{id}/rate': ['POST /dossiers/{id}/rate'],
  'post /dossiers/{id}/pause': ['POST /dossiers/{id}/pause'],
  'post /dossiers/{id}/resume': ['POST /dossiers/{id}/resume'],
  'post /dossiers/{id}/return-result': ['POST /dossiers/{id}/return-result'],
  'post /dossiers/{id}/correct': ['POST /dossiers/{id}/correct'],
  'get /dossiers/{id}': ['GET /dossiers/{id}', 'GET /dossiers/{id}?asOf'],
  'get /dossiers/{id}/history': ['GET /dossiers/{id}/history'],
  'get /statistics': ['GET /statistics?unitCode', 'GET /statistics?unitCode&format=xlsx', 'GET /statistics?unitCode&period&cutoff=nd09'],
  'get /dossiers/{id}/forms/receipt.pdf': ['GET /dossiers/{id}/forms/receipt.pdf'],
  'get /dossiers/{id}/forms/apology.pdf': ['GET /dossiers/{id}/forms/apology.pdf'],
  'get /dossiers/{id}/forms/control-sheet.pdf': ['GET /dossiers/{id}/forms/control-sheet.pdf'],
  'get /dossiers/{id}/forms/supplement-request.pdf': ['GET /dossiers/{id}/forms/supplement-request.pdf'],
  'get /dossiers/{id}/forms/refusal.pdf': ['GET /dossiers/{id}/forms/refusal.pdf'],
  'get /dossiers/{id}/forms/stop-notice.pdf': ['GET /dossiers/{id}/forms/stop-notice.pdf'],
  'get /units/{code}/tracking-book.pdf': ['GET /units/{code}/tracking-book.pdf'],
  'get /alerts': ['GET /alerts?unitCode', 'GET /alerts (own units)'],
  'get /alerts/stream': ['GET /alerts/stream?unitCode (SSE)'],
  'post /alerts/{id}/acknowledge': ['POST /alerts/{id}/acknowledge'],
  'get /audit/export': ['GET /audit/export'],
  'get /audit/verify': ['GET /audit/verify?stream=dossier-{id}', 'GET /audit/verify (whole log)'],
  'get /audit/anchors/{day}': ['GET /audit/anchors/{day}'],
  'post /audit/anchors/{day}': ['POST /audit/anchors/{day}'],
  'get /units': ['GET /units'],
  'get /units/{code}': ['GET /units/{code}'],
  'put /units/{code}': ['PUT /units/{code}'],
  'get /procedures': ['GET /procedures'],
  'get /procedures/{code}': ['GET /procedures/{code}'],
  'put /procedures/{code}': ['PUT /procedures/{code}'],
  'get /calendar/{year}': ['GET /calendar/{year}'],
  'put /calendar/{year}': ['PUT /calendar/{year}'],
  'get /campaigns': ['GET /campaigns'],
  'get /campaigns/{id}': ['GET /campaigns/{id}'],
  'put /campaigns/{id}': ['PUT /campaigns/{id}'],
  'put /units/{code}/webhook': ['PUT /units/{code}/webhook'],
  'get /units/{code}/webhook': ['GET /units/{code}/webhook'],
  'delete /units/{code}/webhook': ['DELETE /units/{code}/webhook'],
  'get /dossiers/{id}/notifications': ['GET /dossiers/{id}/notifications'],
  'post /dossiers/{id}/notifications/opt-out': ['POST /dossiers/{id}/notifications/opt-out'],
  'put /units/{code}/notification-settings': ['PUT /units/{code}/notification-settings'],
  'get /units/{code}/notification-settings': ['GET /units/{code}/notification-settings'],
  'get /admin/notifications/dead-letter': ['GET /admin/notifications/dead-letter'],
  'post /admin/notifications/dead-letter/{id}/resend': ['POST /admin/notifications/dead-letter/{id}/resend'],
  'post /imports': ['POST /imports (a receive line)'],
  'get /admin/webhooks/dead-letter': ['GET /admin/webhooks/dead-letter'],
  'post /admin/webhooks/dead-letter/{id}/retry': ['POST /admin/webhooks/dead-letter/{id}/retry'],
  'get /admin/projections/{name}/rebuild': ['GET /admin/projections/{name}/rebuild'],
  // POST rebuild starts a background rebuild: checked below for roles only (admin 202/409)
  'post /admin/projections/{name}/rebuild': [],
  'post /dossiers/{id}/transfers': ['POST /dossiers/{id}/transfers'],
  'post /dossiers/{id}/transfers/{transferId}/return': ['POST /dossiers/{id}/transfers/{transferId}/return'],
  // closing a unit needs the caller to cover both units: checked below with fresh units
  'post /units/{code}/succession': [],
};
const PUBLIC = ['get /health', 'get /health/live'];

/** A campaign week for one unit (its days 02–06 of `month`): 3 working days → 1. */
function campaignBody(unitCode: string, month: string) {
  return {
    name: 'Tuần lễ giải quyết hồ sơ ngay trong ngày',
    unitCodes: [unitCode],
    from: `${month}-02`,
    to: `${month}-06`,
    procedures: [{ procedureCode: PROC, processingTime: { amount: 1, unit: 'working_day' } }],
  };
}

/** The expected statuses of one cell. */
function expected(route: Route, caller: Caller, relation: Relation): number[] {
  if (route.public) return route.ok;
  if (caller === 'none') return [401];
  if (route.roles && !route.roles.includes(caller)) return [403];
  const rel = RELATIONS[relation];
  if (route.scoped === 'root') return rel.root ? route.ok : [403];
  if (route.scoped && !rel.inScope) return route.outOfScope ?? [403, 404];
  if (!route.scoped && route.noUnits && NO_UNITS.includes(relation)) return route.noUnits;
  return route.ok;
}

describe('authorisation matrix: route × role × unit relation', () => {
  const tokens: Record<string, string> = {};
  const matrix: string[] = [];

  beforeAll(async () => {
    world = await startWorld('authz');
    for (const t of [A1, A]) {
      const d = await world.receive(t);
      const alertId = await world.raiseAlert(d.id);
      const pin = (await world.h.request('GET', `/dossiers/${d.id}`, { token: world.root })).body.lookupPin;
      shared[t] = { id: d.id, code: d.code, alertId, pin };
    }
    const seeded = await world.h.request('PUT', '/campaigns/authz-seed', {
      token: await world.token(['admin'], [P], 'admin-seed'),
      body: campaignBody(A1, '2031-05'),
    });
    expect(seeded.status).toBe(201);
    await world.catchUp();
    for (const role of ROLE_NAMES)
      for (const [relation, rel] of Object.entries(RELATIONS))
        tokens[`${role}:${relation}`] = await world.token([role], rel.caller, `${role}-${relation.replace(/ /g, '-')}`);
  }, 120_000);

  afterAll(async () => {
    console.log(`authorisation matrix (cell = statuses seen; ${Object.keys(RELATIONS).join('/')})\n${matrix.join('\n')}`);
    await world?.close();
  });

  it('covers every route of the OpenAPI document', async () => {
    const doc = (await world.h.request('GET', '/docs/openapi.json')).body;
    const ops = Object.entries(doc.paths as Record<string, object>).flatMap(([p, o]) => Object.keys(o).map((m) => `${m} ${p.replace(/^\/api\/v1/, '')}`));
    const missing = ops.filter((op) => !(op in COVERED) && !PUBLIC.includes(op));
    expect(missing).toEqual([]);
    for (const names of Object.values(COVERED)) for (const n of names) expect(ROUTES.map((r) => r.name)).toContain(n);
  });

  for (const route of ROUTES) {
    it(
      route.name,
      async () => {
        const bad: string[] = [];
        const row: string[] = [];
        for (const caller of CALLERS) {
          const cells: string[] = [];
          for (const relation of Object.keys(RELATIONS) as Relation[]) {
            const rel = RELATIONS[relation];
            const obj = route.prepare ? await route.prepare(world, rel.target) : {};
            const ctx: Ctx = {
              w: world,
              target: rel.target,
              token: caller === 'none' ? undefined : tokens[`${caller}:${relation}`],
              sub: `${caller}-${relation.replace(/ /g, '-')}`,
              obj,
            };
            const a = await route.call(ctx);
            const want = expected(route, caller, relation);
            cells.push(String(a.status));
            const where = `${caller} ${relation}`;
            if (!want.includes(a.status)) bad.push(`${where}: ${a.status} (expected ${want.join('/')}) ${a.text.slice(0, 200)}`);
            const defect = problemDefect(a);
            if (defect) bad.push(`${where}: ${a.status} is not a problem: ${defect}`);
            if (a.status >= 400) {
              // the refusal may echo the request path (`instance`), never the object's data
              const { instance: _path, ...rest } = (a.body ?? {}) as Record<string, unknown>;
              const shown = JSON.stringify(rest);
              for (const s of [obj.code, APPLICANT]) if (s && shown.includes(s)) bad.push(`${where}: the refusal shows the object (${s})`);
            } else if (route.check) {
              const msg = route.check(ctx, a, rel.inScope);
              if (msg) bad.push(`${where}: ${msg}`);
            }
          }
          row.push(`${caller.padEnd(10)} ${cells.join(' ')}`);
        }
        matrix.push(`${route.name}\n  ${row.join('\n  ')}`);
        expect(bad).toEqual([]);
      },
      240_000,
    ); // 54 requests per route (6 callers × 9 unit relations), PDFs among them: generous on a loaded machine
  }

  it('POST /units/{code}/succession: an admin covering both the closed unit and its successor (issue #16)', async () => {
    // two fresh communes under district A per cell (so that no other row loses its unit)
    const fresh = async () => {
      const codes = [`M-${randomUUID().slice(0, 8)}`, `S-${randomUUID().slice(0, 8)}`];
      for (const code of codes) {
        const r = await world.h.request('PUT', `/units/${code}`, { token: world.root, body: { name: `Xã ${code}`, level: 'commune', parentCode: A } });
        expect(r.status).toBe(201);
      }
      return codes;
    };
    const bad: string[] = [];
    for (const caller of CALLERS)
      for (const relation of Object.keys(RELATIONS)) {
        const [old, successor] = await fresh();
        const token = caller === 'none' ? undefined : tokens[`${caller}:${relation}`];
        const a = await req({ w: world, target: A, token, sub: caller, obj: {} }, 'POST', `/units/${old}/succession`, {
          successorCode: successor,
          effectiveDate: '2025-07-01',
        });
        // in scope: the caller's units cover district A (parent) or the province (ancestor)
        const want = caller === 'none' ? [401] : caller !== 'admin' ? [403] : ['parent', 'ancestor'].includes(relation) ? [200] : [403];
        if (!want.includes(a.status)) bad.push(`${caller}/${relation}: ${a.status} (expected ${want.join('/')}) ${a.text.slice(0, 200)}`);
        const unit = (await world.h.request('GET', `/units/${old}`, { token: world.root })).body;
        if ((a.status === 200) !== (unit.validTo === '2025-06-30'))
          bad.push(`${caller}/${relation}: the unit is ${unit.validTo ? '' : 'not '}closed after ${a.status}`);
      }
    expect(bad).toEqual([]);
  }, 300_000);

  it('POST /admin/projections/{name}/rebuild: admin only (202, or 409 while one runs)', async () => {
    const c = (caller: Caller): Ctx => ({ w: world, target: A1, token: caller === 'none' ? undefined : tokens[`${caller}:ancestor`], sub: caller, obj: {} });
    for (const caller of CALLERS) {
      const a = await req(c(caller), 'POST', '/admin/projections/dossier-summary/rebuild');
      const want = caller === 'none' ? [401] : caller === 'admin' ? [202, 409] : [403];
      expect({ caller, ok: want.includes(a.status) }).toEqual({ caller, ok: true });
    }
    // let the rebuild finish before the app closes
    const admin = c('admin');
    for (let i = 0; i < 200; i++) {
      const s = await req(admin, 'GET', '/admin/projections/dossier-summary/rebuild');
      if (s.body?.state !== 'running') break;
      await new Promise((r) => setTimeout(r, 50));
    }
  });

  it('a token whose sub claims to be the system (system:…) gets no unit bypass', async () => {
    const d = shared[A1];
    const t = await world.token(['clerk', 'supervisor', 'auditor'], [B1], 'system:timers');
    const c: Ctx = { w: world, target: A1, token: t, sub: 'system:timers', obj: d };
    for (const url of [`/dossiers/${d.id}`, `/dossiers/${d.id}/history`, `/dossiers/${d.id}/forms/receipt.pdf`, `/audit/export?unitCode=${A1}&${PERIOD}`]) {
      const a = await req(c, 'GET', url);
      expect({ url, refused: [401, 403, 404].includes(a.status) }).toEqual({ url, refused: true });
      expect(a.text).not.toContain(d.code);
    }
    const w = await req(c, 'POST', `/dossiers/${d.id}/withdraw`, { reason: 'x' });
    expect([401, 403, 404]).toContain(w.status);
  });
});
