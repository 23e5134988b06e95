/** Reading the `alerts` read model: one alert, the alerts after a given one (SSE catch-up), a page of a list. */
import { SqlExecutor } from '@motcua/sql';
import { type AlertKind } from '@motcua/domain';
import { ALERT_FROM, ALERT_SELECT, AlertState, AlertView, alertFromRow, alertInUnits, isAlertId } from './alert-model';
import { cursorCodec } from './cursor';

export async function getAlert(db: SqlExecutor, id: string): Promise<AlertView | undefined> {
  const { rows } = await db.query(`SELECT ${ALERT_SELECT} FROM ${ALERT_FROM} WHERE a.id = $1`, [id]);
  return rows[0] ? alertFromRow(rows[0]) : undefined;
}

/** Alerts inserted after `afterId` (in projection order) in these units: the replay of a reconnecting SSE client. */
export async function alertsAfter(db: SqlExecutor, afterId: string, units: readonly string[], limit = 1000): Promise<AlertView[]> {
  const { rows } = await db.query(
    `SELECT ${ALERT_SELECT} FROM ${ALERT_FROM} WHERE a.seq > (SELECT seq FROM alerts WHERE id = $1) AND ${alertInUnits('$2')} ORDER BY a.seq LIMIT $3`,
    [afterId, [...units], limit],
  );
  return rows.map(alertFromRow);
}

export interface AlertListQuery {
  units: readonly string[];
  state?: AlertState;
  kind?: AlertKind;
  dossierId?: string;
  cursor?: string;
  limit: number;
}

export interface AlertPage {
  items: AlertView[];
  nextCursor: string | null;
}

/** Alert-list cursors: (raised at, alert id). */
const alertCursor = cursorCodec('a', isAlertId);

function encodeCursor(raisedAt: string, id: string): string {
  return alertCursor.encode(raisedAt, id);
}

function decodeCursor(cursor: string): [string, string] {
  return alertCursor.decode(cursor);
}

/** `GET /alerts`: newest first (raised_at, then id, descending), keyset paging with an opaque cursor. */
export async function queryAlerts(db: SqlExecutor, q: AlertListQuery): Promise<AlertPage> {
  const params: unknown[] = [[...q.units]];
  const where = [alertInUnits('$1')];
  const add = (sql: (n: string) => string, v: unknown) => {
    params.push(v);
    where.push(sql(`$${params.length}`));
  };
  if (q.state) add((n) => `a.state = ${n}`, q.state);
  if (q.kind) add((n) => `a.kind = ${n}`, q.kind);
  if (q.dossierId) add((n) => `a.dossier_id = ${n}`, q.dossierId);
  if (q.cursor !== undefined) {
    const [raisedAt, id] = decodeCursor(q.cursor);
    params.push(raisedAt, id);
    where.push(`(a.raised_at, a.id) < ($${params.length - 1}::timestamptz, $${params.length})`);
  }
  params.push(q.limit + 1);
  const { rows } = await db.query(
    `SELECT ${ALERT_SELECT} FROM ${ALERT_FROM} WHERE ${where.join(' AND ')} ORDER BY a.raised_at DESC, a.id DESC LIMIT $${params.length}`,
    params,
  );
  const items = rows.slice(0, q.limit).map(alertFromRow);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > q.limit && last ? encodeCursor(last.raisedAt, last.id) : null };
}

/* Per-unit webhooks and the per-database channel name (same migration). */
