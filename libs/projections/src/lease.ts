import { SqlDriver, SqlExecutor } from '@motcua/sql';
import { ProjectionLogger } from './projection';

export interface LeaseOptions {
  /** Advisory-lock key, hashed with the current schema (instances on other schemas of the database do not compete). */
  key: string;
  /** How often a standby tries to take the lease. */
  retryMs: number;
  /** How often the leader checks that its lock connection is alive. */
  heartbeatMs: number;
  /** A heartbeat slower than this counts as a lost connection. */
  heartbeatTimeoutMs: number;
  logger: ProjectionLogger;
}

export interface LeaseCallbacks {
  /** This instance now holds the lease. */
  acquired(): Promise<void>;
  /** The lease is gone or being given up: stop projecting (must not throw). */
  released(): Promise<void>;
}

/**
 * Leadership among runner instances sharing one database.
 *
 * PostgreSQL: a session-level advisory lock (`pg_try_advisory_lock`) taken and held on one
 * dedicated connection (`driver.withSession`) for the whole leading period. The server releases it
 * when that connection closes (process killed, network lost), so a standby retrying every
 * `retryMs` takes over. The leader pings its lock connection every `heartbeatMs` and stops
 * projecting as soon as a ping fails. PGlite: one process owns the database, so it always leads.
 */
export class Lease {
  private stopped = false;
  private wake: (() => void) | undefined;

  constructor(
    private readonly driver: SqlDriver,
    private readonly options: LeaseOptions,
  ) {}

  /** Loops until `stop()`: waits for the lease, leads while it holds it, then stands by again. */
  async run(cb: LeaseCallbacks): Promise<void> {
    if (this.driver.kind === 'pglite') {
      await cb.acquired();
      while (!this.stopped) await this.sleep(60_000);
      await cb.released();
      return;
    }
    while (!this.stopped) {
      try {
        await this.driver.withSession((session) => this.tryLead(session, cb));
      } catch (err) {
        // withSession destroys the connection on a throw, which also drops the lock if still held.
        if (!this.stopped) this.options.logger.warn(`projection lease lost or unavailable: ${message(err)}`);
      }
      if (!this.stopped) await this.sleep(this.options.retryMs);
    }
  }

  stop(): void {
    this.stopped = true;
    this.wake?.();
  }

  private async tryLead(session: SqlExecutor, cb: LeaseCallbacks): Promise<void> {
    const { rows } = await session.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock(hashtextextended($1 || '@' || current_schema(), 0)) AS ok`, [
      this.options.key,
    ]);
    if (!rows[0]?.ok) return;
    this.options.logger.log(`projection lease "${this.options.key}" acquired: projecting`);
    try {
      await cb.acquired();
      while (!this.stopped) {
        await this.sleep(this.options.heartbeatMs);
        if (!this.stopped) await withTimeout(session.query(`SELECT 1`), this.options.heartbeatTimeoutMs);
      }
    } finally {
      await cb.released();
    }
    // Healthy end (stop): unlock, so that the connection goes back to the pool without the lock.
    const unlocked = await session.query<{ ok: boolean }>(`SELECT pg_advisory_unlock(hashtextextended($1 || '@' || current_schema(), 0)) AS ok`, [
      this.options.key,
    ]);
    if (!unlocked.rows[0]?.ok) throw new Error('advisory lock was not held at release');
    this.options.logger.log(`projection lease "${this.options.key}" released`);
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        if (this.wake === done) this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`lock connection did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

export function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
