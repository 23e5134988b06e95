import { randomBytes } from 'node:crypto';
import { PgDriver, PgliteDriver } from '@motcua/sql';

/** The PostgreSQL that runs on developer machines and CI (trust auth). Override with TEST_DATABASE_URL. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestPostgres {
  driver: PgDriver;
  schema: string;
  /** A connection string whose search_path is this schema (for child processes). */
  url: string;
  drop(): Promise<void>;
}

/**
 * A fresh schema in the test database, so test files running side by side never see each
 * other's tables. The driver's connections use it as their search_path.
 */
export async function freshPostgres(label = 't', poolSize = 10): Promise<TestPostgres> {
  const schema = `motcua_${label}_${randomBytes(4).toString('hex')}`.toLowerCase();
  const admin = new PgDriver({ connectionString: TEST_DATABASE_URL, max: 1 });
  await admin.exec(`CREATE SCHEMA ${schema}`);
  await admin.close();
  const url = withSearchPath(TEST_DATABASE_URL, schema);
  const driver = new PgDriver({ connectionString: url, max: poolSize });
  return {
    driver,
    schema,
    url,
    async drop() {
      await driver.close().catch(() => undefined);
      const a = new PgDriver({ connectionString: TEST_DATABASE_URL, max: 1 });
      await a.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await a.close();
    },
  };
}

export function withSearchPath(url: string, schema: string): string {
  const u = new URL(url);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.toString();
}

/** An in-memory PGlite (first open costs a few seconds: share one per test file). */
export function freshPglite(): Promise<PgliteDriver> {
  return PgliteDriver.open(undefined);
}
