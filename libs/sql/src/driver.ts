/**
 * The one SQL seam shared by the event store's SQL adapter, the read models and checkpoints.
 * PGlite (embedded) and PostgreSQL (node-postgres) implement it; the SQL text is shared.
 */
export interface SqlResult<T> {
  rows: T[];
  affectedRows: number;
}

/** How a query is sent; a driver may ignore any of it (the result is the same). */
export interface QueryOptions {
  /**
   * Send it as a named prepared statement (PostgreSQL: parsed and planned once per connection
   * instead of on every call). The same name must always come with the same SQL text and
   * parameter types: only for a few fixed hot statements (the appends).
   */
  name?: string;
}

export interface SqlExecutor {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[], options?: QueryOptions): Promise<SqlResult<T>>;
  /** Runs several `;`-separated statements without parameters. */
  exec(sql: string): Promise<void>;
}

export interface SqlDriver extends SqlExecutor {
  readonly kind: 'pglite' | 'postgres';
  /** Runs `fn` in one transaction on one connection; commits if it resolves, rolls back if not. */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /**
   * Runs `fn` on one dedicated connection (session-level advisory locks live as long as it).
   * On PGlite (one connection) this is the same connection as everything else.
   */
  withSession<T>(fn: (session: SqlExecutor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /**
   * PostgreSQL: `LISTEN channel` on a dedicated connection of its own (not one of the pool's),
   * reconnected after a loss; see `Listening`. PGlite has none (one process: signal in process).
   */
  listen?(channel: string, options: ListenOptions): Listening;
}

export interface ListenOptions {
  /** Each notification on the channel (its payload). */
  onNotify(payload: string): void;
  /**
   * Run on the listening connection once LISTEN is in place: false keeps the listener inactive (it
   * retries later), e.g. when the trigger that sends the notifications is missing.
   */
  ready?(session: SqlExecutor): Promise<boolean>;
  /** Called each time the listener becomes active (after a (re)connection): catch up on what a gap may have hidden. */
  onActive?(): void;
  /** Delay before reconnecting after a loss or a failed attempt. Default 1000 ms. */
  retryMs?: number;
  /** The listening connection is pinged this often; a failed ping counts as a loss. Default 30 000 ms. */
  heartbeatMs?: number;
}

/** A LISTEN connection. */
export interface Listening {
  /** LISTEN is in place on a live connection (as far as the last heartbeat knows). */
  readonly active: boolean;
  close(): Promise<void>;
}

/** Escapes LIKE wildcards so that a user string matches literally as a prefix. */
export function likePrefix(prefix: string): string {
  return prefix.replace(/[\\%_]/g, (c) => '\\' + c) + '%';
}
