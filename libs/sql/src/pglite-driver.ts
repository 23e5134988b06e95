import { PGlite, Transaction } from '@electric-sql/pglite';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SqlDriver, SqlExecutor, SqlResult } from './driver';
import { acquireLock, LOCK_FILE, releaseLock } from './data-dir-lock';

type Queryable = Pick<PGlite, 'query' | 'exec'> | Transaction;

function executor(db: Queryable): SqlExecutor {
  return {
    async query<T>(sql: string, params?: unknown[]): Promise<SqlResult<T>> {
      const r = await db.query<T>(sql, params);
      return { rows: r.rows, affectedRows: r.affectedRows ?? 0 };
    },
    async exec(sql: string): Promise<void> {
      await db.exec(sql);
    },
  };
}

/**
 * PGlite (PostgreSQL compiled to WASM) persisted in a directory. One process at a time may open a
 * directory: a lock file holding the owner's pid refuses a second opener instead of letting two
 * processes corrupt the files. A lock left by a killed process (pid gone) is taken over.
 */
export class PgliteDriver implements SqlDriver {
  readonly kind = 'pglite' as const;
  private readonly base: SqlExecutor;

  private constructor(
    readonly db: PGlite,
    private readonly lockPath: string | undefined,
  ) {
    this.base = executor(db);
  }

  /** `dataDir` undefined → in memory (tests). */
  static async open(dataDir?: string): Promise<PgliteDriver> {
    let lockPath: string | undefined;
    if (dataDir) {
      fs.mkdirSync(dataDir, { recursive: true });
      lockPath = path.join(dataDir, LOCK_FILE);
      acquireLock(lockPath);
    }
    try {
      const db = await PGlite.create(dataDir ? { dataDir } : {});
      return new PgliteDriver(db, lockPath);
    } catch (err) {
      if (lockPath) releaseLock(lockPath);
      throw err;
    }
  }

  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<SqlResult<T>> {
    return this.base.query<T>(sql, params);
  }

  exec(sql: string): Promise<void> {
    return this.base.exec(sql);
  }

  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => fn(executor(tx)));
  }

  withSession<T>(fn: (session: SqlExecutor) => Promise<T>): Promise<T> {
    return fn(this.base);
  }

  async close(): Promise<void> {
    if (!this.db.closed) await this.db.close();
    if (this.lockPath) releaseLock(this.lockPath);
  }
}
