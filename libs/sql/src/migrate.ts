import * as fs from 'node:fs';
import * as path from 'node:path';
import { SqlDriver } from './driver';

/** Finds `infra/migrations` from the source tree or from `dist/`. */
export function migrationsDir(): string {
  let dir = __dirname;
  for (let i = 0; i < 8; i++) {
    const candidate = path.join(dir, 'infra', 'migrations');
    if (fs.existsSync(candidate)) return candidate;
    dir = path.dirname(dir);
  }
  throw new Error(`infra/migrations not found above ${__dirname}`);
}

/**
 * Applies every `infra/migrations/NNNN_name.sql` not applied yet, in name order, each in its own
 * transaction, under an advisory lock so that several processes starting at once apply each once.
 */
export async function migrate(driver: SqlDriver, dir = migrationsDir()): Promise<string[]> {
  const files = fs
    .readdirSync(dir)
    .filter((f) => /^\d+_.*\.sql$/.test(f))
    .sort();
  const applied: string[] = [];
  for (const file of files) {
    const sql = fs.readFileSync(path.join(dir, file), 'utf8');
    const done = await driver.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended('motcua:migrations', 0))`);
      await tx.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
      const seen = await tx.query(`SELECT 1 FROM schema_migrations WHERE name = $1`, [file]);
      if (seen.rows.length > 0) return false;
      await tx.exec(sql);
      await tx.query(`INSERT INTO schema_migrations (name) VALUES ($1)`, [file]);
      return true;
    });
    if (done) applied.push(file);
  }
  return applied;
}
