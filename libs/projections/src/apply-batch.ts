import { comparePositions, RecordedEvent } from '@motcua/event-store/port';
import { SqlDriver } from '@motcua/sql';
import { advanceCheckpoints, lockCheckpoints } from './checkpoints';
import { AfterCommit, Projection } from './projection';

/** Thrown inside a batch transaction when `stillLeading` turned false: the batch rolls back. */
export class NotLeaderError extends Error {
  constructor() {
    super('projection lease lost: batch rolled back');
    this.name = 'NotLeaderError';
  }
}

/** One projection's share of a batch: the events that match its filter. */
export interface ProjectionBatch {
  projection: Projection;
  events: RecordedEvent[];
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
  const [applied] = await applyBatches(driver, [{ projection, events }], stillLeading);
  return applied;
}

/**
 * `applyBatch` for several projections in one transaction (the runner's shared batch): each one's
 * checkpoint row is locked and moved with its own events, so each projection still takes effect
 * exactly once; the locks and the moves are one statement each, whatever the number of projections.
 * If any projection fails, none of the batch is applied (the caller finds which one fails alone).
 * Returns how many events each projection applied, in the order of `batches`.
 */
export async function applyBatches(driver: SqlDriver, batches: ProjectionBatch[], stillLeading: () => boolean = () => true): Promise<number[]> {
  const withEvents = batches.filter((b) => b.events.length > 0);
  if (withEvents.length === 0) return batches.map(() => 0);
  let hooks: AfterCommit[] = [];
  const applied = await driver.transaction(async (tx) => {
    hooks = [];
    if (!stillLeading()) throw new NotLeaderError();
    const checkpoints = await lockCheckpoints(
      tx,
      withEvents.map((b) => b.projection.name),
    );
    const counts = new Map<Projection, number>();
    const moves = [];
    for (const { projection, events } of withEvents) {
      const after = checkpoints.get(projection.name)!.position;
      const fresh = after ? events.filter((e) => comparePositions(e.position, after) > 0) : events;
      if (fresh.length === 0) continue;
      const hook = await projection.apply(tx, fresh);
      if (hook) hooks.push(hook);
      counts.set(projection, fresh.length);
      moves.push({ name: projection.name, to: fresh[fresh.length - 1].position, handled: fresh.length });
    }
    if (!stillLeading()) throw new NotLeaderError();
    await advanceCheckpoints(tx, moves);
    return batches.map((b) => counts.get(b.projection) ?? 0);
  });
  // Committed: run the projections' after-commit work (see `AfterCommit`); it cannot undo the batch.
  for (const hook of hooks) {
    try {
      await hook();
    } catch {
      /* the hook reports its own errors */
    }
  }
  return applied;
}
