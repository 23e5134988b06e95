/**
 * The notification outbox as the read model keeps it (infra/migrations/0014_notification_outbox.sql):
 * ids, the opt-out event, the delivery log as the API shows it (addresses masked), the sender's
 * claim / outcome statements, unit settings, dead letters and the health figure.
 */
import { maskAddress, type NoticeChannel, type TemplateOverrides } from '@motcua/domain';
import { SqlExecutor } from '@motcua/sql';
import { isoTime } from './alert-model';

export const NOTIFICATIONS_PROJECTION = 'notifications';
export const CONSENT_STREAM_PREFIX = 'notification-consent-';
export const NOTIFICATIONS_OPTED_OUT = 'NotificationsOptedOut';
export const NotificationsOptedOutSchemaVersion = 1;

/** Recorded on `notification-consent-<dossierId>`: the applicant does not want these channels any more. */
export interface NotificationsOptedOutData {
  dossierId: string;
  channels: NoticeChannel[];
  by: string;
  at: string;
}

export function consentStreamName(dossierId: string): string {
  return CONSENT_STREAM_PREFIX + dossierId;
}

export type OutboxChannel = NoticeChannel | 'staff';
export type OutboxStatus = 'pending' | 'sent' | 'failed';

export function outboxRowId(eventId: string, channel: OutboxChannel): string {
  return `${eventId}.${channel}`;
}

/** `<PUBLIC_BASE_URL>/public/dossiers/<code>` (`?pin=` when the reception gave one). */
export function lookupUrl(base: string, code: string, pin?: string | null): string {
  return `${base.replace(/\/+$/, '')}/public/dossiers/${encodeURIComponent(code)}${pin ? `?pin=${encodeURIComponent(pin)}` : ''}`;
}

/** One entry of `GET /dossiers/{id}/notifications`. */
export interface NotificationLogEntry {
  id: string;
  event: string;
  notice: string;
  channel: NoticeChannel;
  to: string;
  status: OutboxStatus;
  attempts: number;
  createdAt: string;
  sentAt?: string;
  lastError?: string;
}

export async function dossierNotifications(db: SqlExecutor, dossierId: string): Promise<NotificationLogEntry[]> {
  const { rows } = await db.query(
    `SELECT id, event_type, notice, channel, recipient, status, attempts, created_at, sent_at, last_error
     FROM notification_outbox WHERE dossier_id = $1 AND audience = 'citizen' ORDER BY seq`,
    [dossierId],
  );
  return rows.map((r) => ({
    id: String(r.id),
    event: String(r.event_type),
    notice: String(r.notice),
    channel: r.channel as NoticeChannel,
    to: maskAddress(r.channel as NoticeChannel, String(r.recipient ?? '')),
    status: r.status as OutboxStatus,
    attempts: Number(r.attempts),
    createdAt: isoTime(r.created_at)!,
    ...(r.sent_at != null ? { sentAt: isoTime(r.sent_at) } : {}),
    ...(r.last_error != null ? { lastError: String(r.last_error) } : {}),
  }));
}

/** A row the sender holds. */
export interface OutboxRow {
  id: string;
  audience: 'citizen' | 'staff';
  dossierId: string | undefined;
  unitCode: string | undefined;
  notice: string;
  channel: OutboxChannel;
  recipient: string | undefined;
  payload: Record<string, string>;
  attempts: number;
}

/**
 * Claims up to `limit` due rows for `holdMs` (attempts counted now: a sender killed mid-send has
 * used that attempt, and its claim expires). SKIP LOCKED: several senders never take one row.
 */
export async function claimOutboxRows(db: SqlExecutor, limit: number, holdMs: number): Promise<OutboxRow[]> {
  const { rows } = await db.query(
    `UPDATE notification_outbox o SET claimed_until = now() + ($2::int * interval '1 millisecond'), attempts = o.attempts + 1
     FROM (SELECT id FROM notification_outbox
           WHERE status = 'pending' AND next_attempt_at <= now() AND (claimed_until IS NULL OR claimed_until < now())
           ORDER BY next_attempt_at, seq LIMIT $1 FOR UPDATE SKIP LOCKED) due
     WHERE o.id = due.id
     RETURNING o.id, o.audience, o.dossier_id, o.unit_code, o.notice, o.channel, o.recipient, o.payload, o.attempts`,
    [limit, holdMs],
  );
  return rows.map((r) => ({
    id: String(r.id),
    audience: r.audience as OutboxRow['audience'],
    dossierId: r.dossier_id != null ? String(r.dossier_id) : undefined,
    unitCode: r.unit_code != null ? String(r.unit_code) : undefined,
    notice: String(r.notice),
    channel: r.channel as OutboxChannel,
    recipient: r.recipient != null ? String(r.recipient) : undefined,
    payload: (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload) as Record<string, string>,
    attempts: Number(r.attempts),
  }));
}

export async function markOutboxSent(db: SqlExecutor, id: string): Promise<void> {
  await db.query(`UPDATE notification_outbox SET status = 'sent', sent_at = now(), claimed_until = NULL, last_error = NULL WHERE id = $1`, [id]);
}

/** A failed attempt: retried after `retryInMs`, or (undefined) the dead letter. */
export async function markOutboxFailed(db: SqlExecutor, id: string, error: string, retryInMs: number | undefined): Promise<void> {
  if (retryInMs === undefined) {
    await db.query(`UPDATE notification_outbox SET status = 'failed', failed_at = now(), claimed_until = NULL, last_error = $2 WHERE id = $1`, [
      id,
      error.slice(0, 500),
    ]);
  } else {
    await db.query(
      `UPDATE notification_outbox SET next_attempt_at = now() + ($3::int * interval '1 millisecond'), claimed_until = NULL, last_error = $2 WHERE id = $1`,
      [id, error.slice(0, 500), retryInMs],
    );
  }
}

/** Dead letters (every attempt failed) of the given units, newest first; addresses masked. */
export async function failedNotifications(db: SqlExecutor, unitCodes: readonly string[], limit = 500) {
  const { rows } = await db.query(
    `SELECT id, dossier_id, unit_code, event_type, notice, channel, recipient, attempts, last_error, failed_at
     FROM notification_outbox WHERE status = 'failed' AND unit_code = ANY($1::text[]) ORDER BY failed_at DESC NULLS LAST, seq DESC LIMIT $2`,
    [[...unitCodes], limit],
  );
  return rows.map((r) => ({
    id: String(r.id),
    dossierId: r.dossier_id != null ? String(r.dossier_id) : undefined,
    unitCode: String(r.unit_code),
    event: r.event_type != null ? String(r.event_type) : undefined,
    notice: String(r.notice),
    channel: String(r.channel),
    to: r.channel === 'email' || r.channel === 'sms' ? maskAddress(r.channel, String(r.recipient ?? '')) : undefined,
    attempts: Number(r.attempts),
    lastError: r.last_error != null ? String(r.last_error) : undefined,
    failedAt: isoTime(r.failed_at),
  }));
}

export async function outboxRowUnit(db: SqlExecutor, id: string): Promise<{ unitCode: string | undefined; status: OutboxStatus } | undefined> {
  const { rows } = await db.query(`SELECT unit_code, status FROM notification_outbox WHERE id = $1`, [id]);
  return rows[0] ? { unitCode: rows[0].unit_code != null ? String(rows[0].unit_code) : undefined, status: rows[0].status as OutboxStatus } : undefined;
}

/**
 * Milliseconds until the next pending row is due (its next attempt, or the end of another sender's
 * claim on it), per the database's clock; undefined when nothing is pending. The sender sleeps that long.
 */
export async function nextOutboxDueInMs(db: SqlExecutor): Promise<number | undefined> {
  const { rows } = await db.query<{ ms: number | null }>(
    `SELECT (EXTRACT(EPOCH FROM min(GREATEST(next_attempt_at, COALESCE(claimed_until, next_attempt_at))) - now()) * 1000)::float8 AS ms
     FROM notification_outbox WHERE status = 'pending'`,
  );
  const ms = rows[0]?.ms;
  return ms === null || ms === undefined ? undefined : Number(ms);
}

/** The channel of migration 0021's trigger (rows made due); the payload is the schema of `notification_outbox`. */
export const OUTBOX_DUE_CHANNEL = 'motcua_outbox_due';

const outboxDueListeners = new WeakMap<object, Set<() => void>>();

/**
 * In process, what migration 0021's NOTIFY is across processes: "rows of this database's outbox were
 * made due" (a resend), keyed by the SQL driver, so that the sender of the same process (the
 * embedded app, where PGlite has no NOTIFY) wakes at once. Call it after the commit.
 */
export function signalOutboxDue(db: object): void {
  for (const listener of outboxDueListeners.get(db) ?? []) listener();
}

/** Runs `listener` on each `signalOutboxDue(db)`; returns the unregister function. */
export function onOutboxDue(db: object, listener: () => void): () => void {
  let set = outboxDueListeners.get(db);
  if (!set) outboxDueListeners.set(db, (set = new Set()));
  set.add(listener);
  return () => set.delete(listener);
}

/** A dead letter back to pending, with a new round of attempts. False when it is not (or no longer) failed. */
export async function resendFailedNotification(db: SqlExecutor, id: string): Promise<boolean> {
  const r = await db.query(
    `UPDATE notification_outbox SET status = 'pending', attempts = 0, next_attempt_at = now(), claimed_until = NULL, failed_at = NULL
     WHERE id = $1 AND status = 'failed' AND (last_error IS DISTINCT FROM 'opted out')`,
    [id],
  );
  return r.affectedRows > 0;
}

/** For readiness: rows waiting, and the age of the oldest one that is due. */
export async function outboxBacklog(db: SqlExecutor): Promise<{ pending: number; oldestDueSeconds: number; failed: number }> {
  const { rows } = await db.query(
    `SELECT count(*) FILTER (WHERE status = 'pending')::int AS pending,
            count(*) FILTER (WHERE status = 'failed')::int AS failed,
            COALESCE(EXTRACT(EPOCH FROM now() - min(created_at) FILTER (WHERE status = 'pending' AND next_attempt_at <= now())), 0)::float8 AS oldest
     FROM notification_outbox`,
  );
  return { pending: Number(rows[0].pending), oldestDueSeconds: Number(rows[0].oldest), failed: Number(rows[0].failed) };
}

export interface UnitNotificationSettings {
  unitCode: string;
  channels: NoticeChannel[];
  templates: TemplateOverrides;
  updatedBy?: string;
  updatedAt?: string;
}

export async function putUnitNotificationSettings(
  db: SqlExecutor,
  s: { unitCode: string; channels: NoticeChannel[]; templates: TemplateOverrides; updatedBy?: string },
): Promise<UnitNotificationSettings> {
  const { rows } = await db.query(
    `INSERT INTO unit_notification_settings (unit_code, channels, templates, updated_by, updated_at) VALUES ($1, $2::text[], $3::jsonb, $4, now())
     ON CONFLICT (unit_code) DO UPDATE SET channels = EXCLUDED.channels, templates = EXCLUDED.templates, updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at
     RETURNING unit_code, channels, templates, updated_by, updated_at`,
    [s.unitCode, s.channels, JSON.stringify(s.templates), s.updatedBy ?? null],
  );
  return settingsFromRow(rows[0]);
}

export async function getUnitNotificationSettings(db: SqlExecutor, unitCode: string): Promise<UnitNotificationSettings | undefined> {
  const { rows } = await db.query(`SELECT unit_code, channels, templates, updated_by, updated_at FROM unit_notification_settings WHERE unit_code = $1`, [
    unitCode,
  ]);
  return rows[0] ? settingsFromRow(rows[0]) : undefined;
}

function settingsFromRow(r: Record<string, unknown>): UnitNotificationSettings {
  return {
    unitCode: String(r.unit_code),
    channels: r.channels as NoticeChannel[],
    templates: (typeof r.templates === 'string' ? JSON.parse(r.templates) : r.templates) as TemplateOverrides,
    ...(r.updated_by != null ? { updatedBy: String(r.updated_by) } : {}),
    updatedAt: isoTime(r.updated_at),
  };
}
