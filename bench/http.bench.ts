/**
 * HTTP benchmarks (issues "Commands per second and p99 latency over HTTP" and #8): the real app
 * (createApp: fastify, auth, validation, the event store) listening on 127.0.0.1, on a file-backed
 * PGlite directory and on a fresh PostgreSQL schema, beside a bare Nest app on the same adapter
 * (bench/support/bare-nest.ts, the framework baseline). Three kinds of load:
 *
 * - closed loop: autocannon with 32 connections, flat out;
 * - a fixed 500 req/s of `POST /dossiers` (open loop, bench/support/open-loop.ts), latencies from the
 *   scheduled send times;
 * - the maximum sustainable rate: the highest fixed rate with ≥ 98 % achieved and p99 ≤ 1 s, found by
 *   a short search of fixed-rate steps.
 *
 * The apps run in this process; the load generators run in a child process (this same file, started
 * with `--load-generator`), so that they do not share the server's event loop.
 */
import { ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { SqlDriver, SqlExecutor } from '@motcua/sql';
import { Column, fmtInt, fmtMs, markdownTable, settle } from './support';
import { BENCH_DATABASE_URL, withSearchPath } from './support/databases';
import type { OpenLoopResult } from './support/open-loop';

export type BenchTarget = 'pglite' | 'postgres';
export const TARGETS: readonly BenchTarget[] = ['pglite', 'postgres'];

export const JWT_SECRET = 'bench-secret-that-is-long-enough-for-hs256-0123456789';
export const PROVINCE = '000.00.00.H29';
export const DISTRICT = '000.00.27.H29';
/** Wards of the district: receptions are spread over them (each unit has its own daily code counter). */
export const WARDS = Array.from({ length: 20 }, (_, i) => `000.27.${String(i + 1).padStart(2, '0')}.H29`);
export const PROCEDURE = '1.001612';

export const CONNECTIONS = 32;

// ---------------------------------------------------------------------------------------------
// The app in this process

export interface BenchService {
  target: BenchTarget;
  /** `http://127.0.0.1:<port>/api/v1` */
  baseUrl: string;
  origin: string;
  app: NestFastifyApplication;
  /** Admin of the province (reference data, imports). */
  adminToken: string;
  /** Supervisor of the province: may receive, assign, resolve and read every dossier. */
  supervisorToken: string;
  /** SQL statements sent by the app since the last call (the counter is reset). */
  takeQueryCount(): number;
  close(): Promise<void>;
}

/** Services still open: closed (temporary directory, schema, Redis keys) on Ctrl-C or SIGTERM too. */
const openServices = new Set<BenchService>();
let signalsHandled = false;

function closeOnSignals(): void {
  if (signalsHandled) return;
  signalsHandled = true;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error(`${signal}: closing ${openServices.size} benchmark service(s)…`);
      void Promise.allSettled([...openServices].map((s) => s.close())).finally(() => process.exit(130));
    });
  }
}

async function adminSql(sql: string): Promise<void> {
  const { PgDriver } = await import('@motcua/sql');
  const admin = new PgDriver({ connectionString: BENCH_DATABASE_URL, max: 1, applicationName: 'motcua-bench' });
  try {
    await admin.exec(sql);
  } finally {
    await admin.close();
  }
}

/**
 * Starts the real app on 127.0.0.1:0 with a fresh store: PGlite in a new temporary directory (the
 * worker in process, as `npm start` runs it) or PostgreSQL in a new schema (api only, as
 * `npm run start:api` runs it). Seeds the province, its district, 20 wards and one procedure.
 */
export async function startBenchService(target: BenchTarget, label: string, extraEnv: Record<string, string> = {}): Promise<BenchService> {
  // Loaded here, not at the top: `--load-generator` children must not load Nest.
  await import('reflect-metadata');
  const { createApp } = await import('../apps/api/src/create-app');
  const { loadConfig, mintToken, SQL_DRIVER } = await import('@motcua/platform');
  let url: string;
  let cleanup: () => Promise<void>;
  if (target === 'pglite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `motcua-bench-${label}-`));
    url = `pglite://${dir}`;
    cleanup = async () => fs.rmSync(dir, { recursive: true, force: true });
  } else {
    const schema = `bench_${label}_${randomUUID().slice(0, 8)}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
    await adminSql(`CREATE SCHEMA ${schema}`);
    url = withSearchPath(BENCH_DATABASE_URL, schema);
    cleanup = () => adminSql(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  }
  // BullMQ keys (deadline timers) under a prefix of our own (QUEUE_PREFIX below), deleted afterwards.
  const prefix = `motcua-bench-${randomUUID().slice(0, 8)}`;
  const dropStore = cleanup;
  cleanup = async () => {
    await deleteRedisKeys(`${prefix}:*`).catch((err: unknown) => console.warn(`could not delete Redis keys ${prefix}:*: ${String(err)}`));
    await dropStore();
  };
  let app: NestFastifyApplication | undefined;
  try {
    // No rate limit: the benchmark measures what the service can do, not the per-user quota.
    const env = {
      EVENT_STORE_URL: url,
      JWT_SECRET,
      LOG_LEVEL: 'silent',
      PORT: '0',
      HOST: '127.0.0.1',
      REDIS_URL: process.env.REDIS_URL,
      QUEUE_PREFIX: prefix,
      RATE_LIMIT_PER_MINUTE: '0',
      ...extraEnv,
    };
    const config = loadConfig(env, 'api');
    app = await createApp(config);
    await app.listen(0, '127.0.0.1');
    const address = app.getHttpServer().address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const origin = `http://127.0.0.1:${port}`;

    // Count the statements the app sends (the event store, the read models and, on PGlite, the
    // in-process projections share this driver), inside transactions and sessions too.
    const driver = app.get<SqlDriver>(SQL_DRIVER);
    let queries = 0;
    // BENCH_SQL_TRACE=1: print the statements by count when the service closes.
    const trace = process.env.BENCH_SQL_TRACE ? new Map<string, number>() : undefined;
    // and the milliseconds from sending each kind to its answer (round trip and server time, under whatever load)
    const traceMs = new Map<string, number>();
    const count = <T>(sql: string, run: () => Promise<T>): Promise<T> => {
      queries++;
      if (!trace) return run();
      const key = sql.replace(/\s+/g, ' ').slice(0, 90);
      trace.set(key, (trace.get(key) ?? 0) + 1);
      const t = performance.now();
      const done = () => traceMs.set(key, (traceMs.get(key) ?? 0) + performance.now() - t);
      const p = run();
      p.then(done, done);
      return p;
    };
    const counting = (e: SqlExecutor): SqlExecutor => ({
      query: (sql, params, options) => count(sql, () => e.query(sql, params, options)),
      exec: (sql) => count(sql, () => e.exec(sql)),
    });
    const direct = counting({ query: driver.query.bind(driver), exec: driver.exec.bind(driver) });
    const transaction = driver.transaction.bind(driver);
    const withSession = driver.withSession.bind(driver);
    driver.query = direct.query;
    driver.exec = direct.exec;
    driver.transaction = (fn) => transaction((tx) => fn(counting(tx)));
    driver.withSession = (fn) => withSession((session) => fn(counting(session)));

    const adminToken = await mintToken({ sub: 'bench-admin', name: 'Quản trị', roles: ['admin'], units: [PROVINCE], expiresIn: '2h' }, JWT_SECRET);
    const supervisorToken = await mintToken({ sub: 'bench-sup', name: 'Võ Thanh', roles: ['supervisor'], units: [PROVINCE], expiresIn: '2h' }, JWT_SECRET);
    const svc: BenchService = {
      target,
      baseUrl: `${origin}/api/v1`,
      origin,
      app,
      adminToken,
      supervisorToken,
      takeQueryCount() {
        const n = queries;
        queries = 0;
        return n;
      },
      async close() {
        if (!openServices.delete(svc)) return;
        if (trace)
          for (const [sql, n] of [...trace]
            .sort((a, b) => b[1] - a[1])
            .slice(0, Number(process.env.BENCH_SQL_TRACE) > 1 ? Number(process.env.BENCH_SQL_TRACE) : 15))
            console.log(`sql ${String(n).padStart(8)} ${fmtInt(traceMs.get(sql) ?? 0).padStart(9)} ms  ${sql}`);
        await app!.close();
        await cleanup();
      },
    };
    await seed(svc);
    openServices.add(svc);
    closeOnSignals();
    return svc;
  } catch (err) {
    await app?.close().catch(() => undefined);
    await cleanup();
    throw err;
  }
}

export async function deleteRedisKeys(pattern: string): Promise<void> {
  const { default: Redis } = await import('ioredis');
  const redis = new Redis(process.env.REDIS_URL || 'redis://127.0.0.1:6379', { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** Seeds the province, its district, 20 wards and one procedure through the API (as the admin). */
export async function seed(svc: Pick<BenchService, 'baseUrl' | 'adminToken'>): Promise<void> {
  const put = async (url: string, body: unknown) => {
    const res = await fetch(`${svc.baseUrl}${url}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${svc.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (res.status !== 200 && res.status !== 201) throw new Error(`seeding ${url}: ${res.status} ${await res.text()}`);
  };
  await put(`/units/${PROVINCE}`, { name: 'TP. Hồ Chí Minh', level: 'province' });
  await put(`/units/${DISTRICT}`, { name: 'Quận 1', level: 'district', parentCode: PROVINCE });
  for (const [i, ward] of WARDS.entries()) await put(`/units/${ward}`, { name: `Phường ${i + 1}`, level: 'commune', parentCode: DISTRICT });
  await put(`/procedures/${PROCEDURE}`, {
    name: 'Đăng ký khai sinh',
    field: 'Hộ tịch',
    processingTime: { amount: 3, unit: 'working_day' },
    onlineLevel: 'full',
  });
}

// ---------------------------------------------------------------------------------------------
// The load generators (a child process: autocannon for closed loops, bench/support/open-loop for fixed rates)

export type HttpScenario = 'bare' | 'health' | 'procedure' | 'receive' | 'receive-one-unit' | 'mixed';

/** The route of the bare Nest app (bench/support/bare-nest.ts). */
export const BARE_PATH = '/api/v1/bare';

/** Closed loop: autocannon, each connection sends its next request when the previous one is answered. */
interface ClosedLoadSpec {
  kind: 'closed';
  scenario: HttpScenario;
  origin: string;
  token: string;
  seconds: number;
  connections: number;
}

/** Open loop: a fixed rate, whatever the answers (bench/support/open-loop.ts). */
interface OpenLoadSpec {
  kind: 'open';
  scenario: HttpScenario;
  origin: string;
  token: string;
  rate: number;
  seconds: number;
  graceSeconds: number;
  connections: number;
}

type LoadSpec = ClosedLoadSpec | OpenLoadSpec;

export interface LoadResult {
  requests: number;
  seconds: number;
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
}

const APPLICANTS = ['Nguyễn Văn An', 'Trần Thị Bích Ngọc', 'Lê Hoàng Phúc', 'Phạm Thị Thu Hương', 'Hoàng Minh Đức', 'Vũ Thị Lan Anh'];

/** The body of the n-th reception. */
function receiveBody(n: number, id: string, unitCode: string): string {
  return JSON.stringify({
    id,
    unitCode,
    procedureCode: PROCEDURE,
    channel: n % 3 === 0 ? 'online' : 'direct',
    applicant: { name: APPLICANTS[n % APPLICANTS.length], idNumber: '079203001234', phone: '0901234567' },
  });
}

function unitsOf(scenario: HttpScenario): string[] {
  return scenario === 'receive-one-unit' ? [WARDS[0]] : WARDS;
}

async function fireClosed(spec: ClosedLoadSpec): Promise<LoadResult> {
  const autocannon = (await import('autocannon')).default;
  const headers = { authorization: `Bearer ${spec.token}`, 'content-type': 'application/json' };
  let n = 0;
  type Ctx = { id?: string };
  let requests: import('autocannon').Request[];
  switch (spec.scenario) {
    case 'bare':
      requests = [{ method: 'GET', path: BARE_PATH }];
      break;
    case 'health':
      requests = [{ method: 'GET', path: '/api/v1/health/live' }];
      break;
    case 'procedure':
      requests = [{ method: 'GET', path: `/api/v1/procedures/${PROCEDURE}`, headers: { authorization: headers.authorization } }];
      break;
    case 'receive':
    case 'receive-one-unit': {
      const units = unitsOf(spec.scenario);
      requests = [
        {
          method: 'POST',
          path: '/api/v1/dossiers',
          headers,
          setupRequest: (req) => ({ ...req, body: receiveBody(n, randomUUID(), units[n++ % units.length]) }),
        },
      ];
      break;
    }
    case 'mixed':
      // per connection, in a loop: receive a dossier, assign it, read it, resolve it
      requests = [
        {
          method: 'POST',
          path: '/api/v1/dossiers',
          headers,
          setupRequest: (req, ctx) => {
            const c = ctx as Ctx;
            c.id = randomUUID();
            return { ...req, body: receiveBody(n, c.id, WARDS[n++ % WARDS.length]) };
          },
        },
        {
          method: 'POST',
          headers,
          setupRequest: (req, ctx) => ({
            ...req,
            path: `/api/v1/dossiers/${(ctx as Ctx).id}/assign`,
            body: JSON.stringify({ assignee: 'officer-1', assigneeName: 'Trần Minh' }),
          }),
        },
        {
          method: 'GET',
          headers: { authorization: headers.authorization },
          setupRequest: (req, ctx) => ({ ...req, path: `/api/v1/dossiers/${(ctx as Ctx).id}` }),
        },
        {
          method: 'POST',
          headers,
          setupRequest: (req, ctx) => ({ ...req, path: `/api/v1/dossiers/${(ctx as Ctx).id}/resolve`, body: JSON.stringify({ outcome: 'approved' }) }),
        },
      ];
      break;
  }
  const result = await autocannon({ url: spec.origin, connections: spec.connections, duration: spec.seconds, requests, timeout: 30 });
  const statusCodes: Record<string, number> = {};
  for (const [code, s] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = s.count ?? 0;
  const total = result['1xx'] + result['2xx'] + result['3xx'] + result['4xx'] + result['5xx'];
  return {
    requests: total,
    seconds: result.duration,
    reqPerSec: total / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes,
  };
}

async function fireOpen(spec: OpenLoadSpec): Promise<OpenLoopResult> {
  const { fireAtRate } = await import('./support/open-loop');
  const url = new URL(spec.origin);
  const auth = `Authorization: Bearer ${spec.token}\r\n`;
  const fixed = (text: string) => {
    const bytes = Buffer.from(text, 'latin1');
    return () => bytes;
  };
  let request: (i: number) => Buffer;
  switch (spec.scenario) {
    case 'bare':
      request = fixed(`GET ${BARE_PATH} HTTP/1.1\r\nHost: ${url.host}\r\n\r\n`);
      break;
    case 'health':
      request = fixed(`GET /api/v1/health/live HTTP/1.1\r\nHost: ${url.host}\r\n\r\n`);
      break;
    case 'procedure':
      request = fixed(`GET /api/v1/procedures/${PROCEDURE} HTTP/1.1\r\nHost: ${url.host}\r\n${auth}\r\n`);
      break;
    case 'receive':
    case 'receive-one-unit': {
      const units = unitsOf(spec.scenario);
      const head = `POST /api/v1/dossiers HTTP/1.1\r\nHost: ${url.host}\r\n${auth}Content-Type: application/json\r\n`;
      request = (i) => {
        const body = Buffer.from(receiveBody(i, randomUUID(), units[i % units.length]), 'utf8');
        return Buffer.concat([Buffer.from(`${head}Content-Length: ${body.length}\r\n\r\n`, 'latin1'), body]);
      };
      break;
    }
    case 'mixed':
      throw new Error('the mixed scenario runs in a closed loop only');
  }
  return fireAtRate({
    host: url.hostname,
    port: Number(url.port),
    rate: spec.rate,
    seconds: spec.seconds,
    graceSeconds: spec.graceSeconds,
    connections: spec.connections,
    request,
  });
}

function runChild<T>(spec: LoadSpec): Promise<T> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = fork(__filename, ['--load-generator'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let answered = false;
    child.once('message', (m: { result?: T; error?: string }) => {
      answered = true;
      if (m.result) resolve(m.result);
      else reject(new Error(`load generator: ${m.error}`));
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (!answered) reject(new Error(`load generator exited with ${code} before answering`));
    });
    child.send(spec);
  });
}

/** Runs one autocannon load (closed loop) in a child process (this file with --load-generator). */
export function runLoad(spec: Omit<ClosedLoadSpec, 'kind'>): Promise<LoadResult> {
  return runChild<LoadResult>({ kind: 'closed', ...spec });
}

/** Runs one fixed-rate load (open loop) in a child process (this file with --load-generator). */
export function runFixedRate(spec: Omit<OpenLoadSpec, 'kind'>): Promise<OpenLoopResult> {
  return runChild<OpenLoopResult>({ kind: 'open', ...spec });
}

if (require.main === module && process.argv.includes('--load-generator')) {
  process.once('message', (spec: LoadSpec) => {
    (spec.kind === 'open' ? fireOpen(spec) : fireClosed(spec)).then(
      (result) => process.send!({ result }, () => process.exit(0)),
      (err: unknown) => process.send!({ error: err instanceof Error ? err.stack : String(err) }, () => process.exit(1)),
    );
  });
}

// ---------------------------------------------------------------------------------------------
// The benchmark

/** The fixed rate of the issue: "HTTP command latency p50/p99 at a fixed 500 req/s". */
export const FIXED_RATE = 500;
/** Keep-alive connections of the fixed-rate generator (requests beyond them wait in its queue). */
export const OPEN_LOOP_CONNECTIONS = 64;
/** A fixed rate is sustained when at least this share of it is achieved… */
export const SUSTAINED_SHARE = 0.98;
/** …with a p99 latency (from the scheduled send time) of at most this. */
export const SUSTAINED_P99_MS = 1000;

export function httpDurations(quick: boolean) {
  return quick
    ? { seconds: 2, warmupSeconds: 1, fixedSeconds: 3, stepSeconds: 2, steps: 3, graceSeconds: 1 }
    : { seconds: 6, warmupSeconds: 1, fixedSeconds: 8, stepSeconds: 4, steps: 5, graceSeconds: 1 };
}

type Store = BenchTarget | 'bare';
type Load = 'closed' | 'fixed' | 'max';

export interface HttpRow {
  target: Store;
  scenario: string;
  load: Load;
  connections: number;
  /** Fixed rate asked for (fixed, max), req/s. */
  targetRate?: number;
  /** Answered (closed loop) or scheduled (fixed rate). */
  requests: number;
  /** Answered per second (closed loop); 2xx answers per second over the run (fixed rate). */
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  /** Non-2xx answers, errors, and (fixed rate) requests left unanswered when the run was cut. */
  failed: number;
  queriesPerRequest?: number;
  note?: string;
}

const TITLES: Record<HttpScenario, string> = {
  bare: `bare Nest route: GET ${BARE_PATH.replace('/api/v1', '')}`,
  health: 'GET /health/live (public)',
  procedure: 'GET /procedures/{code} (JWT, in memory)',
  receive: 'POST /dossiers (20 wards)',
  'receive-one-unit': 'POST /dossiers (one ward)',
  mixed: 'mixed: receive, assign, GET, resolve',
};

/** Closed-loop scenarios on each store, in order. */
export const SCENARIOS: readonly HttpScenario[] = ['health', 'procedure', 'receive', 'receive-one-unit', 'mixed'];

export interface HttpBenchOptions {
  quick: boolean;
  targets?: readonly BenchTarget[];
  log?: (line: string) => void;
}

/** A fixed rate was sustained: achieved ≥ 98 % of it, p99 ≤ 1 s. */
export function sustained(rate: number, r: OpenLoopResult): boolean {
  return r.achievedPerSec >= SUSTAINED_SHARE * rate && r.p99Ms <= SUSTAINED_P99_MS;
}

/** Whole requests per second, three significant digits from 1,000 on: 87.4 → 87, 1234 → 1230. */
function roundRate(x: number): number {
  if (x < 1000) return Math.max(1, Math.round(x));
  const unit = 10 ** (Math.floor(Math.log10(x)) - 2);
  return Math.max(1, Math.round(x / unit) * unit);
}

interface Step {
  rate: number;
  result: OpenLoopResult;
  queries: number;
  pass: boolean;
}

/**
 * The maximum sustainable rate: fixed-rate steps, the first at `anchor` (the closed-loop
 * throughput), then ×1.5 while they pass or ×0.7 while they fail, until one of each is known, then
 * bisection; at most `steps` steps, and no further once the bounds are within 4 % of each other.
 */
async function searchMaxRate(anchor: number, steps: number, step: (rate: number) => Promise<Step>): Promise<{ best?: Step; fail?: Step; tried: Step[] }> {
  let best: Step | undefined;
  let fail: Step | undefined;
  const tried: Step[] = [];
  let rate = roundRate(anchor);
  for (let i = 0; i < steps; i++) {
    const s = await step(rate);
    tried.push(s);
    if (s.pass && (!best || s.rate > best.rate)) best = s;
    if (!s.pass && (!fail || s.rate < fail.rate)) fail = s;
    let next: number;
    if (!fail) next = roundRate(rate * 1.5);
    else if (!best) next = roundRate(rate * 0.7);
    else {
      if (fail.rate <= best.rate * 1.04) break;
      next = roundRate((best.rate + fail.rate) / 2);
      if (next === best.rate || next === fail.rate) break;
    }
    rate = next;
  }
  return { best, fail, tried };
}

function openNotes(r: OpenLoopResult): string[] {
  const others = Object.entries(r.statusCodes).filter(([code]) => !code.startsWith('2'));
  return [
    ...others.map(([code, count]) => `${fmtInt(count)} × ${code}`),
    r.errors ? `${fmtInt(r.errors)} connection errors` : '',
    r.unfinished ? `${fmtInt(r.unfinished)} unanswered when cut` : '',
    r.cpuPercent > 80 ? `generator at ${r.cpuPercent.toFixed(0)} % CPU` : '',
    r.sendLagP99Ms > 20 ? `generator's timer late (p99 ${fmtMs(r.sendLagP99Ms)} ms)` : '',
  ].filter(Boolean);
}

/**
 * Waits (at most 10 s) until this process's event loop (the server under test, and on PGlite the
 * in-process worker and PGlite itself) is less than 20 % busy over 250 ms: after a step the server
 * could not keep up with, it is still working through the requests it had accepted.
 */
async function untilIdle(): Promise<number> {
  const { performance } = await import('node:perf_hooks');
  const started = Date.now();
  while (Date.now() < started + 10_000) {
    const before = performance.eventLoopUtilization();
    await new Promise((r) => setTimeout(r, 250));
    if (performance.eventLoopUtilization(before).utilization < 0.2) break;
  }
  return Date.now() - started;
}

function ratio(bare: number | undefined, ours: number): string {
  return bare !== undefined && ours > 0 ? `bare ÷ this: ${(bare / ours).toFixed(bare / ours < 10 ? 1 : 0)}×` : '';
}

export async function runHttpBench(opts: HttpBenchOptions): Promise<HttpRow[]> {
  const log = opts.log ?? ((l: string) => console.log(l));
  const d = httpDurations(opts.quick);
  const rows: HttpRow[] = [];
  const push = (row: HttpRow, at = rows.length) => {
    rows.splice(at, 0, row);
    const target = row.targetRate !== undefined ? ` at ${fmtInt(row.targetRate)}/s` : '';
    log(
      `${row.target} ${row.scenario} (${row.load}${target}): ${fmtInt(row.reqPerSec)} req/s, p50 ${fmtMs(row.p50Ms)} ms, ` +
        `p99 ${fmtMs(row.p99Ms)} ms, failed ${fmtInt(row.failed)}` +
        `${row.queriesPerRequest !== undefined ? `, ${row.queriesPerRequest.toFixed(1)} queries/request` : ''}${row.note ? ` (${row.note})` : ''}`,
    );
  };

  /** One server (origin): closed-loop scenarios, then a fixed rate and the max-rate search for one of them. */
  async function measure(
    target: Store,
    origin: string,
    token: string,
    takeQueryCount: () => number | undefined,
    closed: readonly HttpScenario[],
    rated: HttpScenario,
    bare?: { closed: number; max?: number },
  ): Promise<{ closed: number; max?: number }> {
    let ratedThroughput = 0;
    for (const scenario of closed) {
      await runLoad({ scenario, origin, token, seconds: d.warmupSeconds, connections: CONNECTIONS });
      await settle();
      takeQueryCount();
      const r = await runLoad({ scenario, origin, token, seconds: d.seconds, connections: CONNECTIONS });
      const queries = takeQueryCount();
      if (scenario === rated) ratedThroughput = r.reqPerSec;
      const others = Object.entries(r.statusCodes).filter(([code]) => !code.startsWith('2'));
      const notes = [
        ...others.map(([code, count]) => `${fmtInt(count)} × ${code}`),
        r.errors ? `${fmtInt(r.errors)} errors (${fmtInt(r.timeouts)} timeouts)` : '',
        scenario === 'mixed' ? '' : ratio(bare?.closed, r.reqPerSec),
      ].filter(Boolean);
      if (!r.requests) notes.unshift('**no answer during the run**');
      push({
        target,
        scenario: TITLES[scenario],
        load: 'closed',
        connections: CONNECTIONS,
        requests: r.requests,
        reqPerSec: r.reqPerSec,
        p50Ms: r.requests ? r.p50Ms : NaN,
        p99Ms: r.requests ? r.p99Ms : NaN,
        failed: r.non2xx + r.errors,
        queriesPerRequest: queries === undefined ? undefined : r.requests ? queries / r.requests : 0,
        note: notes.join(', ') || undefined,
      });
    }

    const step = async (rate: number, seconds: number, last = false): Promise<Step> => {
      await settle();
      takeQueryCount();
      const result = await runFixedRate({ scenario: rated, origin, token, rate, seconds, graceSeconds: d.graceSeconds, connections: OPEN_LOOP_CONNECTIONS });
      const queries = takeQueryCount() ?? NaN;
      const pass = sustained(rate, result);
      log(
        `  ${target} ${rated} at ${fmtInt(rate)}/s: ${fmtInt(result.achievedPerSec)}/s achieved, p50 ${fmtMs(result.p50Ms)} ms, ` +
          `p99 ${fmtMs(result.p99Ms)} ms, generator ${result.cpuPercent.toFixed(0)} % CPU: ${pass ? 'sustained' : 'not sustained'}`,
      );
      // A server that fell behind is still working through what it had accepted.
      if (!pass && !last) {
        const waited = await untilIdle();
        if (waited > 1000) log(`  (waited ${(waited / 1000).toFixed(1)} s for the server to catch up)`);
      }
      return { rate, result, queries, pass };
    };
    const openRow = (load: Load, s: Step, notes: string[]): HttpRow => {
      const answered = s.result.ok + s.result.non2xx;
      return {
        target,
        scenario: TITLES[rated],
        load,
        connections: OPEN_LOOP_CONNECTIONS,
        targetRate: s.rate,
        requests: s.result.scheduled,
        reqPerSec: s.result.achievedPerSec,
        p50Ms: s.result.p50Ms,
        p99Ms: s.result.p99Ms,
        failed: s.result.non2xx + s.result.errors + s.result.unfinished,
        queriesPerRequest: Number.isNaN(s.queries) ? undefined : answered ? s.queries / answered : 0,
        note: [...notes, ...openNotes(s.result)].filter(Boolean).join(', ') || undefined,
      };
    };

    const maxRowAt = rows.length;
    const { best, fail, tried } = await searchMaxRate(ratedThroughput, d.steps, (rate) => step(rate, d.stepSeconds));
    const steps = `steps: ${tried.map((s) => `${fmtInt(s.rate)} ${s.pass ? '✓' : '✗'}`).join(', ')}`;
    if (best) {
      push(
        openRow('max', best, [
          fail ? `fails at ${fmtInt(fail.rate)}/s` : `highest rate tried`,
          steps,
          bare?.max !== undefined ? ratio(bare.max, best.rate) : '',
        ]),
      );
    } else {
      const lowest = tried.reduce((a, b) => (b.rate < a.rate ? b : a));
      push(openRow('max', lowest, [`**no rate tried was sustained** (lowest shown)`, steps]));
    }

    // Last: on the stores, 500/s overloads the server, and it takes a while to catch up.
    const fixed = await step(FIXED_RATE, d.fixedSeconds, true);
    push(openRow('fixed', fixed, [fixed.pass ? 'sustained' : `**not sustained**: ${fmtInt(fixed.result.achievedPerSec)}/s achieved`]), maxRowAt);
    return { closed: ratedThroughput, max: best?.rate };
  }

  // The bare Nest route: no store, no token.
  const { startBareNest } = await import('./support/bare-nest');
  const bareApp = await startBareNest();
  let bare: { closed: number; max?: number };
  try {
    bare = await measure('bare', bareApp.origin, '', () => undefined, ['bare'], 'bare');
  } finally {
    await bareApp.close();
  }

  for (const target of opts.targets ?? TARGETS) {
    const starting = Date.now();
    const svc = await startBenchService(target, 'http');
    log(`${target}: service started and seeded in ${((Date.now() - starting) / 1000).toFixed(1)} s`);
    try {
      await measure(target, svc.origin, svc.supervisorToken, () => svc.takeQueryCount(), SCENARIOS, 'receive', bare);
    } finally {
      const closing = Date.now();
      await svc.close();
      log(`${target}: service closed in ${((Date.now() - closing) / 1000).toFixed(1)} s`);
    }
  }
  return rows;
}

const LOADS: Record<Load, (r: HttpRow) => string> = {
  closed: (r) => `closed loop, ${r.connections} conn.`,
  fixed: (r) => fmtInt(r.targetRate),
  max: (r) => `max: ${fmtInt(r.targetRate)}`,
};

/** autocannon (closed loop) measures whole milliseconds: 0 is "below 1 ms". */
function latency(r: HttpRow, ms: number): string {
  return r.load === 'closed' && ms === 0 ? '< 1' : fmtMs(ms);
}

export const HTTP_COLUMNS: Column<HttpRow>[] = [
  { header: 'Store', value: (r) => (r.target === 'bare' ? '–' : r.target) },
  { header: 'Scenario', value: (r) => r.scenario },
  { header: 'Target rate (req/s)', align: 'right', value: (r) => LOADS[r.load](r) },
  { header: 'Achieved (req/s)', align: 'right', value: (r) => fmtInt(r.reqPerSec) },
  { header: 'p50 (ms)', align: 'right', value: (r) => latency(r, r.p50Ms) },
  { header: 'p99 (ms)', align: 'right', value: (r) => latency(r, r.p99Ms) },
  { header: 'Failed', align: 'right', value: (r) => fmtInt(r.failed) },
  { header: 'SQL/request', align: 'right', value: (r) => (r.queriesPerRequest === undefined ? '–' : r.queriesPerRequest.toFixed(1)) },
  { header: 'Notes', value: (r) => r.note ?? '' },
];

export function httpTable(rows: HttpRow[]): string {
  return markdownTable(HTTP_COLUMNS, rows);
}

export function httpMethod(quick: boolean): string[] {
  const d = httpDurations(quick);
  return [
    `The real app (\`createApp\`: fastify, JWT auth, validation, problem+json, the event store) listens on ` +
      `127.0.0.1 in the benchmark process with \`LOG_LEVEL=silent\`; the load generator runs in a child process ` +
      `(its own event loop), no pipelining. Framework baseline: a bare Nest app started the same way ` +
      `(\`NestFactory\` + \`FastifyAdapter\` with its defaults, the same \`api/v1\` prefix, one controller ` +
      `answering \`{"status":"ok"}\`; no guards, pipes, filters, logger or store). \`bare ÷ this\` in the notes is ` +
      `the bare route's rate over the row's (closed loop against closed loop, maximum against maximum): the ` +
      `cost of our framework stack (\`/health/live\`: request ids, the metrics and rate-limit hooks, ` +
      `nestjs-pino's request logger (a Nest middleware, run through @fastify/middie, even when silent), the ` +
      `global idempotency interceptor, the auth guard's public-route check, the exception filter; ` +
      `\`/procedures/{code}\`: the same plus JWT verification and the role guard, answered from memory) and of the command.`,
    `Stores: PGlite in a fresh temporary directory with the worker (projections, deadline timers in Redis) in ` +
      `the same process, as \`npm start\` runs it; PostgreSQL in a fresh schema (dropped afterwards), api only ` +
      `(pool of 10 connections), as \`npm run start:api\` runs it. Rate limit off (\`RATE_LIMIT_PER_MINUTE=0\`); ` +
      `BullMQ keys under a prefix of their own, deleted afterwards.`,
    `Closed loop (autocannon, ${CONNECTIONS} connections, each sending its next request when the previous one is ` +
      `answered): what the server does flat out; latencies as autocannon measures them, in whole milliseconds. Each scenario runs ${d.seconds} s after an untimed ` +
      `${d.warmupSeconds} s warm-up of the same scenario, on the same store (so later scenarios run on a store ` +
      `that already holds the earlier dossiers).`,
    `Fixed rate (open loop, \`bench/support/open-loop.ts\`): request i is due at i ÷ rate, whether or not ` +
      `earlier ones were answered, over a pool of ${OPEN_LOOP_CONNECTIONS} keep-alive connections (a request ` +
      `that finds them all busy waits in the generator). Latencies run from the scheduled time (as wrk2 ` +
      `measures them), so a server that falls behind shows it in p50/p99 instead of slowing the load down. ` +
      `Achieved = 2xx answers per second from the first to the last 2xx answer. Sending stops after the run; ` +
      `answers are awaited ${d.graceSeconds} s more, then the run is cut: Failed counts non-2xx answers, ` +
      `connection errors and requests left unanswered. autocannon's \`overallRate\` is not used: it gives each ` +
      `connection a per-second quota, fired back to back at the start of every second (bursts at full ` +
      `concurrency, then idle), and corrects latencies with an expected interval of 1 ms.`,
    `Fixed ${FIXED_RATE} req/s: ${d.fixedSeconds} s of \`POST /dossiers\` (and of the bare route). A rate that is ` +
      `not sustained is marked so; its achieved rate and latencies are those of a server falling behind. It runs ` +
      `after the search below (it overloads the stores, which then take a while to catch up). After a step that ` +
      `was not sustained, the next waits (up to 10 s) until the server's event loop is less than 20 % busy.`,
    `Maximum sustainable rate: the highest fixed rate at which, over a ${d.stepSeconds} s step, at least ` +
      `${SUSTAINED_SHARE * 100} % of the rate is achieved in 2xx answers and p99 ≤ ${fmtInt(SUSTAINED_P99_MS)} ms. ` +
      `Search: the first step at the closed-loop throughput, then ×1.5 while steps pass or ×0.7 while they fail, ` +
      `then bisection, at most ${d.steps} steps and none once the bounds are within 4 %; rates in whole ` +
      `requests per second, 3 significant digits from 1,000 on. The notes list the steps (✓ sustained, ✗ not) and the lowest rate that failed.`,
    `\`POST /dossiers\`: a supervisor's token, a new client-chosen UUID per request, round-robin over 20 wards ` +
      `(each ward and day has its own code-counter stream) or all into one ward (every reception appends to the ` +
      `same counter stream). Mixed: each connection loops receive → assign → \`GET /dossiers/{id}\` → resolve on ` +
      `the dossier it has just received.`,
    `SQL/request: statements the process sent through its SQL driver during the timed run (requests, and on ` +
      `PGlite the in-process projections too), divided by the requests answered. \`BENCH_SQL_TRACE=1\` prints them by count.`,
    `Where the time goes (CPU profiles of the 20-ward \`POST /dossiers\` run, November 2026; not re-measured by ` +
      `each run): server, PostgreSQL and autocannon share 2 cores and the server's core is saturated. A reception ` +
      `costs ~3.6 ms of server CPU on PostgreSQL and ~11 ms on PGlite, against ~0.3 ms for \`/health/live\`. It ` +
      `sends 6 statements: read the dossier stream, read the ward's daily code counter, and for each of its two ` +
      `appends (counter, dossier) a read of the stream's last event for the hash chain, then \`es_append\` ` +
      `(2 commits). PostgreSQL: ~1.4 ms a reception in the pg client, ~0.9 ms of it the loopback \`writev\` of ` +
      `the statements. PGlite: ~6.8 ms a reception inside PGlite (WASM, ~0.9 ms a statement); the in-process ` +
      `worker adds ~2 statements a reception (the deadline timer loads the dossier; projections). The domain's ` +
      `\`requireTimeZone\` builds an \`Intl.DateTimeFormat\` on every call (twice a reception): 0.25–0.6 ms, ` +
      `5–6 % of the server's CPU. JWT verification, validation and logging are each below 0.5 ms. The hash-chain ` +
      `reads repeat what the command has just read (the whole dossier stream, the counter's last events): ` +
      `handing that over would save 2 of the 6 statements.`,
    `One ward: every reception appends to the same code-counter stream. On PostgreSQL (10 pooled connections ` +
      `in parallel) most attempts lose the optimistic race, back off and retry (tens of statements a reception, a p99 ` +
      `of seconds); PGlite runs one statement at a time, so the race is rarer there. Twenty wards spread the ` +
      `counters and keep retries rare.`,
  ];
}

/** The entry for bench/run.ts (`--only=http`); rows are HttpRow, drawn by httpTable. */
export const httpBenchDefinition = {
  name: 'http',
  title: 'HTTP (commands per second and latency)',
  run: (opts: { quick: boolean }) => runHttpBench(opts) as Promise<unknown[]> as Promise<never[]>,
  table: (rows: readonly unknown[]) => httpTable(rows as HttpRow[]),
  method: httpMethod,
};
