import { Client, Pool, PoolClient, types } from 'pg';
import { Listening, ListenOptions, QueryOptions, SqlDriver, SqlExecutor, SqlResult } from './driver';

// int8 and numeric arrive as strings: every query that needs them casts or parses explicitly.
types.setTypeParser(20, (v) => v);

function executor(client: Pool | PoolClient | Client): SqlExecutor {
  return {
    async query<T>(sql: string, params?: unknown[], options?: QueryOptions): Promise<SqlResult<T>> {
      // node-postgres prepares a named statement on each connection the first time it meets it
      const r = options?.name ? await client.query({ name: options.name, text: sql, values: params }) : await client.query(sql, params as unknown[]);
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
  /**
   * How long to wait for a connection (a new one, or a free one of the pool) before the query fails
   * (default 5000 ms). A database that is down fails at once (ECONNREFUSED); one that does not
   * answer fails after this.
   */
  connectTimeoutMs?: number;
  /**
   * The server's `statement_timeout` (0 or undefined: none). The client also gives up on a query
   * after this plus `QUERY_TIMEOUT_MARGIN_MS` (a connection to a server that vanished without a
   * word would otherwise wait forever), and such a connection is discarded.
   */
  statementTimeoutMs?: number;
}

/** Network slack on top of the statement timeout before the client gives up on a query itself. */
export const QUERY_TIMEOUT_MARGIN_MS = 5_000;
export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;

/** The connection this error came from is no use any more (the query may or may not have run). */
export function connectionLost(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : '';
  const message = typeof e?.message === 'string' ? e.message : '';
  return (
    code.startsWith('08') ||
    /^57P0[1-3]$/.test(code) ||
    ['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE'].includes(code) ||
    /^(Connection terminated|Query read timeout$)|is not queryable$/.test(message)
  );
}

/**
 * PostgreSQL through a node-postgres pool. While the server is down or restarting, queries fail
 * fast (refused connections) or within the connect and statement timeouts, and the pool heals by
 * itself: connections that broke are discarded, new ones are opened when the server is back.
 */
export class PgDriver implements SqlDriver {
  readonly kind = 'postgres' as const;
  readonly pool: Pool;
  private readonly base: SqlExecutor;
  /** Open LISTEN connections: closed with the driver. */
  private readonly listeners = new Set<Listening>();

  constructor(private readonly options: PgDriverOptions) {
    const statementTimeout = options.statementTimeoutMs || undefined;
    this.pool = new Pool({
      connectionString: options.connectionString,
      max: options.max ?? 10,
      application_name: options.applicationName ?? 'motcua',
      connectionTimeoutMillis: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      keepAlive: true,
      ...(statementTimeout ? { statement_timeout: statementTimeout, query_timeout: statementTimeout + QUERY_TIMEOUT_MARGIN_MS } : {}),
    });
    // An idle client losing its connection (a restart, a failover) must not crash the process:
    // pg-pool drops that client, and the next query opens a new connection.
    this.pool.on('error', () => undefined);
    this.base = executor(this.pool);
  }

  query<T = Record<string, unknown>>(sql: string, params?: unknown[], options?: QueryOptions): Promise<SqlResult<T>> {
    return this.base.query<T>(sql, params, options);
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
      // a lost connection cannot roll back (the server does it): discard it rather than wait on it
      if (connectionLost(err)) broken = true;
      else
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
    await Promise.all([...this.listeners].map((l) => l.close()));
    await this.pool.end();
  }

  listen(channel: string, options: ListenOptions): Listening {
    const retryMs = options.retryMs ?? 1_000;
    const heartbeatMs = options.heartbeatMs ?? 30_000;
    const timeoutMs = this.options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    let closed = false;
    let active = false;
    let client: Client | undefined;
    let retry: NodeJS.Timeout | undefined;
    let heartbeat: NodeJS.Timeout | undefined;
    const connect = async (): Promise<void> => {
      retry = undefined;
      if (closed) return;
      const c = new Client({
        connectionString: this.options.connectionString,
        application_name: `${this.options.applicationName ?? 'motcua'}-listen`,
        connectionTimeoutMillis: timeoutMs,
        query_timeout: timeoutMs,
        keepAlive: true,
      });
      client = c;
      // Once per connection: mark inactive, drop it, reconnect later (the safety polls cover the gap).
      const lost = (delayMs = retryMs): void => {
        if (client !== c) return;
        client = undefined;
        active = false;
        clearInterval(heartbeat);
        c.end().catch(() => undefined);
        if (!closed) retry = setTimeout(() => void connect(), delayMs).unref();
      };
      c.on('error', () => lost());
      c.on('end', () => lost());
      c.on('notification', (n) => {
        if (n.channel === channel && client === c) options.onNotify(n.payload ?? '');
      });
      try {
        await c.connect();
        await c.query(`LISTEN "${channel.replace(/"/g, '""')}"`);
        if (options.ready && !(await options.ready(executor(c)))) return lost(30_000);
        if (client !== c || closed) return;
        active = true;
        heartbeat = setInterval(() => {
          c.query('SELECT 1').catch(() => lost());
        }, heartbeatMs);
        heartbeat.unref();
        options.onActive?.();
      } catch {
        lost();
      }
    };
    void connect();
    const listening: Listening = {
      get active() {
        return active && !closed;
      },
      close: async () => {
        this.listeners.delete(listening);
        closed = true;
        active = false;
        clearTimeout(retry);
        clearInterval(heartbeat);
        const c = client;
        client = undefined;
        await c?.end().catch(() => undefined);
      },
    };
    this.listeners.add(listening);
    return listening;
  }
}
