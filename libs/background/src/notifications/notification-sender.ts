import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy, Optional } from '@nestjs/common';
import { NOTICE_KINDS, renderNotice, type NoticeChannel, type NoticeKind, type NoticeValues, type TemplateOverrides } from '@motcua/domain';
import { APP_CONFIG, AppConfig, Metrics, SQL_DRIVER } from '@motcua/platform';
import {
  claimOutboxRows,
  getAlert,
  getUnitNotificationSettings,
  markOutboxFailed,
  markOutboxSent,
  nextOutboxDueInMs,
  onOutboxDue,
  outboxBacklog,
  OUTBOX_DUE_CHANNEL,
  OutboxRow,
} from '@motcua/projections';
import { listenForTableSignal, Listening, SqlDriver } from '@motcua/sql';
import { AlertsOutlet } from '../alerts/alerts-outlet';
import { configuredChannels, NotificationChannel } from './channels';

const BATCH = 20;
/** A claimed row is the sender's for this long (longer than a channel's own 15 s timeout); a killed sender's rows come back after it. */
export const CLAIM_HOLD_MS = 20_000;
/** PostgreSQL while the LISTEN connection is down: look at the outbox this often (the old poll). */
const UNSIGNALLED_POLL_MS = 1_000;
/** The shortest sleep (a row due now that this round could not claim: another sender holds its lock). */
const MIN_SLEEP_MS = 20;

/** A failure no retry can cure (a template that does not render): straight to the dead letter. */
class PermanentFailure extends Error {}

/**
 * Works through `notification_outbox` (the table is the queue: see docs/architecture.md "Telling
 * the citizen"): claims due rows (SKIP LOCKED, so several workers share it), sends each on its
 * channel, marks it sent, or schedules a retry with exponential backoff (`NOTIFY_BACKOFF_MS`,
 * doubling) until `NOTIFY_ATTEMPTS`, then leaves it failed (the dead letter). `staff` rows publish
 * a new alert (SSE over Redis, webhook queue). Logs name the row, channel and notice, never the address.
 *
 * Idle, it reads nothing: it sleeps until the next pending row is due (a retry, another sender's
 * claim running out), and is woken when rows are made due: in process by the projections after
 * their commit and by a resend (`signalOutboxDue`), and on PostgreSQL by migration 0021's NOTIFY on
 * a LISTEN connection (rows made due by other processes). A safety poll every `NOTIFY_POLL_MS`
 * (60 s) finds what a lost signal did not announce; every second while the LISTEN connection is down.
 */
@Injectable()
export class NotificationSender implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Notifications');
  private readonly channels = new Map<NoticeChannel, NotificationChannel>();
  private stopped = true;
  private running: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private woken = false;
  private listening: Listening | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor(
    @Inject(SQL_DRIVER) private readonly sql: SqlDriver,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(AlertsOutlet) private readonly outlet: AlertsOutlet,
    @Optional() @Inject(Metrics) private readonly metrics?: Metrics,
  ) {
    for (const c of configuredChannels(config.notify)) this.channels.set(c.name, c);
  }

  /** The citizen channels configured here (the projection queues rows for these only). */
  enabledChannels(): NoticeChannel[] {
    return [...this.channels.keys()];
  }

  onApplicationBootstrap(): void {
    this.stopped = false;
    this.logger.log(`notification sender started (channels: ${this.enabledChannels().join(', ') || 'none configured'})`);
    this.unsubscribe = onOutboxDue(this.sql, () => this.wake());
    this.listenForDueRows();
    this.running = this.loop();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    this.wake();
    await this.running;
    await this.listening?.close();
    for (const c of this.channels.values()) await c.close?.();
  }

  /** For readiness (NOTIFY_STATUS): rows waiting, the oldest due one's age, dead letters. */
  status() {
    return outboxBacklog(this.sql);
  }

  /** Look at the outbox now (new rows were committed). */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  /** PostgreSQL: LISTEN for migration 0021's notifications (rows made due by any process). */
  private listenForDueRows(): void {
    this.listening = listenForTableSignal(this.sql, {
      channel: OUTBOX_DUE_CHANNEL,
      table: 'notification_outbox',
      trigger: 'notification_outbox_notify_due',
      onSignal: () => this.wake(),
    });
  }

  /** True while every row made due wakes this sender: PGlite (one process), or LISTEN up on PostgreSQL. */
  private signalsEveryDueRow(): boolean {
    return this.sql.kind === 'pglite' || (this.listening?.active ?? false);
  }

  /** How long to sleep: until the next pending row is due, at most the safety poll. */
  private async sleepMs(signalled: boolean): Promise<number> {
    const cap = signalled ? this.config.notify.pollMs : Math.min(UNSIGNALLED_POLL_MS, this.config.notify.pollMs);
    const due = await nextOutboxDueInMs(this.sql);
    return Math.max(MIN_SLEEP_MS, Math.min(cap, due ?? cap));
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      let full = false;
      let sleepMs = Math.min(UNSIGNALLED_POLL_MS, this.config.notify.pollMs);
      try {
        this.woken = false;
        // read before the round: only signals that covered it may leave the next one to them
        const signalled = this.signalsEveryDueRow();
        full = (await this.tick()) === BATCH;
        if (!full && !this.woken && !this.stopped) sleepMs = await this.sleepMs(signalled && this.signalsEveryDueRow());
      } catch (err) {
        this.logger.warn(`notification outbox not read: ${(err as Error).message}`);
      }
      if (this.stopped) break;
      if (full || this.woken) continue;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, sleepMs);
        this.wakeUp = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.wakeUp = undefined;
    }
  }

  /** One round: claim due rows, send them; returns how many were claimed. */
  async tick(): Promise<number> {
    const rows = await claimOutboxRows(this.sql, BATCH, CLAIM_HOLD_MS);
    const overrides = new Map<string, Promise<TemplateOverrides>>();
    const templatesOf = (unit: string) => {
      let p = overrides.get(unit);
      if (!p) overrides.set(unit, (p = getUnitNotificationSettings(this.sql, unit).then((s) => s?.templates ?? {})));
      return p;
    };
    await Promise.all(rows.map((r) => this.process(r, templatesOf)));
    return rows.length;
  }

  private async process(row: OutboxRow, templatesOf: (unit: string) => Promise<TemplateOverrides>): Promise<void> {
    try {
      await this.send(row, templatesOf);
    } catch (err) {
      const message = (err as Error).message;
      this.metrics?.notifications.inc({ channel: row.channel, outcome: 'failed' });
      const last = err instanceof PermanentFailure || row.attempts >= this.config.notify.attempts;
      const retryIn = last ? undefined : this.config.notify.backoffMs * 2 ** (row.attempts - 1);
      try {
        await markOutboxFailed(this.sql, row.id, message, retryIn);
      } catch (e) {
        this.logger.warn(`notification ${row.id}: outcome not recorded (${(e as Error).message}); retried when its claim expires`);
        return;
      }
      if (last) {
        this.metrics?.notifications.inc({ channel: row.channel, outcome: 'dead-letter' });
        this.logger.error(`notification ${row.id} (${row.channel}, ${row.notice}) failed for good after ${row.attempts} attempt(s): ${message}`);
      } else {
        this.metrics?.notifications.inc({ channel: row.channel, outcome: 'retry' });
        this.logger.warn(`notification ${row.id} (${row.channel}) attempt ${row.attempts} failed, retry in ${retryIn} ms: ${message}`);
      }
      return;
    }
    this.metrics?.notifications.inc({ channel: row.channel, outcome: 'sent' });
    try {
      await markOutboxSent(this.sql, row.id);
    } catch (err) {
      // sent but not recorded: it will be sent again when the claim expires (at least once)
      this.logger.warn(`notification ${row.id} sent but not recorded: ${(err as Error).message}`);
    }
  }

  private async send(row: OutboxRow, templatesOf: (unit: string) => Promise<TemplateOverrides>): Promise<void> {
    if (row.channel === 'staff') {
      const alert = await getAlert(this.sql, row.notice);
      if (!alert) throw new PermanentFailure(`alert ${row.notice} not found`);
      await this.outlet.deliver([alert]);
      return;
    }
    const channel = this.channels.get(row.channel);
    if (!channel) throw new Error(`the ${row.channel} channel is not configured`);
    if (!(NOTICE_KINDS as readonly string[]).includes(row.notice)) throw new PermanentFailure(`unknown notice ${row.notice}`);
    let message: { subject?: string; text: string };
    try {
      message = renderNotice(row.notice as NoticeKind, row.channel, row.payload as NoticeValues, row.unitCode ? await templatesOf(row.unitCode) : {});
    } catch (err) {
      throw new PermanentFailure(`the unit's template does not render: ${(err as Error).message}`);
    }
    await channel.send({ id: row.id, to: row.recipient ?? '', ...message });
  }
}
