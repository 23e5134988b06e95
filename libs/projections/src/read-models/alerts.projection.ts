/**
 * The `alerts` read model (infra/migrations/0005_alerts.sql): one row per deadline alert, from
 * the alert events the deadline timers append to the dossier streams (`DeadlineWarningRaised`,
 * `ApologyCutoffReached`, `DossierOverdue`; a liên thông transfer's `TransferAlertRaised`, seen by the
 * lead unit and the agency), their withdrawals (`DeadlineAlertWithdrawn`: state
 * `withdrawn`, out of the open list) and the `AlertAcknowledged` events of the
 * `alert-<id>` streams. Idempotent: the alert id is deterministic (`<dossierId>.<kind>.<dueAtMs>`),
 * an alert is inserted once (a re-fired timer changes nothing) and an acknowledgement only moves
 * an open alert. The alerts a batch really inserted are handed to `onCommitted` after the batch
 * committed (to publish them live: Redis pub/sub, webhooks).
 */
import { DOSSIER_STREAM_PREFIX, type AlertKind, type TransferAlertRaised } from '@motcua/domain';
import { SqlExecutor } from '@motcua/sql';
import { RecordedEvent } from '@motcua/event-store/port';
import { AfterCommit, Projection } from '../projection';
import {
  ALERT_ACKNOWLEDGED,
  AlertAcknowledgedData,
  ALERT_EVENT_TYPES,
  ALERT_FROM,
  ALERT_SELECT,
  ALERT_STREAM_PREFIX,
  ALERT_WITHDRAWN,
  ALERTS_PROJECTION,
  AlertView,
  alertFromRow,
  alertId,
  TRANSFER_ALERT_EVENT,
} from './alert-model';

const INSERT = `
INSERT INTO alerts (id, dossier_id, dossier_code, unit_code, transfer_id, to_unit_code, assignee, kind, due_at, raised_at, event_id)
SELECT x.id, x.dossier_id, s.code, x.unit_code, x.transfer_id, x.to_unit_code, x.assignee, x.kind, x.due_at, x.raised_at, x.event_id
FROM jsonb_to_recordset($1::jsonb) AS x(id text, dossier_id text, unit_code text, transfer_id text, to_unit_code text, assignee text, kind text, due_at timestamptz, raised_at timestamptz, event_id text, ord bigint)
LEFT JOIN dossier_summary s ON s.id = x.dossier_id
ORDER BY x.ord
ON CONFLICT (id) DO NOTHING
RETURNING id`;

export interface AlertsProjectionOptions {
  /** The alerts the batch inserted (new ones only, in event order), after it committed. */
  onCommitted?: (alerts: AlertView[]) => Promise<void> | void;
  /**
   * Hand the alerts the batch inserted to the notification outbox instead (one `staff` row per
   * alert, `<alertId>.staff`, in the batch's transaction): the sender publishes them (SSE, webhook
   * queue) and a crash between the commit and the publish loses nothing. `onQueued` runs after
   * such a batch committed (wakes the sender).
   */
  staffOutbox?: { onQueued?: () => void };
}

export function alertsProjection(options: AlertsProjectionOptions = {}): Projection {
  return {
    name: ALERTS_PROJECTION,
    filter: {
      streamPrefixes: [DOSSIER_STREAM_PREFIX, ALERT_STREAM_PREFIX],
      eventTypes: [...ALERT_EVENT_TYPES, TRANSFER_ALERT_EVENT, ALERT_WITHDRAWN, ALERT_ACKNOWLEDGED],
    },
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
        } else if (e.stream.startsWith(DOSSIER_STREAM_PREFIX) && e.type === TRANSFER_ALERT_EVENT) {
          // a liên thông agency's alert: for the lead unit (`unitCode`) and the agency (`toUnitCode`)
          const d = e.data as TransferAlertRaised['data'];
          const dossierId = e.stream.slice(DOSSIER_STREAM_PREFIX.length);
          rows.push({
            id: alertId(dossierId, d.kind, d.dueAt, d.transferId),
            dossier_id: dossierId,
            unit_code: d.unitCode,
            transfer_id: d.transferId,
            to_unit_code: d.toUnitCode,
            assignee: null,
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
      const { onCommitted, staffOutbox } = options;
      if (staffOutbox && inserted.length > 0) {
        await tx.query(
          `INSERT INTO notification_outbox (id, audience, dossier_id, unit_code, notice, channel)
           SELECT a.id || '.staff', 'staff', a.dossier_id, a.unit_code, a.id, 'staff' FROM alerts a WHERE a.id = ANY($1::text[]) ORDER BY a.seq
           ON CONFLICT (id) DO NOTHING`,
          [inserted],
        );
        const wake = staffOutbox.onQueued;
        if (!onCommitted) return wake ? () => wake() : undefined;
      }
      if (!onCommitted || inserted.length === 0) return;
      const { rows: fresh } = await tx.query(`SELECT ${ALERT_SELECT} FROM ${ALERT_FROM} WHERE a.id = ANY($1::text[]) ORDER BY a.seq`, [inserted]);
      const alerts = fresh.map(alertFromRow);
      return () => onCommitted(alerts);
    },
  };
}
