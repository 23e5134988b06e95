/**
 * HTTP benchmarks (issue "Commands per second and p99 latency over HTTP"): the real app (createApp,
 * fastify, auth, validation, the event store) listening on 127.0.0.1, driven by autocannon with 32
 * connections, on a file-backed PGlite directory and on a fresh PostgreSQL schema.
 *
 * The app runs in this process; autocannon runs in a child process (this same file, started with
 * `--load-generator`), so that the load generator does not share the server's event loop.
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

export type BenchTarget = 'pglite' | 'postgres';
export const TARGETS: readonly BenchTarget[] = ['pglite', 'postgres'];

const JWT_SECRET = 'bench-secret-that-is-long-enough-for-hs256-0123456789';
export const PROVINCE = '000.00.00.H29';
export const DISTRICT = '000.00.27.H29';
/** Wards of the district: receptions are spread over them (each unit has its own daily code counter). */
export const WARDS = Array.from({ length: 20 }, (_, i) => `000.27.${String(i + 1).padStart(2, '0')}.H29`);
export const PROCEDURE = '1.001612';

export const CONNECTIONS = 32;

export function httpDurations(quick: boolean): { seconds: number; warmupSeconds: number } {
  return quick ? { seconds: 5, warmupSeconds: 1 } : { seconds: 15, warmupSeconds: 2 };
}

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
export async function startBenchService(target: BenchTarget, label: string): Promise<BenchService> {
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
  // BullMQ keys (deadline timers) under a prefix of our own, deleted afterwards; the queues read it from
  // the environment.
  const prefix = `motcua-bench-${randomUUID().slice(0, 8)}`;
  const previousPrefix = process.env.QUEUE_PREFIX;
  process.env.QUEUE_PREFIX = prefix;
  const dropStore = cleanup;
  cleanup = async () => {
    if (previousPrefix === undefined) delete process.env.QUEUE_PREFIX;
    else process.env.QUEUE_PREFIX = previousPrefix;
    await deleteRedisKeys(`${prefix}:*`).catch((err: unknown) => console.warn(`could not delete Redis keys ${prefix}:*: ${String(err)}`));
    await dropStore();
  };
  let app: NestFastifyApplication | undefined;
  try {
    // No rate limit: the benchmark measures what the service can do, not the per-user quota.
    const env = { EVENT_STORE_URL: url, JWT_SECRET, LOG_LEVEL: 'silent', PORT: '0', HOST: '127.0.0.1', REDIS_URL: process.env.REDIS_URL, RATE_LIMIT_PER_MINUTE: '0' };
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
    const count = (sql: string) => {
      queries++;
      if (trace) {
        const key = sql.replace(/\s+/g, ' ').slice(0, 90);
        trace.set(key, (trace.get(key) ?? 0) + 1);
      }
    };
    const counting = (e: SqlExecutor): SqlExecutor => ({
      query: (sql, params) => (count(sql), e.query(sql, params)),
      exec: (sql) => (count(sql), e.exec(sql)),
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
        if (trace) for (const [sql, n] of [...trace].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`sql ${String(n).padStart(8)}  ${sql}`);
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

async function deleteRedisKeys(pattern: string): Promise<void> {
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

async function seed(svc: BenchService): Promise<void> {
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
  await put(`/procedures/${PROCEDURE}`, { name: 'Đăng ký khai sinh', field: 'Hộ tịch', processingTime: { amount: 3, unit: 'working_day' }, onlineLevel: 'full' });
}

// ---------------------------------------------------------------------------------------------
// The load generator (a child process running autocannon)

export type HttpScenario = 'health' | 'receive' | 'receive-one-unit' | 'mixed';

interface LoadSpec {
  scenario: HttpScenario;
  origin: string;
  token: string;
  seconds: number;
  connections: number;
}

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

async function fire(spec: LoadSpec): Promise<LoadResult> {
  const autocannon = (await import('autocannon')).default;
  const headers = { authorization: `Bearer ${spec.token}`, 'content-type': 'application/json' };
  let n = 0;
  const receiveBody = (id: string, unitCode: string) =>
    JSON.stringify({
      id,
      unitCode,
      procedureCode: PROCEDURE,
      channel: n % 3 === 0 ? 'online' : 'direct',
      applicant: { name: APPLICANTS[n++ % APPLICANTS.length], idNumber: '079203001234', phone: '0901234567' },
    });
  type Ctx = { id?: string };
  let requests: import('autocannon').Request[];
  switch (spec.scenario) {
    case 'health':
      requests = [{ method: 'GET', path: '/api/v1/health/live' }];
      break;
    case 'receive':
    case 'receive-one-unit': {
      const units = spec.scenario === 'receive' ? WARDS : [WARDS[0]];
      requests = [
        {
          method: 'POST',
          path: '/api/v1/dossiers',
          headers,
          setupRequest: (req) => ({ ...req, body: receiveBody(randomUUID(), units[n % units.length]) }),
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
            return { ...req, body: receiveBody(c.id, WARDS[n % WARDS.length]) };
          },
        },
        {
          method: 'POST',
          headers,
          setupRequest: (req, ctx) => ({ ...req, path: `/api/v1/dossiers/${(ctx as Ctx).id}/assign`, body: JSON.stringify({ assignee: 'officer-1', assigneeName: 'Trần Minh' }) }),
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

/** Runs one autocannon load in a child process (this file with --load-generator). */
export function runLoad(spec: LoadSpec): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = fork(__filename, ['--load-generator'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let answered = false;
    child.once('message', (m: { result?: LoadResult; error?: string }) => {
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

if (require.main === module && process.argv.includes('--load-generator')) {
  process.once('message', (spec: LoadSpec) => {
    fire(spec).then(
      (result) => process.send!({ result }, () => process.exit(0)),
      (err: unknown) => process.send!({ error: err instanceof Error ? err.stack : String(err) }, () => process.exit(1)),
    );
  });
}

// ---------------------------------------------------------------------------------------------
// The benchmark

export interface HttpRow {
  target: BenchTarget;
  scenario: string;
  connections: number;
  requests: number;
  seconds: number;
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  queriesPerRequest: number;
  note?: string;
}

export const SCENARIOS: { scenario: HttpScenario; title: string }[] = [
  { scenario: 'health', title: 'GET /health/live (framework baseline)' },
  { scenario: 'receive', title: 'POST /dossiers (20 wards)' },
  { scenario: 'receive-one-unit', title: 'POST /dossiers (one ward)' },
  { scenario: 'mixed', title: 'mixed: receive, assign, GET, resolve' },
];

export interface HttpBenchOptions {
  quick: boolean;
  targets?: readonly BenchTarget[];
  log?: (line: string) => void;
}

export async function runHttpBench(opts: HttpBenchOptions): Promise<HttpRow[]> {
  const log = opts.log ?? ((l: string) => console.log(l));
  const { seconds, warmupSeconds } = httpDurations(opts.quick);
  const rows: HttpRow[] = [];
  for (const target of opts.targets ?? TARGETS) {
    const svc = await startBenchService(target, 'http');
    try {
      for (const { scenario, title } of SCENARIOS) {
        const token = svc.supervisorToken;
        await runLoad({ scenario, origin: svc.origin, token, seconds: warmupSeconds, connections: CONNECTIONS });
        await settle();
        svc.takeQueryCount();
        const r = await runLoad({ scenario, origin: svc.origin, token, seconds, connections: CONNECTIONS });
        const queries = svc.takeQueryCount();
        const others = Object.entries(r.statusCodes).filter(([code]) => !code.startsWith('2'));
        const notes = [
          ...others.map(([code, count]) => `${fmtInt(count)} × ${code}`),
          r.errors ? `${fmtInt(r.errors)} errors (${fmtInt(r.timeouts)} timeouts)` : '',
        ].filter(Boolean);
        const row: HttpRow = {
          target,
          scenario: title,
          connections: CONNECTIONS,
          requests: r.requests,
          seconds: r.seconds,
          reqPerSec: r.reqPerSec,
          p50Ms: r.p50Ms,
          p99Ms: r.p99Ms,
          non2xx: r.non2xx,
          queriesPerRequest: r.requests ? queries / r.requests : 0,
          note: notes.join(', ') || undefined,
        };
        rows.push(row);
        log(
          `${target} ${scenario}: ${fmtInt(row.reqPerSec)} req/s, p50 ${fmtMs(row.p50Ms)} ms, p99 ${fmtMs(row.p99Ms)} ms, ` +
            `non-2xx ${row.non2xx}, ${row.queriesPerRequest.toFixed(1)} queries/request${row.note ? ` (${row.note})` : ''}`,
        );
      }
    } finally {
      await svc.close();
    }
  }
  return rows;
}

export const HTTP_COLUMNS: Column<HttpRow>[] = [
  { header: 'Store', value: (r) => r.target },
  { header: 'Scenario', value: (r) => r.scenario },
  { header: 'Connections', align: 'right', value: (r) => String(r.connections) },
  { header: 'Requests', align: 'right', value: (r) => fmtInt(r.requests) },
  { header: 'Req/s', align: 'right', value: (r) => fmtInt(r.reqPerSec) },
  { header: 'p50 (ms)', align: 'right', value: (r) => fmtMs(r.p50Ms) },
  { header: 'p99 (ms)', align: 'right', value: (r) => fmtMs(r.p99Ms) },
  { header: 'Non-2xx', align: 'right', value: (r) => fmtInt(r.non2xx) },
  { header: 'SQL/request', align: 'right', value: (r) => r.queriesPerRequest.toFixed(1) },
  { header: 'Notes', value: (r) => r.note ?? '' },
];

export function httpTable(rows: HttpRow[]): string {
  return markdownTable(HTTP_COLUMNS, rows);
}

export function httpMethod(quick: boolean): string[] {
  const { seconds, warmupSeconds } = httpDurations(quick);
  return [
    `The real app (\`createApp\`: fastify, JWT auth, validation, problem+json, the event store) listens on ` +
      `127.0.0.1 in the benchmark process with \`LOG_LEVEL=silent\`; autocannon runs in a child process ` +
      `(its own event loop, on the other core), ${CONNECTIONS} connections, no pipelining.`,
    `Stores: PGlite in a fresh temporary directory with the worker (projections, deadline timers in Redis) in ` +
      `the same process, as \`npm start\` runs it; PostgreSQL in a fresh schema (dropped afterwards), api only ` +
      `(pool of 10 connections), as \`npm run start:api\` runs it. Rate limit off (\`RATE_LIMIT_PER_MINUTE=0\`); ` +
      `BullMQ keys under a prefix of their own, deleted afterwards.`,
    `Each scenario runs ${seconds} s after an untimed ${warmupSeconds} s warm-up of the same scenario, on the ` +
      `same store (so later scenarios run on a store that already holds the earlier dossiers).`,
    `\`POST /dossiers\`: a supervisor's token, a new client-chosen UUID per request, round-robin over 20 wards ` +
      `(each ward and day has its own code-counter stream) or all into one ward (every reception appends to the ` +
      `same counter stream). Mixed: each connection loops receive → assign → \`GET /dossiers/{id}\` → resolve on ` +
      `the dossier it has just received.`,
    `Latencies are autocannon's (per request, as seen by the client). SQL/request: statements the process sent ` +
      `through its SQL driver during the timed run (requests, and on PGlite the in-process projections too), ` +
      `divided by the requests answered. \`BENCH_SQL_TRACE=1\` prints them by count.`,
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
