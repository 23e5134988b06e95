import { Pool, PoolClient, types } from 'pg';
import { SqlDriver, SqlExecutor, SqlResult } from './driver';

// int8 and numeric arrive as strings: every query that needs them casts or parses explicitly.
types.setTypeParser(20, (v) => v);

function executor(client: Pool | PoolClient): SqlExecutor {
  return {
    async query<T>(sql: string, params?: unknown[]): Promise<SqlResult<T>> {
      const r = await client.query(sql, params as unknown[]);
      return { rows: r.rows as T[], affectedRows: r.rowCount ?? 0 };
    },
    async exec(sql: string): Promise<void> {
      await client.query(sql);
    },
  };
}

export interface PgDriverOptions {
  connectionString: string;
  max?: number;
  applicationName?: string;
}

/** PostgreSQL through a node-postgres pool. */
export class PgDriver implements SqlDriver {
  readonly kind = 'postgres' as const;
  readonly pool: Pool;
  private readonly base: SqlExecutor;

  constructor(options: PgDriverOptions) {
    this.pool = new Pool({
      connectionString: options.connectionString,
      max: options.max ?? 10,
      application_name: options.applicationName ?? 'motcua',
      connectionTimeoutMillis: 10_000,
    });
    // An idle client losing its connection must not crash the process; the next query reconnects.
    this.pool.on('error', () => undefined);
    this.base = executor(this.pool);
  }

  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<SqlResult<T>> {
    return this.base.query<T>(sql, params);
  }

  exec(sql: string): Promise<void> {
    return this.base.exec(sql);
  }

  async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await fn(executor(client));
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  async withSession<T>(fn: (session: SqlExecutor) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken = false;
    try {
      return await fn(executor(client));
    } catch (err) {
      broken = true;
      throw err;
    } finally {
      // A session that failed may hold session state (locks): destroy rather than reuse it.
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
