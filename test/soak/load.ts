/**
 * Soak/load test (issue "Hardening", item 4), run by `npm run test:soak` (build first, then
 * test/soak/run.js loads this file).
 *
 * Starts the built service on a fresh PostgreSQL schema as it is deployed with PostgreSQL: the api
 * (`dist/apps/api/src/main.js`, RUN_WORKER=false) and the worker (`dist/apps/worker/src/main.js`)
 * as two processes, with Redis. Then drives mixed counter traffic at a FIXED rate with an open-loop
 * scheduler (request i is sent at start + i/rate whether or not earlier answers came back, so a slow
 * server shows up as latency and a growing backlog instead of a lower offered rate):
 * receive, assign, resolve, GET /dossiers/{id}, GET /dossiers (work list), GET /statistics.
 * Latencies are measured from the scheduled send time (no coordinated omission).
 *
 * Every 5 s it samples the read-model lag from the committed projection checkpoints vs the head of
 * the log (the same figures as ProjectionRunner.status(): events behind and age of the oldest event
 * not projected yet) and the resident memory of both processes.
 *
 * Environment: SOAK_SECONDS (default 300), SOAK_RATE (requests/s, default 50), SOAK_WARMUP_SECONDS
 * (default 20: ramp-up, not in the figures), SOAK_MAX_END_LAG_S
 * (default 10: lag allowed when the load stops), SOAK_MAX_LAG_S (default 30: lag allowed at any
 * sample), SOAK_WRITE_DOC (default 1: rewrite the soak section of docs/performance.md),
 * SOAK_LOG_LEVEL (the services' LOG_LEVEL, default warn), TEST_DATABASE_URL, REDIS_URL.
 *
 * Exit code 1 on any failed request (non-2xx, network error, timeout), on an unbounded lag (above
 * SOAK_MAX_LAG_S at a sample, above SOAK_MAX_END_LAG_S at the end, or growing through the whole
 * second half of the run), when a service process dies, or when fewer than 95 % of the scheduled
 * requests were answered.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import IORedis from 'ioredis';
import { SqlEventStore } from '@motcua/event-store';
import { mintToken } from '@motcua/platform/auth';
import { alertsProjection, dossierSummaryProjection, ProjectionRunner } from '@motcua/projections';
import { PgDriver } from '@motcua/sql';

const ROOT = path.resolve(__dirname, '../..');
const API_MAIN = path.join(ROOT, 'dist/apps/api/src/main.js');
const WORKER_MAIN = path.join(ROOT, 'dist/apps/worker/src/main.js');
const DOC = path.join(ROOT, 'docs/performance.md');
const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const SECRET = 'soak-secret-that-is-long-enough-for-hs256-0123456789';

const PROVINCE = '000.00.00.H29';
const DISTRICT = '000.00.27.H29';
const WARDS = Array.from({ length: 20 }, (_, i) => `000.27.${String(i + 1).padStart(2, '0')}.H29`);
const PROCEDURE = '1.001612';
const APPLICANTS = ['Nguyễn Văn An', 'Trần Thị Bích Ngọc', 'Lê Hoàng Phúc', 'Phạm Thị Thu Hương', 'Hoàng Minh Đức', 'Vũ Thị Lan Anh'];
const SAMPLE_EVERY_MS = 5_000;
const REQUEST_TIMEOUT_MS = 30_000;

type Op = 'receive' | 'assign' | 'resolve' | 'get' | 'worklist' | 'statistics';
/** The traffic mix (weights in %): a counter day is mostly receptions, handling and look-ups. */
const MIX: [Op, number][] = [
  ['receive', 30],
  ['assign', 20],
  ['resolve', 15],
  ['get', 20],
  ['worklist', 10],
  ['statistics', 5],
];

function envInt(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min) throw new Error(`${name}="${raw}" must be a number ≥ ${min}`);
  return n;
}

// ---------------------------------------------------------------------------------------------
// Processes

interface Proc {
  name: string;
  child: ChildProcess;
  output(): string;
  rssMiB(): number | undefined;
  stop(): Promise<void>;
}

function startProcess(name: string, main: string, env: Record<string, string>): Proc {
  const child = spawn(process.execPath, [main], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (d: Buffer) => {
    out += d;
    if (out.length > 200_000) out = out.slice(-100_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((r) => child.on('exit', () => r()));
  return {
    name,
    child,
    output: () => out,
    rssMiB() {
      try {
        const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        return m ? Number(m[1]) / 1024 : undefined;
      } catch {
        return undefined;
      }
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(t);
    },
  };
}

const alive = (p: Proc) => p.child.exitCode === null && p.child.signalCode === null;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

// ---------------------------------------------------------------------------------------------
// HTTP client (keep-alive, no retries)

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

interface Answer {
  status: number;
  body: string;
}

function request(origin: string, method: string, url: string, token: string, body?: unknown): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(
      `${origin}${url}`,
      {
        method,
        agent,
        timeout: REQUEST_TIMEOUT_MS,
        headers: { authorization: `Bearer ${token}`, ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout after ${REQUEST_TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}

// ---------------------------------------------------------------------------------------------
// Statistics

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

const fmtMs = (ms: number) => (!Number.isFinite(ms) ? '–' : ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : ms.toFixed(0));
const fmtInt = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '–');

interface Sample {
  t: number; // seconds since the load started
  sent: number;
  done: number;
  inFlight: number;
  windowReqPerSec: number;
  windowP99: number;
  summaryBehind: number;
  summaryLagS: number;
  alertsBehind: number;
  alertsLagS: number;
  apiRss?: number;
  workerRss?: number;
}

function table(headers: string[], right: boolean[], rows: string[][]): string {
  return [`| ${headers.join(' | ')} |`, `|${right.map((r) => (r ? ' ---: ' : ' --- ')).join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

function writeSection(content: string): void {
  const start = '<!-- soak:start -->';
  const end = '<!-- soak:end -->';
  let doc = fs.readFileSync(DOC, 'utf8'); // read right before writing: others may edit the rest of the file
  const block = `${start}\n${content.trim()}\n${end}`;
  const i = doc.indexOf(start);
  const j = doc.indexOf(end);
  doc = i >= 0 && j > i ? doc.slice(0, i) + block + doc.slice(j + end.length) : `${doc.replace(/\n*$/, '\n')}\n${block}\n`;
  fs.writeFileSync(DOC, doc);
}

// ---------------------------------------------------------------------------------------------

export async function main(): Promise<number> {
  const seconds = envInt('SOAK_SECONDS', 300, 1);
  const rate = envInt('SOAK_RATE', 50, 1);
  const warmup = envInt('SOAK_WARMUP_SECONDS', 20, 0);
  const maxEndLag = envInt('SOAK_MAX_END_LAG_S', 10, 0);
  const maxLag = envInt('SOAK_MAX_LAG_S', 30, 0);
  const writeDoc = process.env.SOAK_WRITE_DOC !== '0';
  const logLevel = process.env.SOAK_LOG_LEVEL || 'warn';
  const wallStart = Date.now();
  const load1 = os.loadavg()[0];
  const log = (line: string) => console.log(`[soak ${((Date.now() - wallStart) / 1000).toFixed(0).padStart(4)} s] ${line}`);
  for (const f of [API_MAIN, WORKER_MAIN]) if (!fs.existsSync(f)) throw new Error(`${f} is missing: npm run build first`);

  // A fresh schema, a fresh BullMQ prefix.
  const schema = `motcua_soak_${randomBytes(4).toString('hex')}`;
  const admin = new PgDriver({ connectionString: DATABASE_URL, max: 1 });
  await admin.exec(`CREATE SCHEMA ${schema}`);
  const u = new URL(DATABASE_URL);
  u.searchParams.set('options', `-c search_path=${schema}`);
  const url = u.toString();
  const prefix = `motcua-soak-${randomBytes(4).toString('hex')}`;
  const port = await freePort();
  const common = { EVENT_STORE_URL: url, REDIS_URL, QUEUE_PREFIX: prefix, JWT_SECRET: SECRET, LOG_LEVEL: logLevel };
  const procs: Proc[] = [];
  let driver: PgDriver | undefined;
  let store: SqlEventStore | undefined;
  const failures: string[] = [];
  try {
    const api = startProcess('api', API_MAIN, { ...common, RUN_WORKER: 'false', PORT: String(port), HOST: '127.0.0.1' });
    procs.push(api);
    const origin = `http://127.0.0.1:${port}`;
    const base = '/api/v1';
    for (const end = Date.now() + 90_000; ;) {
      if (!alive(api)) throw new Error(`api exited:\n${api.output().slice(-3000)}`);
      const ok = await request(origin, 'GET', `${base}/health/live`, '').then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) break;
      if (Date.now() > end) throw new Error(`api did not start within 90 s:\n${api.output().slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const worker = startProcess('worker', WORKER_MAIN, common); // after the api: it has migrated the schema
    procs.push(worker);

    const hours = Math.ceil(seconds / 3600) + 1;
    const adminToken = await mintToken({ sub: 'soak-admin', name: 'Quản trị', roles: ['admin'], units: [PROVINCE], expiresIn: `${hours}h` }, SECRET);
    // Many officers, as at a real counter: each token stays well under the per-token rate limit
    // (RATE_LIMIT_PER_MINUTE, default 1,200/min; this test leaves it on).
    const tokenCount = Math.max(20, Math.ceil((rate * 60) / 300));
    const tokens = await Promise.all(
      Array.from({ length: tokenCount }, (_, i) =>
        mintToken({ sub: `soak-sup-${i + 1}`, name: `Cán bộ ${i + 1}`, roles: ['supervisor'], units: [PROVINCE], expiresIn: `${hours}h` }, SECRET),
      ),
    );
    const put = async (path: string, body: unknown) => {
      const r = await request(origin, 'PUT', `${base}${path}`, adminToken, body);
      if (r.status >= 300) throw new Error(`PUT ${path}: ${r.status} ${r.body}`);
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

    // Lag from the committed checkpoints, as a standby runner sees them (never started: it projects nothing).
    driver = new PgDriver({ connectionString: url, max: 2 });
    store = await SqlEventStore.create(driver); // the schema is there already (the api migrated it)
    const standby = new ProjectionRunner({ store, driver, projections: [dossierSummaryProjection(), alertsProjection()] });
    const lag = async () => {
      const s = await standby.status();
      const by = (n: string) => s.projections.find((p) => p.name === n)!;
      return { summary: by('dossier-summary'), alerts: by('alerts') };
    };

    // ---- the traffic
    const today = new Date().toISOString().slice(0, 10);
    const monthStart = `${today.slice(0, 8)}01`;
    const received: string[] = []; // received, not assigned yet
    const assigned: string[] = []; // assigned, not resolved yet
    const known: string[] = []; // every dossier received (for GETs), the last 2,000
    let n = 0;
    let receptions = 0; // answered 201, warm-up included

    // The worker is up and projecting before any load: one dossier shows up in the read model.
    const probe = await request(origin, 'POST', `${base}/dossiers`, tokens[0], {
      unitCode: WARDS[0],
      procedureCode: PROCEDURE,
      channel: 'direct',
      applicant: { name: 'Thử nghiệm' },
    });
    if (probe.status !== 201) throw new Error(`probe reception: ${probe.status} ${probe.body}`);
    receptions++;
    for (const until = Date.now() + 120_000; ;) {
      if (!alive(worker)) throw new Error(`worker exited:\n${worker.output().slice(-3000)}`);
      if (Number((await driver.query<{ n: string }>(`SELECT count(*)::text AS n FROM dossier_summary`)).rows[0].n) > 0) break;
      if (Date.now() > until) throw new Error(`the worker did not project the probe dossier within 120 s:\n${worker.output().slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    log('the worker projects (probe dossier in dossier_summary)');
    const pick = (): Op => {
      let r = Math.random() * 100;
      for (const [op, w] of MIX) if ((r -= w) < 0) return op;
      return 'receive';
    };
    const plan = (op: Op): { op: Op; method: string; url: string; body?: unknown; after?: (a: Answer) => void } => {
      if (op === 'assign' && received.length) {
        const id = received.shift()!;
        return {
          op,
          method: 'POST',
          url: `${base}/dossiers/${id}/assign`,
          body: { assignee: 'officer-1', assigneeName: 'Trần Minh' },
          after: () => assigned.push(id),
        };
      }
      if (op === 'resolve' && assigned.length) {
        const id = assigned.shift()!;
        return { op, method: 'POST', url: `${base}/dossiers/${id}/resolve`, body: { outcome: n % 10 ? 'approved' : 'refused' } };
      }
      if (op === 'get' && known.length) return { op, method: 'GET', url: `${base}/dossiers/${known[Math.floor(Math.random() * known.length)]}` };
      if (op === 'worklist') {
        const unit = n % 4 === 0 ? DISTRICT : WARDS[n % WARDS.length];
        return { op, method: 'GET', url: `${base}/dossiers?unitCode=${unit}&status=received,assigned&limit=50` };
      }
      if (op === 'statistics') return { op, method: 'GET', url: `${base}/statistics?unitCode=${n % 2 ? PROVINCE : DISTRICT}&from=${monthStart}&to=${today}` };
      const id = randomUUID();
      const body = {
        id,
        unitCode: WARDS[n % WARDS.length],
        procedureCode: PROCEDURE,
        channel: n % 3 === 0 ? 'online' : 'direct',
        applicant: { name: APPLICANTS[n % APPLICANTS.length], idNumber: '079203001234', phone: '0901234567' },
      };
      return {
        op: 'receive',
        method: 'POST',
        url: `${base}/dossiers`,
        body,
        after: () => {
          receptions++;
          received.push(id);
          known.push(id);
          if (known.length > 2_000) known.shift();
        },
      };
    };

    const latencies: number[] = [];
    const perOp = new Map<Op, { lat: number[]; errors: number }>(MIX.map(([op]) => [op, { lat: [], errors: 0 }]));
    const errorSamples: string[] = [];
    let errors = 0;
    let sent = 0;
    let done = 0;
    let maxInFlight = 0;
    let window: number[] = [];
    const total = Math.round(seconds * rate);
    let t0 = performance.now();
    let startedAt = Date.now();
    const inFlight = new Set<Promise<void>>();
    log(`service up (api pid ${api.child.pid}, worker pid ${worker.child.pid}); ${rate} req/s for ${seconds} s = ${fmtInt(total)} requests`);

    let measuring = false;
    const fire = (scheduled: number) => {
      const measured = measuring;
      const p = plan(pick());
      n++;
      sent++;
      const promise = request(origin, p.method, p.url, tokens[n % tokenCount], p.body).then(
        (a) => {
          const ms = performance.now() - scheduled;
          const stats = perOp.get(p.op)!;
          if (a.status >= 200 && a.status < 300) {
            p.after?.(a);
            if (!measured) return;
            latencies.push(ms);
            window.push(ms);
            stats.lat.push(ms);
          } else {
            errors++;
            if (measured) stats.errors++;
            if (errorSamples.length < 10) errorSamples.push(`${p.method} ${p.url} → ${a.status} ${a.body.slice(0, 200)}`);
          }
        },
        (err: Error) => {
          errors++;
          if (measured) perOp.get(p.op)!.errors++;
          if (errorSamples.length < 10) errorSamples.push(`${p.method} ${p.url} → ${err.message}`);
        },
      );
      const tracked = promise.finally(() => {
        done++;
        inFlight.delete(tracked);
      });
      inFlight.add(tracked);
      maxInFlight = Math.max(maxInFlight, inFlight.size);
    };

    const samples: Sample[] = [];
    let sampling = false;
    const sample = async () => {
      if (sampling) return;
      sampling = true;
      try {
        const l = await lag();
        const w = window.sort((a, b) => a - b);
        window = [];
        const prev = samples[samples.length - 1];
        const t = (performance.now() - t0) / 1000;
        const s: Sample = {
          t,
          sent,
          done,
          inFlight: inFlight.size,
          windowReqPerSec: (done - (prev?.done ?? 0)) / (t - (prev?.t ?? 0)),
          windowP99: percentile(w, 99),
          summaryBehind: l.summary.eventsBehind,
          summaryLagS: l.summary.secondsBehind,
          alertsBehind: l.alerts.eventsBehind,
          alertsLagS: l.alerts.secondsBehind,
          apiRss: api.rssMiB(),
          workerRss: worker.rssMiB(),
        };
        samples.push(s);
        log(
          `${s.t.toFixed(0).padStart(4)} s: ${fmtInt(s.done)} answered, ${s.windowReqPerSec.toFixed(0)} req/s, p99 ${fmtMs(s.windowP99)} ms, in flight ${s.inFlight}, ` +
            `errors ${errors}; lag dossier-summary ${s.summaryBehind} ev / ${s.summaryLagS.toFixed(1)} s, alerts ${s.alertsBehind} ev / ${s.alertsLagS.toFixed(1)} s; ` +
            `rss api ${s.apiRss?.toFixed(0)} MiB, worker ${s.workerRss?.toFixed(0)} MiB`,
        );
        for (const p of procs) if (!alive(p)) failures.push(`the ${p.name} process died during the run:\n${p.output().slice(-2000)}`);
      } finally {
        sampling = false;
      }
    };

    // Warm-up (JIT, connection pools, caches): the rate ramps up linearly over SOAK_WARMUP_SECONDS;
    // its answers are not in the figures, but a failed request fails the run all the same.
    if (warmup > 0) {
      log(`warm-up: ramping up to ${rate} req/s over ${warmup} s`);
      const w0 = performance.now();
      const warmupTotal = Math.round((rate * warmup) / 2);
      let warmSent = 0;
      while (warmSent < warmupTotal) {
        const t = (performance.now() - w0) / 1000;
        const due = Math.min(warmupTotal, Math.floor((rate * t * t) / (2 * warmup)) + 1);
        for (; warmSent < due; warmSent++) fire(performance.now());
        await new Promise((r) => setTimeout(r, 1));
      }
      await Promise.allSettled([...inFlight]);
      log(`warm-up done: ${warmupTotal} requests, ${errors} failed`);
    }
    measuring = true;
    sent = 0;
    done = 0;
    maxInFlight = 0;
    window = [];
    t0 = performance.now();
    startedAt = Date.now();
    const sampler = setInterval(() => void sample().catch((err) => failures.push(`lag sample failed: ${(err as Error).message}`)), SAMPLE_EVERY_MS);
    // Open loop: send every request that is due, then sleep ~1 ms.
    while (sent < total && failures.length === 0) {
      const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * rate) + 1);
      while (sent < due) fire(t0 + (sent / rate) * 1000);
      await new Promise((r) => setTimeout(r, 1));
    }
    const loadSeconds = (performance.now() - t0) / 1000;
    await Promise.allSettled([...inFlight]);
    const answeredSeconds = (performance.now() - t0) / 1000;
    clearInterval(sampler);
    while (sampling) await new Promise((r) => setTimeout(r, 50));
    await sample(); // the lag when the load stops
    const end = samples[samples.length - 1];

    // Drain: how long until both projections have caught up after the load.
    const drainStart = Date.now();
    let drained = NaN;
    for (const until = Date.now() + 120_000; Date.now() < until;) {
      const l = await lag();
      if (l.summary.caughtUp && l.alerts.caughtUp) {
        drained = (Date.now() - drainStart) / 1000;
        break;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    const [events] = (await driver.query<{ n: string }>(`SELECT count(*)::text AS n FROM es_events`)).rows;
    const [dossiers] = (await driver.query<{ n: string }>(`SELECT count(*)::text AS n FROM dossier_summary`)).rows;

    // ---- verdicts
    const answered = latencies.length + [...perOp.values()].reduce((a, s) => a + s.errors, 0);
    if (errors > 0) failures.push(`${errors} failed requests, e.g.:\n  ${errorSamples.join('\n  ')}`);
    if (answered < 0.95 * total) failures.push(`only ${answered} of ${total} scheduled requests were answered`);
    const worstLag = Math.max(...samples.map((s) => Math.max(s.summaryLagS, s.alertsLagS)));
    if (worstLag > maxLag) failures.push(`read-model lag reached ${worstLag.toFixed(1)} s (limit ${maxLag} s)`);
    const endLag = Math.max(end.summaryLagS, end.alertsLagS);
    if (endLag > maxEndLag) failures.push(`read-model lag at the end of the load: ${endLag.toFixed(1)} s (limit ${maxEndLag} s)`);
    const secondHalf = samples.filter((s) => s.t >= loadSeconds / 2).map((s) => s.summaryBehind);
    if (secondHalf.length >= 6 && secondHalf.every((v, i) => i === 0 || v > secondHalf[i - 1]) && secondHalf[secondHalf.length - 1] > 100) {
      failures.push(`the dossier-summary backlog grew at every sample of the second half (${secondHalf.join(' → ')} events)`);
    }
    if (!Number.isFinite(drained)) failures.push('the projections did not catch up within 120 s after the load');
    if (Number(dossiers.n) !== receptions) failures.push(`dossier_summary holds ${dossiers.n} rows for ${receptions} receptions`);
    for (const p of procs) if (!alive(p)) failures.push(`the ${p.name} process is not running at the end`);

    // ---- report
    const all = latencies.sort((a, b) => a - b);
    const pgVersion = (await driver.query<{ v: string }>(`SELECT current_setting('server_version') AS v`)).rows[0].v;
    const first = samples[0];
    const lines: string[] = [];
    lines.push('## Soak: mixed counter traffic at a fixed rate (PostgreSQL, api + worker processes)', '');
    lines.push(
      `- Date: ${new Date(startedAt).toISOString().replace(/\.\d+Z$/, 'Z')}; \`npm run test:soak\` (\`SOAK_SECONDS=${seconds} SOAK_RATE=${rate}\`, after a ${warmup} s warm-up ramping up to the rate, not in the figures), whole run ${((Date.now() - wallStart) / 1000).toFixed(0)} s (start-up, warm-up, load, drain; plus the build)`,
    );
    lines.push(
      `- Machine: ${os.cpus()[0]?.model.trim()}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM; Node ${process.version}; PostgreSQL ${pgVersion}; 1-minute load average before the run: ${load1.toFixed(2)}`,
    );
    lines.push(
      `- Services: the built api (RUN_WORKER=false) and worker as two processes on a fresh schema, Redis for the timers, LOG_LEVEL=${logLevel}; the load generator (open loop, keep-alive, ≤ 64 sockets, requests spread over ${tokenCount} supervisors' tokens so that none reaches the per-token rate limit) and the lag sampler run in the test process on the same 2 cores.`,
    );
    lines.push(
      `- Mix: ${MIX.map(([op, w]) => `${op} ${w} %`).join(', ')} (assign and resolve take dossiers received/assigned earlier in the run; GET a recent dossier; work list of a ward or the district, 50 rows; Biểu 06 report of the province or district for the month).`,
    );
    lines.push('');
    lines.push(
      table(
        [
          'Target req/s',
          'Duration (s)',
          'Requests',
          'Achieved req/s',
          'p50 (ms)',
          'p99 (ms)',
          'max (ms)',
          'Errors (incl. warm-up)',
          'Max in flight',
          'Max lag (s)',
          'Lag at end (s)',
          'Drain (s)',
          'Events',
          'RSS api (MiB)',
          'RSS worker (MiB)',
        ],
        [true, true, true, true, true, true, true, true, true, true, true, true, true, true, true],
        [
          [
            String(rate),
            loadSeconds.toFixed(0),
            fmtInt(answered),
            (answered / answeredSeconds).toFixed(1),
            fmtMs(percentile(all, 50)),
            fmtMs(percentile(all, 99)),
            fmtMs(all[all.length - 1]),
            String(errors),
            String(maxInFlight),
            worstLag.toFixed(1),
            endLag.toFixed(1),
            Number.isFinite(drained) ? drained.toFixed(1) : '> 120',
            fmtInt(Number(events.n)),
            `${first?.apiRss?.toFixed(0)} → ${end.apiRss?.toFixed(0)}`,
            `${first?.workerRss?.toFixed(0)} → ${end.workerRss?.toFixed(0)}`,
          ],
        ],
      ),
    );
    lines.push('');
    lines.push(
      table(
        ['Operation', 'Requests', 'p50 (ms)', 'p99 (ms)', 'Errors'],
        [false, true, true, true, true],
        MIX.map(([op]) => {
          const s = perOp.get(op)!;
          const l = s.lat.sort((a, b) => a - b);
          return [op, fmtInt(l.length + s.errors), fmtMs(percentile(l, 50)), fmtMs(percentile(l, 99)), String(s.errors)];
        }),
      ),
    );
    lines.push('');
    const every = Math.max(1, Math.round(samples.length / 12));
    const shown = samples.filter((_, i) => i % every === 0 || i === samples.length - 1);
    lines.push(
      table(
        ['t (s)', 'req/s (5 s)', 'p99 (5 s, ms)', 'In flight', 'dossier-summary behind (events / s)', 'alerts behind (events / s)'],
        [true, true, true, true, true, true],
        shown.map((s) => [
          s.t.toFixed(0),
          s.windowReqPerSec.toFixed(0),
          fmtMs(s.windowP99),
          String(s.inFlight),
          `${s.summaryBehind} / ${s.summaryLagS.toFixed(1)}`,
          `${s.alertsBehind} / ${s.alertsLagS.toFixed(1)}`,
        ]),
      ),
    );
    lines.push('');
    lines.push(
      '- Latency from the scheduled send time to the last byte of the answer. Lag sampled every 5 s from the committed projection checkpoints (events after the checkpoint that match the projection, and the age of the oldest of them); the last row is taken when the load stops; drain = time from then until both projections are caught up.',
    );
    lines.push(
      `- Verdict: ${failures.length ? `FAILED (${failures.length} problem(s))` : 'passed'} (limits: no failed request, lag ≤ ${maxLag} s at every sample and ≤ ${maxEndLag} s when the load stops, backlog not growing through the second half, ≥ 95 % of the scheduled requests answered).`,
    );
    const markdown = lines.join('\n');
    console.log(`\n${markdown}\n`);
    if (writeDoc) {
      writeSection(markdown);
      log(`wrote the soak section of ${path.relative(ROOT, DOC)}`);
    }
  } catch (err) {
    failures.push(`the soak test stopped: ${(err as Error).stack ?? err}`);
  } finally {
    for (const p of procs.reverse()) await p.stop();
    agent.destroy();
    await driver?.close().catch(() => undefined);
    await admin.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
    await admin.close();
    const redis = new IORedis(REDIS_URL, { maxRetriesPerRequest: null });
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
    redis.disconnect();
  }
  if (failures.length) {
    console.error(`\nsoak test FAILED:\n- ${failures.join('\n- ')}`);
    return 1;
  }
  log('soak test passed');
  return 0;
}
