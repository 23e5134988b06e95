/**
 * Rebuild of a projection's read model without downtime (framework-free). This file orchestrates:
 *
 * 1. Shadow tables (./shadow-schema.ts): for every table of `projection.tables`, a table of the
 *    same name and DDL in a shadow schema `<schema>__rb_<projection>`. The live tables keep
 *    serving readers.
 * 2. Replay (./replay.ts) from position zero into the shadow tables with a dedicated checkpoint
 *    (`<projection>__rebuild`). Secondary indexes are built once the bulk of the log is replayed,
 *    then `ANALYZE`, then a second catch-up.
 * 3. Swap (./swap.ts), in one transaction with the live projection paused at its checkpoint row:
 *    the shadow catches up with the live checkpoint, the live tables are dropped, the shadow tables
 *    moved into the live schema, the live checkpoint set to the rebuild's position. DDL is
 *    transactional: readers see either the old tables or the new ones; a reader queued on the old
 *    table's lock resolves the name again and reads the new table.
 *    verify compares (./compare.ts) at the same point instead, and drops the shadow tables.
 *
 * The live runner then goes on from the rebuild's position: events it had not applied yet but the
 * rebuild had are dropped by `applyBatch`'s checkpoint guard; the later ones are applied to the
 * new tables. At most one rebuild of a projection runs at a time (./lock.ts).
 */
import { positionToString } from '@motcua/event-store/port';
import { SqlExecutor } from '@motcua/sql';
import { deleteCheckpoint, readCheckpoint } from '../checkpoints';
import { message } from '../lease';
import { SILENT_LOGGER } from '../projection';
import { compareWithShadow } from './compare';
import { exclusiveRebuild } from './lock';
import { ShadowReplay } from './replay';
import { buildShadowIndexes, createShadowTables, describeShadowSchema, dropShadowSchema, ShadowSchema, shadowSchemaOf } from './shadow-schema';
import { atLivePosition, swapInShadow } from './swap';
import { RebuildOptions, RebuildPhase, RebuildProgress, RebuildResult, TableDifference, VerifyResult } from './types';

export * from './types';

/** Events per replay transaction unless `transactionEvents` says otherwise. */
export const DEFAULT_REBUILD_TRANSACTION_EVENTS = 10_000;

/**
 * Rows an in-memory replay holds at most unless `heldRows` says otherwise (see RebuildOptions):
 * a held dossier-summary row costs about 1.8 KB of heap (its facts, clock and search row), so
 * about 90 MB.
 */
export const DEFAULT_REBUILD_HELD_ROWS = 50_000;

/** The checkpoint name the rebuild replays under. */
export function rebuildCheckpointName(projection: string): string {
  return `${projection}__rebuild`;
}

/** Reads the committed rebuild checkpoint (for status displays). */
export async function readRebuildCheckpoint(db: SqlExecutor, projection: string) {
  return readCheckpoint(db, rebuildCheckpointName(projection));
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
  return exclusiveRebuild(driver, projection.name, () => work(new Rebuild(options)));
}

class Rebuild {
  private readonly checkpointName: string;
  private readonly started = Date.now();
  private replayStarted = Date.now();
  private total = 0;
  private phase: RebuildPhase = 'preparing';
  /** Set as soon as known: a failure drops whatever is in it. */
  private shadowName: string | undefined;
  private replay: ShadowReplay | undefined;
  verified: TableDifference[] | undefined;

  constructor(private readonly options: RebuildOptions) {
    this.checkpointName = rebuildCheckpointName(options.projection.name);
  }

  async run(): Promise<RebuildResult> {
    const { projection, store } = this.options;
    const logger = this.options.logger ?? SILENT_LOGGER;
    const name = projection.name;
    try {
      const { shadow, replay } = await this.prepare();
      this.total = await store.countAfter(undefined, projection.filter);
      logger.log(`rebuild ${name}: replaying ${this.total} events into ${shadow.name}`);
      this.replayStarted = Date.now();
      this.setPhase('replaying');
      await replay.catchUp();
      this.setPhase('indexing');
      await buildShadowIndexes(this.options.driver, shadow);
      this.setPhase('catching-up');
      await replay.catchUp();
      this.setPhase('swapping');
      const attempts = await this.swap(shadow, replay);
      if (this.options.mode === 'verify') await this.cleanUp();
      this.setPhase('done');
      const ms = Date.now() - this.started;
      logger.log(`rebuild ${name}: ${replay.applied} events in ${(ms / 1000).toFixed(1)} s, swapped in`);
      return {
        projection: name,
        events: replay.applied,
        position: replay.position && positionToString(replay.position),
        ms,
        eventsPerSecond: ms > 0 ? (replay.applied * 1000) / ms : replay.applied,
        swapAttempts: attempts,
      };
    } catch (err) {
      logger.error(`rebuild ${name} failed: ${message(err)}; the live tables are unchanged`);
      await this.cleanUp().catch(() => undefined);
      throw err;
    }
  }

  private progress(): RebuildProgress {
    const elapsed = Date.now() - this.replayStarted;
    const applied = this.replay?.applied ?? 0;
    return {
      projection: this.options.projection.name,
      phase: this.phase,
      applied,
      total: Math.max(this.total, applied),
      elapsedMs: Date.now() - this.started,
      eventsPerSecond: elapsed > 0 ? (applied * 1000) / elapsed : 0,
    };
  }

  private report(): void {
    this.options.onProgress?.(this.progress());
  }

  private setPhase(phase: RebuildPhase): void {
    this.phase = phase;
    this.report();
  }

  /** Empty shadow tables with their constraints, and no rebuild checkpoint yet. */
  private async prepare(): Promise<{ shadow: ShadowSchema; replay: ShadowReplay }> {
    const { driver, projection } = this.options;
    this.report();
    const { rows } = await driver.query<{ path: string }>(`SELECT current_setting('search_path') AS path`);
    this.shadowName = await shadowSchemaOf(driver, projection.name, projection.tables![0]);
    const shadow = await describeShadowSchema(driver, this.shadowName, projection.name, projection.tables!);
    await driver.transaction(async (tx) => {
      await createShadowTables(tx, shadow);
      await deleteCheckpoint(tx, this.checkpointName);
    });
    this.replay = new ShadowReplay({
      store: this.options.store,
      driver,
      projection,
      checkpointName: this.checkpointName,
      shadow: shadow.name,
      liveSearchPath: rows[0].path,
      batchSize: this.options.batchSize ?? 2000,
      transactionEvents: this.options.transactionEvents ?? DEFAULT_REBUILD_TRANSACTION_EVENTS,
      heldRows: this.options.heldRows ?? DEFAULT_REBUILD_HELD_ROWS,
      signal: this.options.signal,
      onProgress: () => this.report(),
    });
    return { shadow, replay: this.replay };
  }

  /** Swaps the shadow tables in, or (verify) compares them with the live ones; returns the transactions tried. */
  private swap(shadow: ShadowSchema, replay: ShadowReplay): Promise<number> {
    const verify = this.options.mode === 'verify';
    const at = {
      driver: this.options.driver,
      projection: this.options.projection.name,
      checkpointName: this.checkpointName,
      replay,
      logger: this.options.logger ?? SILENT_LOGGER,
      maxAttempts: this.options.maxSwapAttempts ?? 20,
      samePosition: verify,
    };
    return atLivePosition(at, async (tx) => {
      if (verify) this.verified = await compareWithShadow(tx, shadow, this.options.maxRowsShown ?? 50);
      else await swapInShadow(tx, shadow, at);
    });
  }

  private async cleanUp(): Promise<void> {
    const shadow = this.shadowName;
    if (!shadow) return;
    await this.options.driver.transaction(async (tx) => {
      await dropShadowSchema(tx, shadow);
      await deleteCheckpoint(tx, this.checkpointName);
    });
  }
}
