/**
 * A global position in the event log: `commit` then `prepare`, compared lexicographically.
 *
 * - PostgreSQL / PGlite: `commit` is the id of the transaction that wrote the event (xid8) and
 *   `prepare` its row sequence number. See `adapters/sql/schema.ts` for why the order is
 *   (transaction id, sequence) and not the sequence alone.
 * - EventStoreDB / KurrentDB: its own commit and prepare positions in the transaction log.
 * - Memory: both are the event's index + 1.
 *
 * Positions are opaque to callers except for ordering and their string form `"<commit>/<prepare>"`,
 * which is what checkpoints store.
 */
export interface Position {
  readonly commit: bigint;
  readonly prepare: bigint;
}

export const START: Position = Object.freeze({ commit: -1n, prepare: -1n });

export function comparePositions(a: Position, b: Position): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

export function positionToString(p: Position): string {
  return `${p.commit}/${p.prepare}`;
}

const POSITION_RE = /^(-?\d+)\/(-?\d+)$/;

export function parsePosition(s: string): Position {
  const m = POSITION_RE.exec(s.trim());
  if (!m) throw new Error(`Invalid event-store position "${s}": expected "<commit>/<prepare>"`);
  return { commit: BigInt(m[1]), prepare: BigInt(m[2]) };
}
