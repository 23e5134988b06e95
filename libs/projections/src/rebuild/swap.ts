/**
 * The swap, in one transaction: lock the live projection's checkpoint row (the live runner, in this
 * process or another, waits at its next batch), make sure the shadow is at least as far as the live
 * checkpoint (PostgreSQL: replays the missing events inside the transaction; PGlite: one connection,
 * so the transaction is rolled back and retried after another catch-up), lock the live tables (in
 * `projection.tables` order, the order readers take them), drop them, move the shadow tables into
 * the live schema, set the live checkpoint to the rebuild's position. verify runs its comparison at
 * the same point instead of swapping.
 */
import { comparePositions, positionToString } from '@motcua/event-store/port';
import { SqlDriver, SqlExecutor } from '@motcua/sql';
import { deleteCheckpoint, lockCheckpoint, setCheckpoint } from '../checkpoints';
import { ProjectionLogger } from '../projection';
import { ShadowReplay } from './replay';
import { ident, qualified, ShadowSchema } from './shadow-schema';

class Behind extends Error {}
class Ahead extends Error {}

export interface AtLiveOptions {
  driver: SqlDriver;
  /** The live projection's name (its checkpoint). */
  projection: string;
  /** The rebuild's checkpoint name. */
  checkpointName: string;
  replay: ShadowReplay;
  logger: ProjectionLogger;
  /** Transactions tried before giving up. */
  maxAttempts: number;
  /**
   * `true` (verify): the shadow must be exactly at the live position; while the live read model is
   * behind, wait for its runner (up to the attempts allowed). `false`: at least at it.
   */
  samePosition: boolean;
}

/**
 * Runs `work` in a transaction where the live projection is paused (its checkpoint row locked) and
 * the shadow tables are at least (`samePosition`: exactly) at its position. Returns the number of
 * transactions tried.
 */
export async function atLivePosition(options: AtLiveOptions, work: (tx: SqlExecutor) => Promise<void>): Promise<number> {
  const { driver, replay, projection, maxAttempts } = options;
  for (let attempt = 1; ; attempt++) {
    const before = { applied: replay.applied, position: replay.position };
    try {
      await driver.transaction(async (tx) => {
        await catchUpWithLive(tx, options);
        await work(tx);
      });
      return attempt;
    } catch (err) {
      // Rolled back: the in-transaction replay did not happen.
      replay.reset(before);
      if (err instanceof Ahead && attempt < maxAttempts) {
        await new Promise((r) => setTimeout(r, 500));
        continue;
      }
      if (err instanceof Ahead)
        throw new Error(`the live read model of ${projection} stays behind the log (is its projection runner running?): cannot compare at the same position`, {
          cause: err,
        });
      if (!(err instanceof Behind) || attempt >= maxAttempts) throw err;
      options.logger.log(`rebuild ${projection}: the live projection is ahead; catching up again (attempt ${attempt})`);
      await replay.catchUp();
    }
  }
}

async function catchUpWithLive(tx: SqlExecutor, options: AtLiveOptions): Promise<void> {
  const { driver, replay, projection } = options;
  // 1. The live projection pauses: its next batch waits for this row lock.
  const live = await lockCheckpoint(tx, projection);
  const mine = await lockCheckpoint(tx, options.checkpointName);
  replay.reset({ applied: mine.eventsHandled, position: mine.position });
  // 2. The shadow must be at least where the live read model is.
  const behind = () => live.position !== undefined && (replay.position === undefined || comparePositions(replay.position, live.position) < 0);
  if (behind()) {
    if (driver.kind !== 'postgres') throw new Behind();
    // PostgreSQL: the store reads on other connections; nothing more can enter the live model meanwhile.
    for (;;) {
      const events = await replay.read(replay.position);
      if (events.length === 0) break;
      await replay.applyInTx(tx, events);
    }
    if (behind()) throw new Error(`rebuild of ${projection} could not reach the live checkpoint ${positionToString(live.position!)}`);
  }
  if (options.samePosition && live.position !== undefined && replay.position !== undefined && comparePositions(replay.position, live.position) > 0) {
    // the rebuild is ahead of the live model (its runner is behind or stopped): compare at the
    // same position only — wait for the live runner, up to the attempts allowed
    throw new Ahead();
  }
}

/**
 * 3. Inside `atLivePosition`: lock the live tables in the readers' order, drop them, move the
 * shadow tables in; 4. the live projection goes on from the rebuild's position.
 */
export async function swapInShadow(
  tx: SqlExecutor,
  shadow: ShadowSchema,
  options: Pick<AtLiveOptions, 'projection' | 'checkpointName' | 'replay'>,
): Promise<void> {
  await tx.exec(`LOCK TABLE ${shadow.tables.map((t) => qualified(t.schema, t.name)).join(', ')} IN ACCESS EXCLUSIVE MODE`);
  for (const t of shadow.tables) {
    await tx.exec(`DROP TABLE ${qualified(t.schema, t.name)}`);
    await tx.exec(`ALTER TABLE ${qualified(shadow.name, t.name)} SET SCHEMA ${ident(t.schema)}`);
  }
  await tx.exec(`DROP SCHEMA ${ident(shadow.name)}`);
  const { replay } = options;
  await setCheckpoint(tx, options.projection, { position: replay.position, eventsHandled: replay.applied });
  await deleteCheckpoint(tx, options.checkpointName);
}
