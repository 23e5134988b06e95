import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PgDriver, PgliteDriver } from '@motcua/sql';

/** The PostgreSQL the benchmarks use (trust auth, like the tests). Override with BENCH_DATABASE_URL. */
export const BENCH_DATABASE_URL = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * How the benchmarks reach PostgreSQL, for the reports: a Unix socket (`?host=/var/run/postgresql`,
 * PostgreSQL on the same machine) or TCP. Over loopback TCP the pg client's socket writes are about
 * a fifth of the API's CPU under load (docs/performance.md); a socket costs less.
 */
export function benchTransport(url = BENCH_DATABASE_URL): string {
  const host = new URL(url).searchParams.get('host');
  if (host?.startsWith('/')) return `over a Unix socket (${host})`;
  const name = new URL(url).hostname;
  return name === '127.0.0.1' || name === 'localhost' || name === '::1' || name === '[::1]' ? 'over TCP on localhost' : `over TCP to ${name}`;
}

/** Stores still open: dropped if the run is interrupted (Ctrl-C, CI timeout) so none leak. */
const live = new Set<() => Promise<void>>();
let signalsHooked = false;

function track(drop: () => Promise<void>): () => Promise<void> {
  if (!signalsHooked) {
    signalsHooked = true;
    for (const [signal, code] of [
      ['SIGINT', 130],
      ['SIGTERM', 143],
    ] as const) {
      process.once(signal, () => {
        const timeout = new Promise((resolve) => setTimeout(resolve, 5_000).unref());
        void Promise.race([Promise.allSettled([...live].map((d) => d())), timeout]).finally(() => process.exit(code));
      });
    }
  }
  const once = async () => {
    if (!live.delete(once)) return;
    await drop();
  };
  live.add(once);
  return once;
}

export function withSearchPath(url: string, schema: string): string {
  const u = new URL(url);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.toString();
}

async function adminExec(sql: string): Promise<void> {
  const admin = new PgDriver({ connectionString: BENCH_DATABASE_URL, max: 1, applicationName: 'motcua-bench' });
  try {
    await admin.exec(sql);
  } finally {
    await admin.close();
  }
}

export interface BenchPostgres {
  driver: PgDriver;
  schema: string;
  /** Closes the driver (if still open) and drops the schema. */
  drop(): Promise<void>;
}

/** A fresh schema in the bench database, used as the search_path of every pooled connection. */
export async function freshPostgres(label: string, poolSize: number): Promise<BenchPostgres> {
  const schema = `bench_${label}_${randomBytes(4).toString('hex')}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  await adminExec(`CREATE SCHEMA ${schema}`);
  const driver = new PgDriver({
    connectionString: withSearchPath(BENCH_DATABASE_URL, schema),
    max: poolSize,
    applicationName: 'motcua-bench',
  });
  return {
    driver,
    schema,
    drop: track(async () => {
      await driver.close().catch(() => undefined);
      await adminExec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    }),
  };
}

/** `SHOW server_version` of the bench database, or undefined when it cannot be reached. */
export async function postgresVersion(url = BENCH_DATABASE_URL): Promise<string | undefined> {
  const d = new PgDriver({ connectionString: url, max: 1, applicationName: 'motcua-bench' });
  try {
    const { rows } = await d.query<{ v: string }>(`SELECT current_setting('server_version') AS v`);
    return rows[0]?.v;
  } catch {
    return undefined;
  } finally {
    await d.close().catch(() => undefined);
  }
}

/** Server settings that decide write throughput (fsync, synchronous_commit...), for the report. */
export async function postgresDurability(url = BENCH_DATABASE_URL): Promise<Record<string, string>> {
  const d = new PgDriver({ connectionString: url, max: 1, applicationName: 'motcua-bench' });
  try {
    const { rows } = await d.query<{ name: string; setting: string }>(
      `SELECT name, setting FROM pg_settings
       WHERE name IN ('fsync', 'synchronous_commit', 'wal_sync_method', 'shared_buffers', 'full_page_writes')`,
    );
    return Object.fromEntries(rows.map((r) => [r.name, r.setting]));
  } catch {
    return {};
  } finally {
    await d.close().catch(() => undefined);
  }
}

export interface BenchPglite {
  driver: PgliteDriver;
  dir: string;
  /** Closes the driver (if still open) and removes the directory. */
  drop(): Promise<void>;
}

/** A file-backed PGlite in a fresh temporary directory (as users run it, not in memory). */
export async function freshPglite(label: string): Promise<BenchPglite> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `motcua-bench-${label}-`));
  let driver: PgliteDriver | undefined;
  // Tracked before opening: an interruption during the (slow) first open still removes the directory.
  const drop = track(async () => {
    await driver?.close().catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  });
  try {
    driver = await PgliteDriver.open(dir);
  } catch (err) {
    await drop();
    throw err;
  }
  return { driver, dir, drop };
}

/** The PostgreSQL version inside PGlite and its durability settings (PGlite runs with fsync=off). */
export async function pgliteSettings(): Promise<Record<string, string>> {
  const db = await freshPglite('settings');
  try {
    const { rows } = await db.driver.query<{ name: string; setting: string }>(
      `SELECT name, setting FROM pg_settings WHERE name IN ('server_version', 'fsync', 'synchronous_commit')`,
    );
    return Object.fromEntries(rows.map((r) => [r.name, r.setting]));
  } catch {
    return {};
  } finally {
    await db.drop();
  }
}
