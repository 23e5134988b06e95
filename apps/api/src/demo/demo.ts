/**
 * `npm run demo`: the embedded service with something to try. Starts the api on its own data
 * directory (`./data-demo` unless EVENT_STORE_URL says otherwise), seeds it once through the public
 * API (a province with its 2025 merge, its procedures, the last 60 days of dossiers), waits until
 * the read models have caught up, then prints an admin and a clerk token and the addresses to open.
 * A second run on the same data finds the province and skips the seeding.
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseEventStoreUrl } from '@motcua/event-store/config';
import { exitOnStartError } from '@motcua/platform/startup/dependencies';
import { startApi } from '../start';

const DEMO_DATA = 'pglite://./data-demo';
const SECRET_FILE = 'demo-jwt-secret';

function int(raw: string | undefined, fallback: number, min: number, max: number, name: string): number {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name}="${raw}" must be a whole number from ${min} to ${max}`);
  return n;
}

/** JWT_SECRET, else one kept in the data directory (tokens printed by an earlier run keep working). */
function demoSecret(env: NodeJS.ProcessEnv): string {
  if (env.JWT_SECRET) return env.JWT_SECRET;
  const target = parseEventStoreUrl(env.EVENT_STORE_URL);
  if (target.kind !== 'pglite' || !target.dataDir) return randomBytes(32).toString('base64url');
  const file = path.join(target.dataDir, SECRET_FILE);
  try {
    const kept = fs.readFileSync(file, 'utf8').trim();
    if (kept.length >= 32) return kept;
  } catch {
    /* first run */
  }
  fs.mkdirSync(target.dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  fs.writeFileSync(file, secret + '\n', { mode: 0o600 });
  return secret;
}

async function waitUntilSettled(base: string, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    try {
      const res = await fetch(`${base}/health`);
      const body = (await res.json()) as {
        details?: { projections?: { projections?: Record<string, { eventsBehind: number }> }; timers?: { backlog?: number } };
      };
      const figures = Object.values(body.details?.projections?.projections ?? {});
      // read models caught up, and the timers of dossiers already past their alert times have fired
      if (figures.length && figures.every((p) => p.eventsBehind === 0) && (body.details?.timers?.backlog ?? 0) === 0) return true;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

async function main(): Promise<void> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  env.EVENT_STORE_URL ||= DEMO_DATA;
  env.LOG_LEVEL ||= 'warn'; // the demo prints what matters; LOG_LEVEL=info shows the service's logs
  const dossiers = int(env.DEMO_DOSSIERS, 2_500, 0, 1_000_000, 'DEMO_DOSSIERS');
  const days = int(env.DEMO_DAYS, 60, 1, 366, 'DEMO_DAYS');
  env.JWT_SECRET = demoSecret(env);
  const out = (line: string) => process.stdout.write(line + '\n');
  const started = Date.now();
  const { baseUrl, config } = await startApi(env);
  // heavy modules only once the service runs (a start that cannot work fails fast)
  const [{ mintToken }, { PROVINCE_CODE, generateProvince, Rng }, { seedDemo, demoPeriod }] = await Promise.all([
    import('@motcua/platform/auth'),
    import('@motcua/simulator'),
    import('./seed-demo'),
  ]);
  const seed = 42;
  const now = new Date();
  // the longest lifetime the service accepts (JWT_MAX_LIFETIME_SECONDS, default 24 h): a longer token would be refused
  const claims = { issuer: env.JWT_ISSUER || undefined, audience: env.JWT_AUDIENCE || undefined, expiresIn: config.jwtMaxLifetimeSeconds };
  const province = generateProvince(new Rng(seed)); // the simulator's province for this seed
  const commune = [...province.newCommunes].sort((a, b) => b.weight - a.weight)[0];
  const admin = await mintToken({ sub: 'demo-admin', name: 'Quản trị (demo)', roles: ['admin'], units: [PROVINCE_CODE], ...claims }, env.JWT_SECRET);
  const clerk = await mintToken({ sub: 'demo-clerk', name: 'Cán bộ một cửa (demo)', roles: ['clerk'], units: [commune.code], ...claims }, env.JWT_SECRET);
  const supervisor = await mintToken(
    { sub: 'demo-supervisor', name: 'Lãnh đạo bộ phận (demo)', roles: ['supervisor', 'auditor'], units: [PROVINCE_CODE], ...claims },
    env.JWT_SECRET,
  );
  const seeder = await mintToken(
    { sub: 'demo-seed', name: 'Demo seeding', roles: ['admin'], units: [PROVINCE_CODE], ...claims, expiresIn: '1h' },
    env.JWT_SECRET,
  );

  const known = await fetch(`${baseUrl}/units/${encodeURIComponent(PROVINCE_CODE)}`, { headers: { authorization: `Bearer ${seeder}` } });
  let period = demoPeriod(now, days);
  if (known.status === 200) {
    out(`demo data already there (${config.eventStoreUrl}): not seeding again (delete the directory to start over)`);
    // the statistics link covers whatever the first run seeded up to today
    period = { from: `${Number(period.to.slice(0, 4)) - 1}${period.to.slice(4)}`, to: period.to };
  } else {
    out(`seeding ${dossiers.toLocaleString('en-US')} dossiers over the last ${days} days through the API…`);
    const r = await seedDemo(baseUrl, seeder, { dossiers, days, seed, now, log: out });
    out(
      `seeded ${r.accepted.toLocaleString('en-US')} commands${r.rejected ? ` (${r.rejected} rejected)` : ''} in ${((Date.now() - started) / 1000).toFixed(0)} s`,
    );
    period = { from: r.from, to: r.to };
  }
  if (!(await waitUntilSettled(baseUrl, 120_000))) out('(the read models are still catching up: figures may grow for a while)');

  const statsPath = `/statistics?unitCode=${encodeURIComponent(PROVINCE_CODE)}&from=${period.from}&to=${period.to}&groupBy=unit`;
  let summary = '';
  try {
    const s = (await (await fetch(`${baseUrl}${statsPath}`, { headers: { authorization: `Bearer ${admin}` } })).json()) as {
      received: { total: number };
      resolved: { total: number; late: number };
      pending: { total: number; overdue: number };
    };
    const alerts = (await (await fetch(`${baseUrl}/alerts?state=open&limit=200`, { headers: { authorization: `Bearer ${admin}` } })).json()) as {
      items: unknown[];
    };
    summary =
      `${s.received.total} dossiers: ${s.resolved.total} resolved (${s.resolved.late} late), ${s.pending.total} open (${s.pending.overdue} overdue); ` +
      `${alerts.items.length}${alerts.items.length === 200 ? '+' : ''} open alerts`;
  } catch {
    /* the figures are a courtesy */
  }
  const origin = baseUrl.replace(/\/api\/v1$/, '');
  out('');
  out(`motcua demo — ${province.province.name} (${PROVINCE_CODE}), ready in ${((Date.now() - started) / 1000).toFixed(0)} s${summary ? `; ${summary}` : ''}`);
  out(`  API:         ${baseUrl}`);
  out(`  Swagger UI:  ${baseUrl}/docs   (Authorize with a token below)`);
  out(`  statistics:  ${baseUrl}${statsPath}`);
  out(`  work list:   ${baseUrl}/dossiers?unitCode=${encodeURIComponent(commune.code)}&overdue=true`);
  out(`  alerts:      ${baseUrl}/alerts?state=open`);
  out(`  queues:      ${origin}/api/v1/admin/queues (admin)`);
  // the web console signs in from the URL fragment (never sent to the server, dropped from the address bar at once)
  out(`  console (clerk, ${commune.name}):   ${origin}/console/#token=${clerk}`);
  out(`  console (supervisor and auditor):  ${origin}/console/#token=${supervisor}`);
  out(`  admin token (whole province): ${admin}`);
  out(`  clerk token (${commune.name}, ${commune.code}): ${clerk}`);
  out(`  try: curl -H "Authorization: Bearer <admin token>" "${baseUrl}${statsPath}"`);
  out(`Data in ${config.eventStoreUrl}; Ctrl+C stops the service.`);
}

main().catch(exitOnStartError);
