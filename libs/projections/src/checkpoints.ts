import { parsePosition, Position, positionToString } from '@motcua/event-store/port';
import { SqlExecutor } from '@motcua/sql';

/** Checkpoint rows (infra/migrations/0003_projections.sql). `-1/-1` = nothing applied yet. */
export interface Checkpoint {
  /** undefined: nothing applied yet (subscribe from the start). */
  position: Position | undefined;
  eventsHandled: number;
}

const NONE = '-1/-1';

interface Row {
  position: string;
  events_handled: string;
}

function toCheckpoint(row: Row | undefined): Checkpoint {
  if (!row || row.position === NONE) return { position: undefined, eventsHandled: Number(row?.events_handled ?? 0) };
  return { position: parsePosition(row.position), eventsHandled: Number(row.events_handled) };
}

/** Reads a checkpoint without locking (start position, status). */
export async function readCheckpoint(db: SqlExecutor, name: string): Promise<Checkpoint> {
  const { rows } = await db.query<Row>(`SELECT position, events_handled::text AS events_handled FROM projection_checkpoints WHERE name = $1`, [name]);
  return toCheckpoint(rows[0]);
}

/**
 * Inside a transaction: creates the row if needed and locks it until commit. Two transactions for
 * the same projection (a duplicate delivery, a leader that lost its lease mid-batch) queue here,
 * and the second sees the first one's committed checkpoint. See `lockCheckpoints`.
 */
export async function lockCheckpoint(tx: SqlExecutor, name: string): Promise<Checkpoint> {
  return (await lockCheckpoints(tx, [name])).get(name)!;
}

/**
 * `lockCheckpoint` for several rows in one statement (every batch runs it, and on PGlite each
 * statement costs ~1 ms of WASM): an upsert whose update writes each row's own position back.
 * ON CONFLICT DO UPDATE locks the existing row, waiting for a transaction that holds it, and updates
 * (and so `RETURNING` shows) its latest committed version, also under READ COMMITTED. It never writes
 * a position it did not read: `advanceCheckpoints` moves them, after the batch. Rows are locked in
 * name order, so two transactions locking overlapping sets cannot deadlock.
 */
export async function lockCheckpoints(tx: SqlExecutor, names: readonly string[]): Promise<Map<string, Checkpoint>> {
  const { rows } = await tx.query<Row & { name: string }>(
    `INSERT INTO projection_checkpoints (name, position) SELECT n, '${NONE}' FROM unnest($1::text[]) AS n ORDER BY n
     ON CONFLICT (name) DO UPDATE SET position = projection_checkpoints.position
     RETURNING name, position, events_handled::text AS events_handled`,
    [[...new Set(names)]],
  );
  return new Map(rows.map((r) => [r.name, toCheckpoint(r)]));
}

/** Inside the same transaction as `lockCheckpoint`: moves the checkpoint past `handled` events. */
export async function advanceCheckpoint(tx: SqlExecutor, name: string, to: Position, handled: number): Promise<void> {
  await advanceCheckpoints(tx, [{ name, to, handled }]);
}

/** `advanceCheckpoint` for several rows in one statement (after `lockCheckpoints`). */
export async function advanceCheckpoints(tx: SqlExecutor, moves: readonly { name: string; to: Position; handled: number }[]): Promise<void> {
  if (moves.length === 0) return;
  await tx.query(
    `UPDATE projection_checkpoints c SET position = m.position, events_handled = c.events_handled + m.handled, updated_at = now()
     FROM unnest($1::text[], $2::text[], $3::bigint[]) AS m(name, position, handled) WHERE c.name = m.name`,
    [moves.map((m) => m.name), moves.map((m) => positionToString(m.to)), moves.map((m) => m.handled)],
  );
}

/**
 * Sets a checkpoint to an absolute position and count (a rebuild's swap hands its position over to
 * the live projection). Inside the transaction that locked the row with `lockCheckpoint`.
 */
export async function setCheckpoint(tx: SqlExecutor, name: string, to: Checkpoint): Promise<void> {
  await tx.query(`UPDATE projection_checkpoints SET position = $2, events_handled = $3::bigint, updated_at = now() WHERE name = $1`, [
    name,
    to.position ? positionToString(to.position) : NONE,
    to.eventsHandled,
  ]);
}

/** Forgets a checkpoint (a rebuild's own, once swapped in or abandoned): its next reader starts from zero. */
export async function deleteCheckpoint(db: SqlExecutor, name: string): Promise<void> {
  await db.query(`DELETE FROM projection_checkpoints WHERE name = $1`, [name]);
}
