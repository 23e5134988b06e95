/**
 * Rebuild of a projection's read model without downtime (framework-free).
 *
 * 1. Shadow tables: for every table of `projection.tables`, a table of the same name and DDL
 *    (`LIKE … INCLUDING ALL`, the same constraints and the same index names) in a shadow schema
 *    `<schema>__rb_<projection>`. The live tables keep serving readers.
 * 2. Replay from position zero into the shadow tables with a dedicated checkpoint
 *    (`<projection>__rebuild`): each batch runs `projection.apply` unchanged, in a transaction whose
 *    search_path puts the shadow schema first, so its unqualified table names resolve to the shadow
 *    tables (the checkpoint table, only in the live schema, still resolves to the live one).
 *    Secondary indexes are built once the bulk of the log is replayed, then `ANALYZE`, then a
 *    second catch-up.
 * 3. Swap, in one transaction: lock the live projection's checkpoint row (the live runner, in this
 *    process or another, waits at its next batch), make sure the shadow is at least as far as the
 *    live checkpoint (PostgreSQL: replays the missing events inside the transaction; PGlite: one
 *    connection, so the transaction is rolled back and retried after another catch-up), lock the
 *    live tables (in `projection.tables` order, the order readers take them), drop them, move the
 *    shadow tables into the live schema, set the live checkpoint to the rebuild's position.
 *    DDL is transactional: readers see either the old tables or the new ones; a reader queued on
 *    the old table's lock resolves the name again and reads the new table.
 *
 * The live runner then goes on from the rebuild's position: events it had not applied yet but the
 * rebuild had are dropped by `applyBatch`'s checkpoint guard; the later ones are applied to the
 * new tables. At most one rebuild of a projection runs at a time (advisory lock on PostgreSQL).
 */
import { comparePositions, EventStore, Position, positionToString, RecordedEvent } from '@motcua/event-store/port';
import { SqlDriver, SqlExecutor } from '@motcua/sql';
import { applyBatch } from './apply-batch';
import { lockCheckpoint, readCheckpoint } from './checkpoints';
import { message } from './lease';
import { Projection, ProjectionLogger, SILENT_LOGGER } from './projection';

export type RebuildPhase = 'preparing' | 'replaying' | 'indexing' | 'catching-up' | 'swapping' | 'done';

export interface RebuildProgress {
  projection: string;
  phase: RebuildPhase;
  /** Events replayed into the shadow tables so far. */
  applied: number;
  /** Events to replay (matching the filter), counted at the start; grows if the log grows. */
  total: number;
  elapsedMs: number;
  /** `applied` over the replay time so far. */
  eventsPerSecond: number;
}

export interface RebuildResult {
  projection: string;
  /** Events replayed (= the live checkpoint's `eventsHandled` after the swap). */
  events: number;
  /** The position the read model is at after the swap. */
  position: string | undefined;
  ms: number;
  /** Replay rate, events/s over the whole rebuild (preparation, indexes and swap included). */
  eventsPerSecond: number;
  /** Swap transactions tried (more than 1: the live projection was ahead, PGlite). */
  swapAttempts: number;
}

export interface RebuildOptions {
  store: EventStore;
  /** Where the read model and checkpoints live. */
  driver: SqlDriver;
  projection: Projection;
  /** Events per replay transaction. Default 2000. */
  batchSize?: number;
  onProgress?: (p: RebuildProgress) => void;
  logger?: ProjectionLogger;
  /** Swap attempts before giving up (PGlite under a steady write load). Default 20. */
  maxSwapAttempts?: number;
  /** Aborting stops the rebuild at its next batch (the shadow tables are dropped). */
  signal?: AbortSignal;
  /**
   * `verify`: build the shadow tables the same way, then compare them with the live ones at the same
   * position instead of swapping, and drop them (the live tables are never touched).
   */
  mode?: 'swap' | 'verify';
  /** verify: rows listed per table and side at most. Default 50. */
  maxRowsShown?: number;
}

/** A difference between the live read model and a fresh rebuild of it. */
export interface TableDifference {
  table: string;
  /** Rows (as JSON) present in the live table and not in the rebuild. */
  onlyInLive: Record<string, unknown>[];
  /** Rows present in the rebuild and not in the live table. */
  onlyInRebuild: Record<string, unknown>[];
  /** Total counts (the lists may be cut at maxRowsShown). */
  liveCount: number;
  rebuildCount: number;
}

export interface VerifyResult {
  projection: string;
  ok: boolean;
  events: number;
  position: string | undefined;
  differences: TableDifference[];
}

export class RebuildInProgressError extends Error {
  constructor(readonly projection: string) {
    super(`a rebuild of projection ${projection} is already running`);
    this.name = 'RebuildInProgressError';
  }
}

/** The checkpoint name the rebuild replays under. */
export function rebuildCheckpointName(projection: string): string {
  return `${projection}__rebuild`;
}

const NONE = '-1/-1';
/** In-process guard (PGlite has one session, where advisory locks do not exclude). */
const running = new Set<string>();

function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

interface LiveTable {
  name: string;
  schema: string;
  /** `ALTER TABLE … ADD CONSTRAINT` clauses of the primary key, unique and exclusion constraints. */
  constraints: { name: string; def: string }[];
  /** The other indexes, as `CREATE INDEX` statements on the shadow table. */
  indexes: string[];
}

async function describeTables(db: SqlExecutor, tables: readonly string[], shadow: string): Promise<LiveTable[]> {
  const out: LiveTable[] = [];
  for (const name of tables) {
    const { rows } = await db.query<{ oid: number; schema: string }>(
      `SELECT c.oid::int AS oid, n.nspname AS schema FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE c.oid = to_regclass($1)`,
      [name],
    );
    if (!rows[0]) throw new Error(`table ${name} of the projection does not exist (migrations not applied?)`);
    const { oid, schema } = rows[0];
    const cons = await db.query<{ name: string; def: string }>(
      `SELECT conname AS name, pg_get_constraintdef(oid) AS def FROM pg_constraint
       WHERE conrelid = $1 AND contype IN ('p', 'u', 'x') ORDER BY conname`,
      [oid],
    );
    const idx = await db.query<{ def: string }>(
      `SELECT pg_get_indexdef(i.indexrelid) AS def FROM pg_index i
       WHERE i.indrelid = $1 AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.conrelid = $1)
       ORDER BY i.indexrelid`,
      [oid],
    );
    const indexes = idx.rows.map(({ def }) => {
      const m = /^CREATE (UNIQUE )?INDEX (\S+) ON (?:ONLY )?(\S+) (USING .*)$/s.exec(def);
      if (!m) throw new Error(`cannot copy index definition: ${def}`);
      return `CREATE ${m[1] ?? ''}INDEX ${m[2]} ON ${ident(shadow)}.${ident(name)} ${m[4]}`;
    });
    out.push({ name, schema, constraints: cons.rows, indexes });
  }
  return out;
}

/** The shadow schema of a projection's rebuild, next to the live tables. */
function shadowSchemaName(liveSchema: string, projection: string): string {
  return `${liveSchema}__rb_${projection.replace(/[^a-zA-Z0-9_]/g, '_')}`.slice(0, 63);
}

/**
 * Replays the whole log into fresh tables and swaps them in (see the module comment). Resolves when
 * the new tables are live; on failure the shadow tables are dropped and the live ones are untouched.
 */
export async function rebuildProjection(options: RebuildOptions): Promise<RebuildResult> {
  return withRebuildLock({ ...options, mode: 'swap' }, (rb) => rb.run());
}

/**
 * Rebuilds the projection into shadow tables exactly like `rebuildProjection`, then, at the live
 * read model's position, lists every row that differs (EXCEPT ALL both ways) instead of swapping;
 * the shadow tables are dropped and the live ones are never modified.
 */
export async function verifyProjection(options: Omit<RebuildOptions, 'mode'>): Promise<VerifyResult> {
  return withRebuildLock({ ...options, mode: 'verify' }, async (rb) => {
    const r = await rb.run();
    const differences = rb.verified ?? [];
    return { projection: r.projection, ok: differences.length === 0, events: r.events, position: r.position, differences };
  });
}

async function withRebuildLock<T>(options: RebuildOptions, work: (rb: Rebuild) => Promise<T>): Promise<T> {
  const { projection, driver } = options;
  if (!projection.tables?.length) throw new Error(`projection ${projection.name} declares no tables: it cannot be rebuilt`);
  if (running.has(projection.name)) throw new RebuildInProgressError(projection.name);
  running.add(projection.name);
  try {
    if (driver.kind === 'pglite') return await work(new Rebuild(options));
    // One session holds the advisory lock for the whole rebuild; the work uses other connections.
    return await driver.withSession(async (session) => {
      const key = `motcua:rebuild:${projection.name}`;
      const { rows } = await session.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock(hashtextextended($1 || '@' || current_schema(), 0)) AS ok`, [key]);
      if (!rows[0]?.ok) throw new RebuildInProgressError(projection.name);
      try {
        return await work(new Rebuild(options));
      } finally {
        await session.query(`SELECT pg_advisory_unlock(hashtextextended($1 || '@' || current_schema(), 0))`, [key]);
      }
    });
  } finally {
    running.delete(projection.name);
  }
}

class Behind extends Error {}
class Ahead extends Error {}

class Rebuild {
  private readonly projection: Projection;
  private readonly driver: SqlDriver;
  private readonly store: EventStore;
  private readonly batchSize: number;
  private readonly logger: ProjectionLogger;
  private readonly checkpointName: string;
  private readonly started = Date.now();
  private replayStarted = Date.now();
  private applied = 0;
  private total = 0;
  private position: Position | undefined;
  private phase: RebuildPhase = 'preparing';
  private shadow = '';
  private liveSearchPath = '';
  private tables: LiveTable[] = [];
  verified: TableDifference[] | undefined;

  constructor(private readonly options: RebuildOptions) {
    this.projection = options.projection;
    this.driver = options.driver;
    this.store = options.store;
    this.batchSize = options.batchSize ?? 2000;
    this.logger = options.logger ?? SILENT_LOGGER;
    this.checkpointName = rebuildCheckpointName(options.projection.name);
  }

  async run(): Promise<RebuildResult> {
    const name = this.projection.name;
    try {
      await this.prepare();
      this.total = await this.store.countAfter(undefined, this.projection.filter);
      this.logger.log(`rebuild ${name}: replaying ${this.total} events into ${this.shadow}`);
      this.replayStarted = Date.now();
      this.setPhase('replaying');
      await this.catchUp();
      this.setPhase('indexing');
      await this.buildIndexes();
      this.setPhase('catching-up');
      await this.catchUp();
      this.setPhase('swapping');
      const attempts = await this.swap();
      if (this.options.mode === 'verify') await this.cleanUp();
      this.setPhase('done');
      const ms = Date.now() - this.started;
      this.logger.log(`rebuild ${name}: ${this.applied} events in ${(ms / 1000).toFixed(1)} s, swapped in`);
      return {
        projection: name,
        events: this.applied,
        position: this.position && positionToString(this.position),
        ms,
        eventsPerSecond: ms > 0 ? (this.applied * 1000) / ms : this.applied,
        swapAttempts: attempts,
      };
    } catch (err) {
      this.logger.error(`rebuild ${name} failed: ${message(err)}; the live tables are unchanged`);
      await this.cleanUp().catch(() => undefined);
      throw err;
    }
  }

  private progress(): RebuildProgress {
    const elapsed = Date.now() - this.replayStarted;
    return {
      projection: this.projection.name,
      phase: this.phase,
      applied: this.applied,
      total: Math.max(this.total, this.applied),
      elapsedMs: Date.now() - this.started,
      eventsPerSecond: elapsed > 0 ? (this.applied * 1000) / elapsed : 0,
    };
  }

  private setPhase(phase: RebuildPhase): void {
    this.phase = phase;
    this.options.onProgress?.(this.progress());
  }

  private async prepare(): Promise<void> {
    this.options.onProgress?.(this.progress());
    const { rows } = await this.driver.query<{ path: string }>(`SELECT current_setting('search_path') AS path`);
    this.liveSearchPath = rows[0].path;
    const first = await this.driver.query<{ schema: string }>(
      `SELECT n.nspname AS schema FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = to_regclass($1)`,
      [this.projection.tables![0]],
    );
    if (!first.rows[0]) throw new Error(`table ${this.projection.tables![0]} does not exist (migrations not applied?)`);
    this.shadow = shadowSchemaName(first.rows[0].schema, this.projection.name);
    this.tables = await describeTables(this.driver, this.projection.tables!, this.shadow);
    const schemas = new Set(this.tables.map((t) => t.schema));
    if (schemas.size > 1) throw new Error(`the tables of projection ${this.projection.name} are in several schemas (${[...schemas].join(', ')})`);
    await this.driver.transaction(async (tx) => {
      await tx.exec(`DROP SCHEMA IF EXISTS ${ident(this.shadow)} CASCADE; CREATE SCHEMA ${ident(this.shadow)}`);
      for (const t of this.tables) {
        const live = `${ident(t.schema)}.${ident(t.name)}`;
        const target = `${ident(this.shadow)}.${ident(t.name)}`;
        await tx.exec(`CREATE TABLE ${target} (LIKE ${live} INCLUDING ALL EXCLUDING INDEXES)`);
        // Constraints (the primary key that ON CONFLICT needs) at once, with the live names.
        for (const c of t.constraints) await tx.exec(`ALTER TABLE ${target} ADD CONSTRAINT ${ident(c.name)} ${c.def}`);
      }
      await tx.query(`DELETE FROM projection_checkpoints WHERE name = $1`, [this.checkpointName]);
    });
  }

  private async buildIndexes(): Promise<void> {
    for (const t of this.tables) {
      for (const sql of t.indexes) await this.driver.exec(sql);
      await this.driver.exec(`ANALYZE ${ident(this.shadow)}.${ident(t.name)}`);
    }
  }

  /** The projection writing into the shadow tables, under the rebuild's checkpoint. */
  private shadowProjection(): Projection {
    const inner = this.projection;
    const shadowPath = `${ident(this.shadow)}, ${this.liveSearchPath}`;
    const livePath = this.liveSearchPath;
    return {
      name: this.checkpointName,
      filter: inner.filter,
      async apply(tx, events) {
        await tx.query(`SELECT set_config('search_path', $1, true)`, [shadowPath]);
        await inner.apply(tx, events);
        await tx.query(`SELECT set_config('search_path', $1, true)`, [livePath]);
      },
    };
  }

  /** Replays until a read returns nothing more (pages read ahead while the previous one is applied). */
  private async catchUp(): Promise<void> {
    const shadow = this.shadowProjection();
    const read = (from: Position | undefined) =>
      this.store.readAll({ fromPosition: from, filter: this.projection.filter, limit: this.batchSize });
    let next: Promise<RecordedEvent[]> | undefined = read(this.position);
    let lastReport = 0;
    while (next) {
      if (this.options.signal?.aborted) throw new Error('rebuild cancelled');
      const events = await next;
      if (events.length === 0) break;
      const last = events[events.length - 1].position;
      next = read(last);
      next.catch(() => undefined); // awaited on the next turn
      this.applied += await applyBatch(this.driver, shadow, events);
      this.position = last;
      if (Date.now() - lastReport >= 200) {
        lastReport = Date.now();
        this.options.onProgress?.(this.progress());
      }
    }
    this.options.onProgress?.(this.progress());
  }

  /** Applies `events` to the shadow tables inside the swap transaction (rebuild checkpoint row locked). */
  private async applyInTx(tx: SqlExecutor, events: RecordedEvent[]): Promise<void> {
    await this.shadowProjection().apply(tx, events);
    this.applied += events.length;
    this.position = events[events.length - 1].position;
  }

  private async swap(): Promise<number> {
    const max = this.options.maxSwapAttempts ?? 20;
    for (let attempt = 1; ; attempt++) {
      const before = { applied: this.applied, position: this.position };
      try {
        await this.driver.transaction((tx) => this.swapTx(tx));
        return attempt;
      } catch (err) {
        // Rolled back: the in-transaction replay did not happen.
        this.applied = before.applied;
        this.position = before.position;
        if (err instanceof Ahead && attempt < max) {
          await new Promise((r) => setTimeout(r, 500));
          continue;
        }
        if (err instanceof Ahead) throw new Error(`the live read model of ${this.projection.name} stays behind the log (is its projection runner running?): cannot compare at the same position`);
        if (!(err instanceof Behind) || attempt >= max) throw err;
        this.logger.log(`rebuild ${this.projection.name}: the live projection is ahead; catching up again (attempt ${attempt})`);
        await this.catchUp();
      }
    }
  }

  private async swapTx(tx: SqlExecutor): Promise<void> {
    const liveName = this.projection.name;
    // 1. The live projection pauses: its next batch waits for this row lock.
    const live = await lockCheckpoint(tx, liveName);
    const mine = await lockCheckpoint(tx, this.checkpointName);
    this.position = mine.position;
    this.applied = mine.eventsHandled;
    // 2. The shadow must be at least where the live read model is.
    const behind = () => live.position !== undefined && (this.position === undefined || comparePositions(this.position, live.position) < 0);
    if (behind()) {
      if (this.driver.kind !== 'postgres') throw new Behind();
      // PostgreSQL: the store reads on other connections; nothing more can enter the live model meanwhile.
      for (;;) {
        const events = await this.store.readAll({ fromPosition: this.position, filter: this.projection.filter, limit: this.batchSize });
        if (events.length === 0) break;
        await this.applyInTx(tx, events);
      }
      if (behind()) throw new Error(`rebuild of ${liveName} could not reach the live checkpoint ${positionToString(live.position!)}`);
    }
    if (live.position !== undefined && this.position !== undefined && comparePositions(this.position, live.position) > 0 && this.options.mode === 'verify') {
      // the rebuild is ahead of the live model (its runner is behind or stopped): compare at the
      // same position only — wait for the live runner, up to the attempts allowed
      throw new Ahead();
    }
    if (this.options.mode === 'verify') {
      this.verified = await this.compare(tx);
      return;
    }
    // 3. Swap: lock the live tables in the readers' order, drop them, move the shadow tables in.
    const liveTables = this.tables.map((t) => `${ident(t.schema)}.${ident(t.name)}`);
    await tx.exec(`LOCK TABLE ${liveTables.join(', ')} IN ACCESS EXCLUSIVE MODE`);
    for (const t of this.tables) {
      await tx.exec(`DROP TABLE ${ident(t.schema)}.${ident(t.name)}`);
      await tx.exec(`ALTER TABLE ${ident(this.shadow)}.${ident(t.name)} SET SCHEMA ${ident(t.schema)}`);
    }
    await tx.exec(`DROP SCHEMA ${ident(this.shadow)}`);
    // 4. The live projection goes on from the rebuild's position.
    await tx.query(
      `UPDATE projection_checkpoints SET position = $2, events_handled = $3::bigint, updated_at = now() WHERE name = $1`,
      [liveName, this.position ? positionToString(this.position) : NONE, this.applied],
    );
    await tx.query(`DELETE FROM projection_checkpoints WHERE name = $1`, [this.checkpointName]);
  }

  /** Rows of each live table missing from the shadow one and vice versa (EXCEPT ALL both ways). */
  private async compare(tx: SqlExecutor): Promise<TableDifference[]> {
    const max = this.options.maxRowsShown ?? 50;
    const out: TableDifference[] = [];
    for (const t of this.tables) {
      const live = `${ident(t.schema)}.${ident(t.name)}`;
      const shadow = `${ident(this.shadow)}.${ident(t.name)}`;
      const side = async (a: string, b: string) => {
        const { rows } = await tx.query<{ row: Record<string, unknown>; n: string }>(
          `WITH d AS (SELECT * FROM ${a} EXCEPT ALL SELECT * FROM ${b}) SELECT to_jsonb(d) AS row, count(*) OVER ()::text AS n FROM d LIMIT ${max}`,
        );
        return { rows: rows.map((r) => r.row), n: rows.length ? Number(rows[0].n) : 0 };
      };
      const l = await side(live, shadow);
      const r = await side(shadow, live);
      if (l.n || r.n) out.push({ table: t.name, onlyInLive: l.rows, onlyInRebuild: r.rows, liveCount: l.n, rebuildCount: r.n });
    }
    return out;
  }

  private async cleanUp(): Promise<void> {
    if (!this.shadow) return;
    await this.driver.transaction(async (tx) => {
      await tx.exec(`DROP SCHEMA IF EXISTS ${ident(this.shadow)} CASCADE`);
      await tx.query(`DELETE FROM projection_checkpoints WHERE name = $1`, [this.checkpointName]);
    });
  }
}

/** Reads the committed rebuild checkpoint (for status displays). */
export async function readRebuildCheckpoint(db: SqlExecutor, projection: string) {
  return readCheckpoint(db, rebuildCheckpointName(projection));
}
