/**
 * Citizen notifications (issue #19): the delivery log of a dossier, the applicant's opt-out, the
 * unit's settings and the dead letters. Handlers are the use cases (scope, read model, append).
 */
import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler, IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { CommandContext, coveredUnits, coversUnit, DossierService, eventMetadata, ReferenceService, UnitScoped } from '@motcua/application';
import { NOTICE_CHANNELS, templateOverridesProblems, type NoticeChannel, type TemplateOverrides } from '@motcua/domain';
import { EventStore } from '@motcua/event-store';
import { APP_CONFIG, AppConfig, EVENT_STORE, NotFoundProblem, SQL_DRIVER, UnprocessableProblem } from '@motcua/platform';
import {
  consentStreamName,
  dossierNotifications,
  failedNotifications,
  getUnitNotificationSettings,
  NOTIFICATIONS_OPTED_OUT,
  NotificationLogEntry,
  NotificationsOptedOutData,
  NotificationsOptedOutSchemaVersion,
  outboxRowUnit,
  putUnitNotificationSettings,
  resendFailedNotification,
  signalOutboxDue,
  UnitNotificationSettings,
} from '@motcua/projections';
import { SqlDriver } from '@motcua/sql';
import { RequestCause } from '../common/command-context';
import { ReadModelHandler } from '../common/read-model-handler';
import { requireUnitAccess } from '../common/unit-scope';

export class DossierNotificationsQuery {
  constructor(
    readonly dossierId: string,
    readonly ctx: CommandContext,
  ) {}
}
export class OptOutCommand {
  constructor(
    readonly dossierId: string,
    readonly channels: NoticeChannel[] | undefined,
    readonly ctx: CommandContext,
  ) {}
}
export class PutNotificationSettingsCommand {
  constructor(
    readonly unitCode: string,
    readonly channels: NoticeChannel[],
    readonly templates: TemplateOverrides | undefined,
    readonly who: UnitScoped & { sub: string },
  ) {}
}
export class GetNotificationSettingsQuery {
  constructor(
    readonly unitCode: string,
    readonly who: UnitScoped,
  ) {}
}
export class FailedNotificationsQuery {
  constructor(readonly who: UnitScoped) {}
}
export class ResendNotificationCommand {
  constructor(
    readonly id: string,
    readonly who: UnitScoped,
  ) {}
}

/** The channels this deployment has configured (SMTP_URL + NOTIFY_FROM, SMS_GATEWAY_URL). */
export function configuredNoticeChannels(config: AppConfig): NoticeChannel[] {
  return NOTICE_CHANNELS.filter((c) => (c === 'email' ? Boolean(config.notify.smtpUrl && config.notify.from) : Boolean(config.notify.smsGatewayUrl)));
}

/** The dossier's notifications, addresses masked; 404 like the dossier outside the caller's units. */
@QueryHandler(DossierNotificationsQuery)
export class DossierNotificationsHandler implements IQueryHandler<DossierNotificationsQuery, { dossierId: string; items: NotificationLogEntry[] }> {
  constructor(
    private readonly dossiers: DossierService,
    @Inject(SQL_DRIVER) private readonly sql: SqlDriver,
  ) {}
  async execute(q: DossierNotificationsQuery) {
    await this.dossiers.useCases.get.execute(q.dossierId, q.ctx); // 404 unknown or outside the caller's units
    return { dossierId: q.dossierId, items: await dossierNotifications(this.sql, q.dossierId) };
  }
}

/** Records `NotificationsOptedOut` (stream `notification-consent-<dossierId>`); pending notices on those channels are dropped. */
@CommandHandler(OptOutCommand)
export class OptOutHandler implements ICommandHandler<OptOutCommand, { dossierId: string; optedOut: NoticeChannel[]; at: string }> {
  constructor(
    private readonly dossiers: DossierService,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}
  async execute(c: OptOutCommand) {
    await this.dossiers.useCases.get.execute(c.dossierId, c.ctx);
    const cause: RequestCause = c.ctx;
    const data: NotificationsOptedOutData = {
      dossierId: c.dossierId,
      channels: c.channels && c.channels.length > 0 ? c.channels : [...NOTICE_CHANNELS],
      by: cause.actor.id,
      at: cause.now.toISOString(),
    };
    await this.store.append(
      consentStreamName(c.dossierId),
      [
        {
          id: randomUUID(),
          type: NOTIFICATIONS_OPTED_OUT,
          data,
          metadata: eventMetadata(cause, { occurredAt: data.at, schemaVersion: NotificationsOptedOutSchemaVersion }),
        },
      ],
      { expectedRevision: 'any' },
    );
    return { dossierId: c.dossierId, optedOut: data.channels, at: data.at };
  }
}

@CommandHandler(PutNotificationSettingsCommand)
export class PutNotificationSettingsHandler extends ReadModelHandler implements ICommandHandler<PutNotificationSettingsCommand, UnitNotificationSettings> {
  constructor(
    reference: ReferenceService,
    @Inject(SQL_DRIVER) sql: SqlDriver,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super(reference, sql);
  }
  async execute(c: PutNotificationSettingsCommand): Promise<UnitNotificationSettings> {
    requireUnitAccess(this.reference.data, c.who, c.unitCode);
    const problems = templateOverridesProblems(c.templates);
    const configured = configuredNoticeChannels(this.config);
    for (const ch of c.channels)
      if (!configured.includes(ch))
        problems.push(`channels: ${ch} is not configured on this service (${ch === 'email' ? 'SMTP_URL and NOTIFY_FROM' : 'SMS_GATEWAY_URL'} unset)`);
    if (problems.length > 0)
      throw new UnprocessableProblem(`invalid notification settings: ${problems.join('; ')}`, {
        errors: problems.map((p) => ({ field: p.split(/[ :]/)[0], message: p })),
      });
    return putUnitNotificationSettings(this.sql, { unitCode: c.unitCode, channels: c.channels, templates: c.templates ?? {}, updatedBy: c.who.sub });
  }
}

@QueryHandler(GetNotificationSettingsQuery)
export class GetNotificationSettingsHandler extends ReadModelHandler implements IQueryHandler<GetNotificationSettingsQuery, UnitNotificationSettings> {
  async execute(q: GetNotificationSettingsQuery): Promise<UnitNotificationSettings> {
    requireUnitAccess(this.reference.data, q.who, q.unitCode);
    return (await getUnitNotificationSettings(this.sql, q.unitCode)) ?? { unitCode: q.unitCode, channels: [...NOTICE_CHANNELS], templates: {} };
  }
}

@QueryHandler(FailedNotificationsQuery)
export class FailedNotificationsHandler extends ReadModelHandler implements IQueryHandler<FailedNotificationsQuery> {
  async execute(q: FailedNotificationsQuery) {
    return { items: await failedNotifications(this.sql, coveredUnits(this.reference.data, q.who)) };
  }
}

@CommandHandler(ResendNotificationCommand)
export class ResendNotificationHandler extends ReadModelHandler implements ICommandHandler<ResendNotificationCommand> {
  async execute(c: ResendNotificationCommand) {
    const row = c.id.length <= 300 ? await outboxRowUnit(this.sql, c.id) : undefined;
    if (!row || row.status !== 'failed' || !row.unitCode || !coversUnit(this.reference.data, c.who, row.unitCode))
      throw new NotFoundProblem(`no failed notification ${c.id}`);
    if (!(await resendFailedNotification(this.sql, c.id))) throw new NotFoundProblem(`no failed notification ${c.id} (an opt-out is not re-sent)`);
    signalOutboxDue(this.sql); // the sender of this process (embedded) sends it now; others hear migration 0021's NOTIFY
    return { id: c.id, status: 'pending' };
  }
}

export const NOTIFICATION_HANDLERS = [
  DossierNotificationsHandler,
  OptOutHandler,
  PutNotificationSettingsHandler,
  GetNotificationSettingsHandler,
  FailedNotificationsHandler,
  ResendNotificationHandler,
];
