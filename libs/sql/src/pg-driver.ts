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

  /**
   * A checked-out client has no error listener of the pool's: without ours, a connection the
   * server terminates (restart, failover) would crash the process with an uncaught error. The
   * failure then surfaces as the rejected query instead.
   */
  private async checkout(): Promise<{ client: PoolClient; done: (destroy?: boolean) => void }> {
    const client = await this.pool.connect();
    let failed = false;
    const onError = () => {
      failed = true;
    };
    client.on('error', onError);
    return {
      client,
      done: (destroy = false) => {
        client.off('error', onError);
        client.release(destroy || failed);
      },
    };
  }

  async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const { client, done } = await this.checkout();
    let broken = false;
    try {
      await client.query('BEGIN');
      const result = await fn(executor(client));
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      throw err;
    } finally {
      done(broken);
    }
  }

  async withSession<T>(fn: (session: SqlExecutor) => Promise<T>): Promise<T> {
    const { client, done } = await this.checkout();
    let broken = false;
    try {
      return await fn(executor(client));
    } catch (err) {
      broken = true;
      throw err;
    } finally {
      // A session that failed may hold session state (locks): destroy rather than reuse it.
      done(broken);
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
