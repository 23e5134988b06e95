/**
 * The `alerts` read model (infra/migrations/0005_alerts.sql): one row per deadline alert, from
 * the alert events the deadline timers append to the dossier streams (`DeadlineWarningRaised`,
 * `ApologyCutoffReached`, `DossierOverdue`), their withdrawals (`DeadlineAlertWithdrawn`: state
 * `withdrawn`, out of the open list) and the `AlertAcknowledged` events of the
 * `alert-<id>` streams. Idempotent: the alert id is deterministic (`<dossierId>.<kind>.<dueAtMs>`),
 * an alert is inserted once (a re-fired timer changes nothing) and an acknowledgement only moves
 * an open alert. The alerts a batch really inserted are handed to `onCommitted` after the batch
 * committed (to publish them live: Redis pub/sub, webhooks).
 */
import { ALERT_EVENT_TYPE_BY_KIND, DOSSIER_STREAM_PREFIX, type AlertKind } from '@motcua/domain';
import { RecordedEvent } from '@motcua/event-store/port';
import { SqlExecutor } from '@motcua/sql';
import { AfterCommit, Projection } from '../projection';
import { cursorCodec } from './cursor';

export const ALERTS_PROJECTION = 'alerts';
export const ALERT_STREAM_PREFIX = 'alert-';
export const ALERT_ACKNOWLEDGED = 'AlertAcknowledged';
export const AlertAcknowledgedSchemaVersion = 1;
export const ALERT_KINDS: readonly AlertKind[] = ['near-deadline', 'apology-cutoff', 'overdue'];
export type AlertState = 'open' | 'acknowledged' | 'withdrawn';
export const ALERT_WITHDRAWN = 'DeadlineAlertWithdrawn';

/** Recorded on `alert-<alertId>` (expected revision: no stream), once per alert. */
export interface AlertAcknowledgedData {
  alertId: string;
  dossierId: string;
  by: string;
  byName?: string;
  at: string;
}

export function alertStreamName(alertId: string): string {
  return ALERT_STREAM_PREFIX + alertId;
}

/** `<dossierId>.<kind>.<dueAt in ms since the epoch>`. */
export function alertId(dossierId: string, kind: AlertKind, dueAt: string | Date): string {
  return `${dossierId}.${kind}.${new Date(dueAt).getTime()}`;
}

const ALERT_ID = /^([0-9A-Za-z-]{1,100})\.(near-deadline|apology-cutoff|overdue)\.(\d{1,15})$/;

/** True when `id` has the shape of an alert id (anything else is an unknown alert). */
export function isAlertId(id: string): boolean {
  return ALERT_ID.test(id);
}

/** What the API answers, what SSE clients and webhooks receive. */
export interface AlertView {
  id: string;
  kind: AlertKind;
  dossierId: string;
  dossierCode?: string;
  unitCode: string;
  assignee?: string;
  dueAt: string;
  raisedAt: string;
  eventId: string;
  state: AlertState;
  acknowledgedBy?: string;
  acknowledgedAt?: string;
  /** Withdrawn: the dossier was closed (in business time) before the alert's moment. */
  withdrawnAt?: string;
  withdrawnReason?: string;
}

const ALERT_EVENT_TYPES: string[] = Object.values(ALERT_EVENT_TYPE_BY_KIND);

function iso(v: unknown): string | undefined {
  if (v === null || v === undefined) return undefined;
  return (v instanceof Date ? v : new Date(String(v))).toISOString();
}

export const ALERT_SELECT = `a.id, a.seq, a.dossier_id, COALESCE(a.dossier_code, s.code) AS dossier_code, a.unit_code, a.assignee, a.kind,
  a.due_at, a.raised_at, a.event_id, a.state, a.acknowledged_by, a.acknowledged_at, a.withdrawn_at, a.withdrawn_reason`;
const FROM = `alerts a LEFT JOIN dossier_summary s ON s.id = a.dossier_id`;

export function alertFromRow(r: Record<string, unknown>): AlertView {
  const v: AlertView = {
    id: String(r.id),
    kind: r.kind as AlertKind,
    dossierId: String(r.dossier_id),
    unitCode: String(r.unit_code),
    dueAt: iso(r.due_at)!,
    raisedAt: iso(r.raised_at)!,
    eventId: String(r.event_id),
    state: r.state as AlertState,
  };
  if (r.dossier_code != null) v.dossierCode = String(r.dossier_code);
  if (r.assignee != null) v.assignee = String(r.assignee);
  if (r.acknowledged_by != null) v.acknowledgedBy = String(r.acknowledged_by);
  if (r.acknowledged_at != null) v.acknowledgedAt = iso(r.acknowledged_at);
  if (r.withdrawn_at != null) v.withdrawnAt = iso(r.withdrawn_at);
  if (r.withdrawn_reason != null) v.withdrawnReason = String(r.withdrawn_reason);
  // key order for readers: dossier first
  return {
    id: v.id,
    kind: v.kind,
    dossierId: v.dossierId,
    ...(v.dossierCode !== undefined ? { dossierCode: v.dossierCode } : {}),
    unitCode: v.unitCode,
    ...(v.assignee !== undefined ? { assignee: v.assignee } : {}),
    dueAt: v.dueAt,
    raisedAt: v.raisedAt,
    eventId: v.eventId,
    state: v.state,
    ...(v.acknowledgedBy !== undefined ? { acknowledgedBy: v.acknowledgedBy } : {}),
    ...(v.acknowledgedAt !== undefined ? { acknowledgedAt: v.acknowledgedAt } : {}),
    ...(v.withdrawnAt !== undefined ? { withdrawnAt: v.withdrawnAt } : {}),
    ...(v.withdrawnReason !== undefined ? { withdrawnReason: v.withdrawnReason } : {}),
  };
}

const INSERT = `
INSERT INTO alerts (id, dossier_id, dossier_code, unit_code, assignee, kind, due_at, raised_at, event_id)
SELECT x.id, x.dossier_id, s.code, x.unit_code, x.assignee, x.kind, x.due_at, x.raised_at, x.event_id
FROM jsonb_to_recordset($1::jsonb) AS x(id text, dossier_id text, unit_code text, assignee text, kind text, due_at timestamptz, raised_at timestamptz, event_id text, ord bigint)
LEFT JOIN dossier_summary s ON s.id = x.dossier_id
ORDER BY x.ord
ON CONFLICT (id) DO NOTHING
RETURNING id`;

export interface AlertsProjectionOptions {
  /** The alerts the batch inserted (new ones only, in event order), after it committed. */
  onCommitted?: (alerts: AlertView[]) => Promise<void> | void;
}

export function alertsProjection(options: AlertsProjectionOptions = {}): Projection {
  return {
    name: ALERTS_PROJECTION,
    filter: { streamPrefixes: [DOSSIER_STREAM_PREFIX, ALERT_STREAM_PREFIX], eventTypes: [...ALERT_EVENT_TYPES, ALERT_WITHDRAWN, ALERT_ACKNOWLEDGED] },
    tables: ['alerts'],
    async apply(tx: SqlExecutor, events: RecordedEvent[]): Promise<void | AfterCommit> {
      const inserted: string[] = [];
      let rows: Record<string, unknown>[] = [];
      const flush = async () => {
        if (rows.length === 0) return;
        const r = await tx.query<{ id: string }>(INSERT, [JSON.stringify(rows)]);
        inserted.push(...r.rows.map((x) => x.id));
        rows = [];
      };
      for (const e of events) {
        if (e.stream.startsWith(DOSSIER_STREAM_PREFIX) && ALERT_EVENT_TYPES.includes(e.type)) {
          const d = e.data as { kind: AlertKind; dueAt: string; raisedAt: string; unitCode: string; assignee?: string };
          const dossierId = e.stream.slice(DOSSIER_STREAM_PREFIX.length);
          rows.push({
            id: alertId(dossierId, d.kind, d.dueAt),
            dossier_id: dossierId,
            unit_code: d.unitCode,
            assignee: d.assignee ?? null,
            kind: d.kind,
            due_at: d.dueAt,
            raised_at: d.raisedAt,
            event_id: e.id,
            ord: rows.length,
          });
        } else if (e.stream.startsWith(DOSSIER_STREAM_PREFIX) && e.type === ALERT_WITHDRAWN) {
          await flush(); // the alert it withdraws comes first in the log
          const d = e.data as { kind: AlertKind; dueAt: string; withdrawnAt: string; reason: string };
          await tx.query(`UPDATE alerts SET state = 'withdrawn', withdrawn_at = $2, withdrawn_reason = $3 WHERE id = $1 AND state <> 'withdrawn'`, [
            alertId(e.stream.slice(DOSSIER_STREAM_PREFIX.length), d.kind, d.dueAt),
            d.withdrawnAt,
            d.reason,
          ]);
        } else if (e.stream.startsWith(ALERT_STREAM_PREFIX) && e.type === ALERT_ACKNOWLEDGED) {
          await flush(); // the alert an acknowledgement is about comes first in the log
          const d = e.data as AlertAcknowledgedData;
          await tx.query(`UPDATE alerts SET state = 'acknowledged', acknowledged_by = $2, acknowledged_at = $3 WHERE id = $1 AND state = 'open'`, [
            d.alertId,
            d.by,
            d.at,
          ]);
        }
      }
      await flush();
      const { onCommitted } = options;
      if (!onCommitted || inserted.length === 0) return;
      const { rows: fresh } = await tx.query(`SELECT ${ALERT_SELECT} FROM ${FROM} WHERE a.id = ANY($1::text[]) ORDER BY a.seq`, [inserted]);
      const alerts = fresh.map(alertFromRow);
      return () => onCommitted(alerts);
    },
  };
}

export async function getAlert(db: SqlExecutor, id: string): Promise<AlertView | undefined> {
  const { rows } = await db.query(`SELECT ${ALERT_SELECT} FROM ${FROM} WHERE a.id = $1`, [id]);
  return rows[0] ? alertFromRow(rows[0]) : undefined;
}

/** Alerts inserted after `afterId` (in projection order) in these units: the replay of a reconnecting SSE client. */
export async function alertsAfter(db: SqlExecutor, afterId: string, units: readonly string[], limit = 1000): Promise<AlertView[]> {
  const { rows } = await db.query(
    `SELECT ${ALERT_SELECT} FROM ${FROM} WHERE a.seq > (SELECT seq FROM alerts WHERE id = $1) AND a.unit_code = ANY($2::text[]) ORDER BY a.seq LIMIT $3`,
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
  const where = ['a.unit_code = ANY($1::text[])'];
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
    `SELECT ${ALERT_SELECT} FROM ${FROM} WHERE ${where.join(' AND ')} ORDER BY a.raised_at DESC, a.id DESC LIMIT $${params.length}`,
    params,
  );
  const items = rows.slice(0, q.limit).map(alertFromRow);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > q.limit && last ? encodeCursor(last.raisedAt, last.id) : null };
}

/* Per-unit webhooks and the per-database channel name (same migration). */

export interface UnitWebhook {
  unitCode: string;
  url: string;
  secret: string;
  updatedBy?: string;
  updatedAt: string;
}

export async function putUnitWebhook(db: SqlExecutor, w: { unitCode: string; url: string; secret: string; updatedBy?: string }): Promise<UnitWebhook> {
  const { rows } = await db.query(
    `INSERT INTO unit_webhooks (unit_code, url, secret, updated_by, updated_at) VALUES ($1, $2, $3, $4, now())
     ON CONFLICT (unit_code) DO UPDATE SET url = EXCLUDED.url, secret = EXCLUDED.secret, updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at
     RETURNING unit_code, url, secret, updated_by, updated_at`,
    [w.unitCode, w.url, w.secret, w.updatedBy ?? null],
  );
  return webhookFromRow(rows[0]);
}

export async function deleteUnitWebhook(db: SqlExecutor, unitCode: string): Promise<boolean> {
  return (await db.query(`DELETE FROM unit_webhooks WHERE unit_code = $1`, [unitCode])).affectedRows > 0;
}

export async function getUnitWebhooks(db: SqlExecutor, unitCodes: readonly string[]): Promise<UnitWebhook[]> {
  const { rows } = await db.query(`SELECT unit_code, url, secret, updated_by, updated_at FROM unit_webhooks WHERE unit_code = ANY($1::text[])`, [
    [...unitCodes],
  ]);
  return rows.map(webhookFromRow);
}

function webhookFromRow(r: Record<string, unknown>): UnitWebhook {
  return {
    unitCode: String(r.unit_code),
    url: String(r.url),
    secret: String(r.secret),
    ...(r.updated_by != null ? { updatedBy: String(r.updated_by) } : {}),
    updatedAt: iso(r.updated_at)!,
  };
}

/** The random name of this database's alert channel (see 0005_alerts.sql). */
export async function alertNamespace(db: SqlExecutor): Promise<string> {
  const { rows } = await db.query<{ namespace: string }>(`SELECT namespace FROM alert_channel WHERE id = 1`);
  if (!rows[0]) throw new Error('alert_channel is empty: migration 0005_alerts.sql not applied');
  return rows[0].namespace;
}
