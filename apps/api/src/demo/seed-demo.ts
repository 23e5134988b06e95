/**
 * Seeds a demo through the public API, as an admin would: the simulator's province (with its
 * 2025 merge) and procedures with `PUT /units/{code}` and `PUT /procedures/{code}`, then the last
 * `days` days of dossiers with `POST /imports` (batched, one transaction per batch). The dossiers
 * end at `now`: some are late, some await a supplement, and open ones past their due time raise
 * alerts once the timers see them.
 */
import { PROVINCE_CODE, simulate, type Simulation } from '@motcua/simulator';

const CHUNK = 2_000;
const DAY = 86_400_000;
const TZ_OFFSET = 7 * 3_600_000; // Asia/Ho_Chi_Minh

export interface DemoSeedOptions {
  dossiers: number;
  days: number;
  seed: number;
  now: Date;
  log: (line: string) => void;
}

export interface DemoSeedResult {
  units: number;
  procedures: number;
  accepted: number;
  rejected: number;
  from: string;
  to: string;
}

/** Local (Asia/Ho_Chi_Minh) calendar day of an instant, `YYYY-MM-DD`. */
export function localDay(t: number): string {
  return new Date(t + TZ_OFFSET).toISOString().slice(0, 10);
}

/** The demo's period: the `days` local days ending today. */
export function demoPeriod(now: Date, days: number): { from: string; to: string } {
  return { from: localDay(now.getTime() - (days - 1) * DAY), to: localDay(now.getTime()) };
}

/** The demo simulation (also used to pick the clerk's commune without seeding). */
export function demoSimulation(options: Pick<DemoSeedOptions, 'dossiers' | 'days' | 'seed' | 'now'>): Simulation {
  // a minute of margin: the import refuses an occurredAt in the future
  return simulate({
    seed: options.seed,
    dossiers: options.dossiers,
    period: demoPeriod(options.now, options.days),
    until: new Date(options.now.getTime() - 60_000),
  });
}

async function inParallel<T>(items: T[], fn: (item: T) => Promise<unknown>, concurrency = 6): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

async function call(base: string, token: string, method: string, path: string, body: string, contentType = 'application/json'): Promise<Response> {
  const res = await fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': contentType }, body });
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
  return res;
}

export async function seedDemo(base: string, token: string, options: DemoSeedOptions): Promise<DemoSeedResult> {
  const sim = demoSimulation(options);
  const ref = sim.referenceData();
  const t0 = Date.now();
  // parents before children: one level at a time, each level (and the procedures) a few at once; the
  // communes before the 2025 merge before the new ones that name them as predecessors
  for (const level of ['province', 'district', 'commune']) {
    for (const merged of [false, true]) {
      await inParallel(
        ref.units.filter((u) => u.level === level && (u.predecessors !== undefined) === merged),
        ({ code, ...body }) => call(base, token, 'PUT', `/units/${encodeURIComponent(code)}`, JSON.stringify(body)),
      );
    }
  }
  // the merge through the API: each old commune passes to its new one (closed the day before; a repeat changes nothing)
  await inParallel(ref.successions, ({ code, successorCode, effectiveDate }) =>
    call(base, token, 'POST', `/units/${encodeURIComponent(code)}/succession`, JSON.stringify({ successorCode, effectiveDate })),
  );
  await inParallel(ref.procedures, ({ code, ...body }) => call(base, token, 'PUT', `/procedures/${encodeURIComponent(code)}`, JSON.stringify(body)));
  options.log(
    `reference data: ${ref.units.length} units of ${sim.province.province.name} (${PROVINCE_CODE}), ${ref.successions.length} successions of the 2025 merge, ${ref.procedures.length} procedures (${((Date.now() - t0) / 1000).toFixed(1)} s)`,
  );
  let accepted = 0;
  let rejected = 0;
  let chunk: string[] = [];
  let first = 1;
  let line = 0;
  let lastLog = Date.now();
  const send = async () => {
    if (!chunk.length) return;
    const res = await fetch(`${base}/imports`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson', 'x-first-line': String(first) },
      body: chunk.join('\n') + '\n',
    });
    if (res.status !== 200) throw new Error(`POST /imports answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
    const r = (await res.json()) as { accepted: number; rejected: number; errors: { line: number; status: number; detail: string }[] };
    accepted += r.accepted;
    if (r.rejected && rejected < 5) for (const e of r.errors.slice(0, 5 - rejected)) options.log(`import line ${e.line}: ${e.status} ${e.detail}`);
    rejected += r.rejected;
    first = line + 1;
    chunk = [];
    if (Date.now() - lastLog > 5_000) {
      lastLog = Date.now();
      options.log(`imported ${sim.stats.dossiers.toLocaleString('en-US')} of ${options.dossiers.toLocaleString('en-US')} dossiers…`);
    }
  };
  for (const l of sim.lines()) {
    line++;
    chunk.push(l);
    if (chunk.length >= CHUNK) await send();
  }
  await send();
  const period = demoPeriod(options.now, options.days);
  return { units: ref.units.length, procedures: ref.procedures.length, accepted, rejected, ...period };
}
