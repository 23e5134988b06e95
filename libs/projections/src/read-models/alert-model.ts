/**
 * Alerts as the read model keeps them: ids and stream names, the kinds of alert events, the row
 * an alert is read as (`AlertView`) and the SQL select list shared by the projection's queries.
 */
import { ALERT_EVENT_TYPE_BY_KIND, ALERT_KINDS, type AlertKind } from '@motcua/domain';

export const ALERTS_PROJECTION = 'alerts';
export const ALERT_STREAM_PREFIX = 'alert-';
export const ALERT_ACKNOWLEDGED = 'AlertAcknowledged';
export const AlertAcknowledgedSchemaVersion = 1;
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

/**
 * `<dossierId>.<kind>.<dueAt in ms since the epoch>`; a liên thông transfer's alert (issue #16) has
 * the transfer id after the dossier's: `<dossierId>.<transferId>.<kind>.<dueAt ms>`.
 */
export function alertId(dossierId: string, kind: AlertKind, dueAt: string | Date, transferId?: string): string {
  const due = new Date(dueAt).getTime();
  return transferId === undefined ? `${dossierId}.${kind}.${due}` : `${dossierId}.${transferId}.${kind}.${due}`;
}

const ALERT_ID = new RegExp(`^([0-9A-Za-z-]{1,100})\\.(?:([0-9A-Za-z-]{1,100})\\.)?(${ALERT_KINDS.join('|')})\\.(\\d{1,15})$`);
/** The event a transfer's alert is recorded by (issue #16). */
export const TRANSFER_ALERT_EVENT = 'TransferAlertRaised';

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
  /** The unit the alert goes to: the dossier's unit; for a transfer's alert the lead (competent) unit. */
  unitCode: string;
  /** A liên thông transfer's alert (issue #16): the transfer, and the agency holding it (which sees the alert too). */
  transferId?: string;
  toUnitCode?: string;
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

export const ALERT_EVENT_TYPES: string[] = Object.values(ALERT_EVENT_TYPE_BY_KIND);

/** The units whose users see an alert (and whose webhooks receive it): its unit, and a transfer's agency. */
export function alertUnits(a: Pick<AlertView, 'unitCode' | 'toUnitCode'>): string[] {
  return a.toUnitCode !== undefined && a.toUnitCode !== a.unitCode ? [a.unitCode, a.toUnitCode] : [a.unitCode];
}

/** SQL: the alert is in the units `$n` (its unit or its transfer's agency). */
export function alertInUnits(param: string): string {
  return `(a.unit_code = ANY(${param}::text[]) OR a.to_unit_code = ANY(${param}::text[]))`;
}

/** A timestamp column as ISO-8601 (undefined when NULL). */
export function isoTime(v: unknown): string | undefined {
  if (v === null || v === undefined) return undefined;
  return (v instanceof Date ? v : new Date(String(v))).toISOString();
}

export const ALERT_SELECT = `a.id, a.seq, a.dossier_id, COALESCE(a.dossier_code, s.code) AS dossier_code, a.unit_code, a.transfer_id, a.to_unit_code, a.assignee, a.kind,
  a.due_at, a.raised_at, a.event_id, a.state, a.acknowledged_by, a.acknowledged_at, a.withdrawn_at, a.withdrawn_reason`;
export const ALERT_FROM = `alerts a LEFT JOIN dossier_summary s ON s.id = a.dossier_id`;

export function alertFromRow(r: Record<string, unknown>): AlertView {
  const v: AlertView = {
    id: String(r.id),
    kind: r.kind as AlertKind,
    dossierId: String(r.dossier_id),
    unitCode: String(r.unit_code),
    dueAt: isoTime(r.due_at)!,
    raisedAt: isoTime(r.raised_at)!,
    eventId: String(r.event_id),
    state: r.state as AlertState,
  };
  if (r.dossier_code != null) v.dossierCode = String(r.dossier_code);
  if (r.transfer_id != null) v.transferId = String(r.transfer_id);
  if (r.to_unit_code != null) v.toUnitCode = String(r.to_unit_code);
  if (r.assignee != null) v.assignee = String(r.assignee);
  if (r.acknowledged_by != null) v.acknowledgedBy = String(r.acknowledged_by);
  if (r.acknowledged_at != null) v.acknowledgedAt = isoTime(r.acknowledged_at);
  if (r.withdrawn_at != null) v.withdrawnAt = isoTime(r.withdrawn_at);
  if (r.withdrawn_reason != null) v.withdrawnReason = String(r.withdrawn_reason);
  // key order for readers: dossier first
  return {
    id: v.id,
    kind: v.kind,
    dossierId: v.dossierId,
    ...(v.dossierCode !== undefined ? { dossierCode: v.dossierCode } : {}),
    unitCode: v.unitCode,
    ...(v.transferId !== undefined ? { transferId: v.transferId } : {}),
    ...(v.toUnitCode !== undefined ? { toUnitCode: v.toUnitCode } : {}),
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
