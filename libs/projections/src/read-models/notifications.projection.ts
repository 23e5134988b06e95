/**
 * The `notifications` projection (infra/migrations/0014_notification_outbox.sql): turns the dossier
 * events that tell the citizen something (`NOTICE_OF_EVENT` in libs/domain) into outbox rows, one
 * per channel the unit uses, the applicant gave an address for and did not opt out of, in the
 * same transaction as its checkpoint. Row ids are `<eventId>.<channel>`: a replay inserts nothing
 * twice. It also keeps the reception facts later notices need (`notification_dossiers`) and the
 * opt-outs (`NotificationsOptedOut` on `notification-consent-<dossierId>`).
 */
import {
  DOSSIER_STREAM_PREFIX,
  isNoticeAddress,
  NOTICE_CHANNELS,
  NOTICE_OF_EVENT,
  noticeOfEventType,
  noticeValues,
  type NoticeChannel,
  type NoticeDossier,
  toDossierEvent,
} from '@motcua/domain';
import { RecordedEvent } from '@motcua/event-store/port';
import { SqlExecutor } from '@motcua/sql';
import { AfterCommit, Projection } from '../projection';
import {
  CONSENT_STREAM_PREFIX,
  NOTIFICATIONS_OPTED_OUT,
  NOTIFICATIONS_PROJECTION,
  NotificationsOptedOutData,
  lookupUrl,
  outboxRowId,
} from './notification-model';

export interface NotificationsProjectionOptions {
  /** The channels this deployment can send on (configured); rows are written for these only. */
  channels: () => readonly NoticeChannel[];
  /** PUBLIC_BASE_URL: the public look-up page is `<base>/public/dossiers/<code>`. */
  publicBaseUrl: string;
  /** Called after a batch that queued rows committed (wakes the sender). */
  onQueued?: () => void;
}

const DUE_TYPES = ['SupplementReceived', 'ApologyIssued'];

/** The reception facts of a batch's `DossierReceived` events, in one statement (`ord`: log order). */
const INSERT_DOSSIERS = `
INSERT INTO notification_dossiers (dossier_id, code, unit_code, procedure_code, procedure_name, applicant_name, time_zone, due_at, lookup_pin, email, phone)
SELECT x.dossier_id, x.code, x.unit_code, x.procedure_code, x.procedure_name, x.applicant_name, x.time_zone, x.due_at, x.lookup_pin, x.email, x.phone
FROM jsonb_to_recordset($1::jsonb) AS x(dossier_id text, code text, unit_code text, procedure_code text, procedure_name text, applicant_name text,
  time_zone text, due_at timestamptz, lookup_pin text, email text, phone text, ord int)
ORDER BY x.ord
ON CONFLICT (dossier_id) DO NOTHING`;
const NOTICE_TYPES = Object.entries(NOTICE_OF_EVENT)
  .filter(([, v]) => v !== null)
  .map(([k]) => k);

export function notificationsProjection(options: NotificationsProjectionOptions): Projection {
  return {
    name: NOTIFICATIONS_PROJECTION,
    filter: {
      streamPrefixes: [DOSSIER_STREAM_PREFIX, CONSENT_STREAM_PREFIX],
      eventTypes: [...new Set([...NOTICE_TYPES, ...DUE_TYPES, NOTIFICATIONS_OPTED_OUT])],
    },
    tables: ['notification_outbox', 'notification_dossiers', 'notification_opt_outs'],
    async apply(tx: SqlExecutor, events: RecordedEvent[]): Promise<void | AfterCommit> {
      let queued = 0;
      // Reception rows wait here and are written in one statement (a batch of receptions, the
      // common case, is one statement instead of one each), before any statement that reads or
      // updates `notification_dossiers`, so every event still sees the rows of those before it.
      let received: Record<string, unknown>[] = [];
      const flush = async () => {
        if (received.length === 0) return;
        await tx.query(INSERT_DOSSIERS, [JSON.stringify(received)]);
        received = [];
      };
      for (const e of events) {
        if (e.stream.startsWith(CONSENT_STREAM_PREFIX)) {
          if (e.type !== NOTIFICATIONS_OPTED_OUT) continue;
          const d = e.data as NotificationsOptedOutData;
          for (const ch of d.channels) {
            await tx.query(
              `INSERT INTO notification_opt_outs (dossier_id, channel, opted_out_at, recorded_by) VALUES ($1, $2, $3, $4) ON CONFLICT (dossier_id, channel) DO NOTHING`,
              [d.dossierId, ch, d.at, d.by],
            );
          }
          // what is still waiting for that channel is not sent
          await tx.query(
            `UPDATE notification_outbox SET status = 'failed', failed_at = now(), last_error = 'opted out' WHERE dossier_id = $1 AND channel = ANY($2::text[]) AND status = 'pending'`,
            [d.dossierId, d.channels],
          );
          continue;
        }
        const dossierId = e.stream.slice(DOSSIER_STREAM_PREFIX.length);
        const event = toDossierEvent(e);
        if (event.type === 'DossierReceived') {
          const d = event.data;
          received.push({
            dossier_id: dossierId,
            code: d.code,
            unit_code: d.unitCode,
            procedure_code: d.procedureCode,
            procedure_name: d.procedureName ?? null,
            applicant_name: d.applicant.name,
            time_zone: d.timeZone,
            due_at: d.dueAt,
            lookup_pin: (d as { lookupPin?: string }).lookupPin ?? null,
            email: d.applicant.email?.trim() || null,
            phone: d.applicant.phone?.trim() || null,
            ord: received.length,
          });
        } else if (event.type === 'SupplementReceived') {
          await flush();
          await tx.query(`UPDATE notification_dossiers SET due_at = $2 WHERE dossier_id = $1`, [dossierId, event.data.dueAt]);
        } else if (event.type === 'ApologyIssued') {
          await flush();
          await tx.query(`UPDATE notification_dossiers SET due_at = $2 WHERE dossier_id = $1`, [dossierId, event.data.newDueAt]);
        }
        const notice = noticeOfEventType(event.type);
        // no channel configured (the default): no row to write, so no need to read the dossier back
        if (!notice || options.channels().length === 0) continue;
        await flush();
        const { rows } = await tx.query<Record<string, unknown>>(
          `SELECT d.*, s.channels AS unit_channels,
                  ARRAY(SELECT o.channel FROM notification_opt_outs o WHERE o.dossier_id = d.dossier_id) AS opted_out
           FROM notification_dossiers d LEFT JOIN unit_notification_settings s ON s.unit_code = d.unit_code
           WHERE d.dossier_id = $1`,
          [dossierId],
        );
        const r = rows[0];
        if (!r) continue; // a dossier this projection never saw received (cannot happen in a whole log)
        const dossier: NoticeDossier = {
          code: String(r.code),
          unitCode: String(r.unit_code),
          procedureCode: String(r.procedure_code),
          ...(r.procedure_name != null ? { procedureName: String(r.procedure_name) } : {}),
          applicantName: String(r.applicant_name),
          timeZone: String(r.time_zone),
          dueAt: new Date(r.due_at as string).toISOString(),
        };
        const unitChannels = (r.unit_channels as string[] | null) ?? [...NOTICE_CHANNELS];
        const optedOut = (r.opted_out as string[] | null) ?? [];
        const values = noticeValues(dossier, event, lookupUrl(options.publicBaseUrl, dossier.code, r.lookup_pin as string | null));
        for (const channel of options.channels()) {
          if (!unitChannels.includes(channel) || optedOut.includes(channel)) continue;
          const to = (channel === 'email' ? r.email : r.phone) as string | null;
          if (!isNoticeAddress(channel, to ?? undefined)) continue;
          const res = await tx.query(
            `INSERT INTO notification_outbox (id, audience, dossier_id, unit_code, event_id, event_type, notice, channel, recipient, payload, next_attempt_at)
             VALUES ($1, 'citizen', $2, $3, $4, $5, $6, $7, $8, $9::jsonb, now()) ON CONFLICT (id) DO NOTHING`,
            [outboxRowId(e.id, channel), dossierId, dossier.unitCode, e.id, e.type, notice, channel, to, JSON.stringify(values)],
          );
          queued += res.affectedRows;
        }
      }
      await flush();
      const { onQueued } = options;
      if (queued > 0 && onQueued) return () => onQueued();
    },
  };
}
