/**
 * Service CPU (issue #20): the built service as `npm start` runs it (embedded default: PGlite in a
 * fresh temporary directory, the worker in process), spawned as its own process, measured from the
 * outside through /proc/<pid>/stat (utime + stime: every thread of the process, PGlite's WASM,
 * the projections, BullMQ, the logger):
 *
 * - idle: CPU over a quiet window once the service is up and caught up (no request, no work);
 * - per `POST /dossiers`: the CPU the process spent from the start of a fixed-rate run of receptions
 *   until the in-process worker has caught up with them, divided by the receptions;
 * - side by side, a raw Node `http` server (its own process) answering the same JSON POSTs with
 *   `JSON.parse` and a small JSON answer, under the same load: the floor of a Node request.
 *
 * The load generator (bench/support/open-loop.ts) runs in a child process of its own (http.bench's
 * `runFixedRate`), so neither server shares its event loop.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Column, fmtInt, fmtMs, markdownTable } from './support';
import { deleteRedisKeys, JWT_SECRET, PROVINCE, runFixedRate, seed } from './http.bench';

const CLK_TCK = 100; // Linux USER_HZ: /proc/<pid>/stat counts CPU in 1/100 s

/** CPU seconds (user + system, all threads) the process has used so far. */
export function processCpuSeconds(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // fields after the command name (which may hold spaces) start at ") "; utime and stime are fields 14 and 15
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

export interface ServiceCpuSizes {
  settleSeconds: number;
  idleSeconds: number;
  rate: number;
  loadSeconds: number;
}

export function serviceCpuSizes(quick: boolean): ServiceCpuSizes {
  return quick ? { settleSeconds: 5, idleSeconds: 30, rate: 20, loadSeconds: 5 } : { settleSeconds: 10, idleSeconds: 60, rate: 50, loadSeconds: 20 };
}

export interface ServiceCpuRow {
  subject: string;
  measure: string;
  value: string;
  note?: string;
}

/** Untimed warm-up of each load, at the same rate. */
const WARMUP_SECONDS = 3;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** The repository root: dist/bench → the root holding package.json (from src too). */
function repoRoot(): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'infra'))) return dir;
    dir = path.dirname(dir);
  }
  throw new Error(`repository root not found above ${__dirname}`);
}

async function waitFor(what: string, ok: () => Promise<boolean>, timeoutMs: number, everyMs = 250): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await ok().catch(() => false)) return;
    if (Date.now() > until) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await sleep(everyMs);
  }
}

/** Sum of every `eventsBehind` in the readiness answer (projections, the timers subscription). */
function eventsBehind(health: unknown): number {
  let n = 0;
  const walk = (v: unknown): void => {
    if (!v || typeof v !== 'object') return;
    for (const [k, x] of Object.entries(v)) {
      if (k === 'eventsBehind' && typeof x === 'number') n += x;
      else walk(x);
    }
  };
  walk(health);
  return n;
}

interface Spawned {
  child: ChildProcess;
  exited: Promise<void>;
  stop(): Promise<void>;
}

function spawnNode(args: string[], env: NodeJS.ProcessEnv, cwd: string): Spawned {
  const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('exit', (code, signal) => {
    if (code && code !== 0) console.error(`service-cpu: ${args.join(' ')} exited with ${code ?? signal}: ${stderr}`);
  });
  return {
    child,
    exited,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 25_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** A raw Node `http` server answering any JSON POST with 201 and a small JSON body (a child process). */
const RAW_SERVER = `
const http = require('node:http');
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    let body;
    try { body = JSON.parse(Buffer.concat(chunks).toString('utf8')); } catch { res.writeHead(400).end(); return; }
    const out = JSON.stringify({ id: body.id, status: 'received' });
    res.writeHead(201, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(out) }).end(out);
  });
});
server.keepAliveTimeout = 60000;
server.listen(Number(process.env.PORT), '127.0.0.1', () => process.stderr.write('raw listening\\n'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;

interface LoadMeasure {
  ok: number;
  failed: number;
  cpuSeconds: number;
  /** From the start of the load until caught up (the service) or the load's end (raw). */
  seconds: number;
  p50Ms: number;
  p99Ms: number;
}

async function measureLoad(pid: number, origin: string, token: string, sizes: ServiceCpuSizes, caughtUp?: () => Promise<boolean>): Promise<LoadMeasure> {
  // untimed warm-up (JIT, caches, connections) at the same rate, then a quiet second
  await runFixedRate({ scenario: 'receive', origin, token, rate: sizes.rate, seconds: WARMUP_SECONDS, graceSeconds: 5, connections: 16 });
  if (caughtUp) await waitFor('worker caught up after the warm-up', caughtUp, 120_000, 100);
  await sleep(1000);
  const cpu0 = processCpuSeconds(pid);
  const t0 = Date.now();
  const r = await runFixedRate({ scenario: 'receive', origin, token, rate: sizes.rate, seconds: sizes.loadSeconds, graceSeconds: 5, connections: 16 });
  if (caughtUp) await waitFor('worker caught up after the load', caughtUp, 120_000, 100);
  const cpuSeconds = processCpuSeconds(pid) - cpu0;
  return {
    ok: r.ok,
    failed: r.non2xx + r.errors + r.unfinished,
    cpuSeconds,
    seconds: (Date.now() - t0) / 1000,
    p50Ms: r.p50Ms,
    p99Ms: r.p99Ms,
  };
}

export async function runServiceCpuBench(opts: { quick: boolean; log?: (line: string) => void }): Promise<ServiceCpuRow[]> {
  const log = opts.log ?? ((line: string) => console.log(line));
  const sizes = serviceCpuSizes(opts.quick);
  const root = repoRoot();
  const main = path.join(root, 'dist', 'apps', 'api', 'src', 'main.js');
  if (!fs.existsSync(main)) throw new Error(`${main} not found: build first (npm run build)`);
  const { mintToken } = await import('@motcua/platform');
  const rows: ServiceCpuRow[] = [];

  // ---- the service, as `npm start` runs it
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-bench-service-cpu-'));
  const prefix = `motcua-bench-cpu-${randomUUID().slice(0, 8)}`;
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: process.env.NODE_ENV,
    EVENT_STORE_URL: `pglite://${dir}`,
    JWT_SECRET,
    HOST: '127.0.0.1',
    PORT: String(port),
    QUEUE_PREFIX: prefix,
    ...(process.env.REDIS_URL && { REDIS_URL: process.env.REDIS_URL }),
    // the per-token limit (1,200 a minute) would answer 429 to a steady 50/s from one token
    RATE_LIMIT_PER_MINUTE: '0',
    // LOG_LEVEL unset: the production default (info), JSON lines to stdout (here /dev/null)
  };
  const service = spawnNode([main], env, root);
  const pid = service.child.pid!;
  let idle: { cpuSeconds: number; seconds: number } | undefined;
  try {
    const started = Date.now();
    await waitFor('service listening', async () => (await fetch(`${origin}/api/v1/health/live`)).ok, 120_000);
    log(`service-cpu: service up in ${((Date.now() - started) / 1000).toFixed(1)} s (pid ${pid})`);
    const adminToken = await mintToken({ sub: 'bench-admin', name: 'Quản trị', roles: ['admin'], units: [PROVINCE], expiresIn: '2h' }, JWT_SECRET);
    const supervisorToken = await mintToken({ sub: 'bench-sup', name: 'Võ Thanh', roles: ['supervisor'], units: [PROVINCE], expiresIn: '2h' }, JWT_SECRET);
    await seed({ baseUrl: `${origin}/api/v1`, adminToken });
    const caughtUp = async () => {
      const res = await fetch(`${origin}/api/v1/health`);
      return res.ok && eventsBehind(await res.json()) === 0;
    };
    await waitFor('worker caught up with the seed', caughtUp, 120_000);
    await sleep(sizes.settleSeconds * 1000);

    // ---- idle
    const cpu0 = processCpuSeconds(pid);
    const t0 = Date.now();
    await sleep(sizes.idleSeconds * 1000);
    idle = { cpuSeconds: processCpuSeconds(pid) - cpu0, seconds: (Date.now() - t0) / 1000 };
    const idlePct = (100 * idle.cpuSeconds) / idle.seconds;
    log(`service-cpu: idle ${idlePct.toFixed(2)} % of a core over ${idle.seconds.toFixed(0)} s`);
    rows.push({
      subject: 'service (npm start, PGlite, worker in process)',
      measure: 'idle CPU',
      value: `${idlePct.toFixed(2)} % of a core`,
      note: `${fmtMs(idle.cpuSeconds * 1000)} ms of CPU over ${idle.seconds.toFixed(0)} s, no request`,
    });

    // ---- POST /dossiers at a fixed rate, until the worker has caught up
    const svc = await measureLoad(pid, origin, supervisorToken, sizes, caughtUp);
    const netCpu = svc.cpuSeconds - (idle.cpuSeconds / idle.seconds) * svc.seconds;
    const perPost = (1000 * svc.cpuSeconds) / Math.max(1, svc.ok);
    log(`service-cpu: ${svc.ok} receptions, ${fmtMs(svc.cpuSeconds * 1000)} ms CPU, ${perPost.toFixed(2)} ms each`);
    rows.push({
      subject: 'service (npm start, PGlite, worker in process)',
      measure: 'CPU per POST /dossiers',
      value: `${perPost.toFixed(2)} ms`,
      note:
        `${fmtInt(svc.ok)} receptions at ${sizes.rate}/s (${fmtInt(svc.failed)} failed), p50 ${fmtMs(svc.p50Ms)} / p99 ${fmtMs(svc.p99Ms)} ms; ` +
        `${fmtMs(svc.cpuSeconds * 1000)} ms of CPU over ${svc.seconds.toFixed(1)} s until caught up ` +
        `(less the idle rate: ${((1000 * netCpu) / Math.max(1, svc.ok)).toFixed(2)} ms each)`,
    });

    // ---- a raw Node http server under the same load
    const rawPort = await freePort();
    const raw = spawnNode(['-e', RAW_SERVER], { PATH: process.env.PATH, PORT: String(rawPort) }, root);
    try {
      const rawOrigin = `http://127.0.0.1:${rawPort}`;
      await waitFor(
        'raw server listening',
        () =>
          new Promise<boolean>((resolve) => {
            const s = net.connect(rawPort, '127.0.0.1', () => (s.destroy(), resolve(true)));
            s.once('error', () => resolve(false));
          }),
        20_000,
        50,
      );
      await sleep(1000);
      const r = await measureLoad(raw.child.pid!, rawOrigin, supervisorToken, sizes);
      const rawPerPost = (1000 * r.cpuSeconds) / Math.max(1, r.ok);
      log(`service-cpu: raw node ${r.ok} requests, ${rawPerPost.toFixed(3)} ms each`);
      rows.push({
        subject: 'raw Node http server (JSON.parse, 201 JSON)',
        measure: 'CPU per POST',
        value: `${rawPerPost.toFixed(3)} ms`,
        note: `${fmtInt(r.ok)} requests at ${sizes.rate}/s (${fmtInt(r.failed)} failed); service ÷ raw: ${Math.round(perPost / Math.max(rawPerPost, 1e-6))}×`,
      });
    } finally {
      await raw.stop();
    }
  } finally {
    await service.stop();
    fs.rmSync(dir, { recursive: true, force: true });
    await deleteRedisKeys(`${prefix}:*`).catch((err: unknown) => console.warn(`could not delete Redis keys ${prefix}:*: ${String(err)}`));
  }
  return rows;
}

export function serviceCpuTable(rows: readonly unknown[]): string {
  const columns: Column<ServiceCpuRow>[] = [
    { header: 'Process', value: (r) => r.subject },
    { header: 'Measure', value: (r) => r.measure },
    { header: 'Value', align: 'right', value: (r) => r.value },
    { header: 'Notes', value: (r) => r.note ?? '' },
  ];
  return markdownTable(columns, rows as ServiceCpuRow[]);
}

export function serviceCpuMethod(quick: boolean): string[] {
  const s = serviceCpuSizes(quick);
  return [
    `The built service started as \`npm start\` starts it (\`node dist/apps/api/src/main.js\`, after the build): the embedded default, PGlite in a fresh temporary directory, the worker (projections, deadline timers in Redis, the notification sender) in the same process; BullMQ keys under a \`QUEUE_PREFIX\` of its own, deleted afterwards; \`LOG_LEVEL\` unset, i.e. the production default \`info\` (a JSON line per request, to /dev/null); \`RATE_LIMIT_PER_MINUTE=0\` (one token sends every request).`,
    `CPU is read from \`/proc/<pid>/stat\` (utime + stime, every thread of the process: WASM, JIT and GC threads included), not from a profiler; % of one core.`,
    `Idle: after the seed (units and a procedure, through the API), once \`/api/v1/health\` reports no projection or timer subscription behind, then ${s.settleSeconds} s more; the window is ${s.idleSeconds} s with no request.`,
    `CPU per \`POST /dossiers\`: after an untimed warm-up of ${WARMUP_SECONDS} s at the same rate (and the worker caught up with it), a fixed rate of ${s.rate} receptions a second for ${s.loadSeconds} s (open loop, bench/support/open-loop.ts in a child process, 16 keep-alive connections, 20 wards round-robin), the CPU the service spent from the first request until \`/api/v1/health\` shows the worker caught up (polled every 100 ms; those probes are counted too), divided by the receptions answered 2xx. "less the idle rate" subtracts the idle CPU rate over the same time.`,
    `Raw Node: a bare \`node:http\` server in its own process (reads the body, \`JSON.parse\`, answers 201 with a small JSON body) under the same load; service ÷ raw is the ratio of CPU per request.`,
  ];
}

export const serviceCpuBenchDefinition = {
  name: 'service-cpu',
  title: 'Service CPU: idle, and per reception (embedded service)',
  run: (opts: { quick: boolean }) => runServiceCpuBench(opts) as Promise<unknown[]> as Promise<never[]>,
  table: serviceCpuTable,
  method: serviceCpuMethod,
};
