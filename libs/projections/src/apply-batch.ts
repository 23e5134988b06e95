import { comparePositions, RecordedEvent } from '@motcua/event-store/port';
import { SqlDriver } from '@motcua/sql';
import { advanceCheckpoint, lockCheckpoint } from './checkpoints';
import { AfterCommit, Projection } from './projection';

/** Thrown inside a batch transaction when `stillLeading` turned false: the batch rolls back. */
export class NotLeaderError extends Error {
  constructor() {
    super('projection lease lost: batch rolled back');
    this.name = 'NotLeaderError';
  }
}

/**
 * Applies one batch with an exactly-once effect, in one transaction: lock the projection's
 * checkpoint row, drop the events at or before it (already applied: a redelivery, an older
 * subscription, a previous leader), apply the rest, advance the checkpoint past them. Events are
 * applied if and only if the checkpoint moves past them. Returns how many events were applied.
 */
export async function applyBatch(
  driver: SqlDriver,
  projection: Projection,
  events: RecordedEvent[],
  stillLeading: () => boolean = () => true,
): Promise<number> {
  let afterCommit: AfterCommit | void = undefined;
  const applied = await driver.transaction(async (tx) => {
    afterCommit = undefined;
    if (!stillLeading()) throw new NotLeaderError();
    const cp = await lockCheckpoint(tx, projection.name);
    const after = cp.position;
    const fresh = after ? events.filter((e) => comparePositions(e.position, after) > 0) : events;
    if (fresh.length === 0) return 0;
    afterCommit = await projection.apply(tx, fresh);
    if (!stillLeading()) throw new NotLeaderError();
    await advanceCheckpoint(tx, projection.name, fresh[fresh.length - 1].position, fresh.length);
    return fresh.length;
  });
  // Committed: run the projection's after-commit work (see `AfterCommit`); it cannot undo the batch.
  const hook = afterCommit as AfterCommit | void;
  if (hook) {
    try {
      await hook();
    } catch {
      /* the hook reports its own errors */
    }
  }
  return applied;
}
