/**
 * Which dossiers (ids from `dossier_summary`) a report or a register starts from; the details then
 * come from each dossier's own events.
 */
import { OPEN_DOSSIER_STATUSES } from '@motcua/domain';
import { SqlExecutor } from '@motcua/sql';

/** Every dossier received in, or resolved by (at reception or now), one of `units` that the read model knows (any date, any status). */
export async function dossierIdsOfUnits(db: SqlExecutor, units: readonly string[]): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT id::text AS id FROM dossier_summary WHERE unit_code = ANY($1::text[]) OR competent_unit_code = ANY($1::text[]) OR current_unit_code = ANY($1::text[])`,
    [[...units]],
  );
  return rows.map((r) => r.id);
}

/** The dossiers received by `unitCode` itself in [from, to), in order of reception (then code, id): a register's lines. */
export async function dossierIdsReceivedBetween(db: SqlExecutor, unitCode: string, from: Date, to: Date): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM dossier_summary WHERE unit_code = $1 AND received_at >= $2::timestamptz AND received_at < $3::timestamptz AND refused_at IS NULL ORDER BY received_at, code, id`,
    [unitCode, from.toISOString(), to.toISOString()],
  );
  return rows.map((r) => r.id);
}

/** The open dossiers whose competent unit is now `unitCode` (what a succession passes on), oldest first. */
export async function openDossierIdsOfUnit(db: SqlExecutor, unitCode: string): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM dossier_summary WHERE current_unit_code = $1 AND status = ANY($2::text[]) ORDER BY received_at, id`,
    [unitCode, [...OPEN_DOSSIER_STATUSES]],
  );
  return rows.map((r) => r.id);
}
