/**
 * Alert commands: @nestjs/cqrs handlers are the use cases (scope, read model, append); the
 * controllers only translate HTTP.
 */
import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, EventBus, ICommandHandler } from '@nestjs/cqrs';
import { coversUnit, eventMetadata, ReferenceService, UnitScoped } from '@motcua/application';
import { EventStore, WrongExpectedRevisionError } from '@motcua/event-store';
import { EVENT_STORE, NotFoundProblem, SQL_DRIVER } from '@motcua/platform';
import {
  ALERT_ACKNOWLEDGED,
  AlertAcknowledgedData,
  AlertAcknowledgedSchemaVersion,
  alertStreamName,
  AlertView,
  alertUnits,
  deleteUnitWebhook,
  getAlert,
  isAlertId,
  putUnitWebhook,
  UnitWebhook,
} from '@motcua/projections';
import { SqlDriver } from '@motcua/sql';
import { RequestCause } from '../common/command-context';
import { ReadModelHandler } from '../common/read-model-handler';
import { requireUnitAccess } from '../common/unit-scope';
import { AlertAcknowledgedEvent } from './events';

export class AcknowledgeAlertCommand {
  constructor(
    readonly alertId: string,
    readonly cause: RequestCause,
  ) {}
}

/** A webhook as the API shows it: without its secret. */
export type WebhookView = Omit<UnitWebhook, 'secret'>;

export class PutUnitWebhookCommand {
  constructor(
    readonly unitCode: string,
    readonly url: string,
    readonly secret: string,
    readonly who: UnitScoped & { sub: string },
  ) {}
}

export class DeleteUnitWebhookCommand {
  constructor(
    readonly unitCode: string,
    readonly who: UnitScoped,
  ) {}
}

export function withoutSecret({ secret: _secret, ...w }: UnitWebhook): WebhookView {
  return w;
}

/**
 * Records `AlertAcknowledged` once per alert (stream `alert-<id>`, expected revision no-stream);
 * repeating answers the same state. Another unit's alert answers like an unknown one (404).
 */
@CommandHandler(AcknowledgeAlertCommand)
export class AcknowledgeAlertHandler implements ICommandHandler<AcknowledgeAlertCommand, AlertView> {
  constructor(
    private readonly reference: ReferenceService,
    @Inject(SQL_DRIVER) private readonly sql: SqlDriver,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly events: EventBus,
  ) {}

  async execute({ alertId: id, cause }: AcknowledgeAlertCommand): Promise<AlertView> {
    const alert = isAlertId(id) ? await getAlert(this.sql, id) : undefined;
    if (!alert || !alertUnits(alert).some((u) => coversUnit(this.reference.data, cause.actor, u)))
      throw new NotFoundProblem(`unknown alert ${id}`, { extra: { alertId: id } });
    if (alert.state === 'acknowledged' || alert.state === 'withdrawn') return alert; // a withdrawn alert needs no acknowledgement
    const stream = alertStreamName(id);
    const { actor } = cause;
    const data: AlertAcknowledgedData = {
      alertId: id,
      dossierId: alert.dossierId,
      by: actor.id,
      ...(actor.name ? { byName: actor.name } : {}),
      at: cause.now.toISOString(),
    };
    try {
      await this.store.append(
        stream,
        [
          {
            id: randomUUID(),
            type: ALERT_ACKNOWLEDGED,
            data,
            metadata: eventMetadata(cause, { occurredAt: data.at, schemaVersion: AlertAcknowledgedSchemaVersion }),
          },
        ],
        { expectedRevision: 'no-stream' },
      );
    } catch (err) {
      if (!(err instanceof WrongExpectedRevisionError)) throw err;
      // acknowledged already (by a concurrent request, not projected yet): answer that acknowledgement
      const [first] = await this.store.readStream(stream, { limit: 1 });
      const d = first?.data as AlertAcknowledgedData | undefined;
      return { ...alert, state: 'acknowledged', ...(d ? { acknowledgedBy: d.by, acknowledgedAt: d.at } : {}) };
    }
    // committed: in-process reactions (metrics) run after the answer is decided, never inside it
    this.events.publish(
      new AlertAcknowledgedEvent(id, alert.kind, alert.unitCode, data.by, data.at, (cause.now.getTime() - Date.parse(alert.raisedAt)) / 1000),
    );
    return { ...alert, state: 'acknowledged', acknowledgedBy: data.by, acknowledgedAt: data.at };
  }
}

/** Sets the unit's alert webhook (admin of the unit). */
@CommandHandler(PutUnitWebhookCommand)
export class PutUnitWebhookHandler extends ReadModelHandler implements ICommandHandler<PutUnitWebhookCommand, WebhookView> {
  async execute(c: PutUnitWebhookCommand): Promise<WebhookView> {
    requireUnitAccess(this.reference.data, c.who, c.unitCode);
    return withoutSecret(await putUnitWebhook(this.sql, { unitCode: c.unitCode, url: c.url, secret: c.secret, updatedBy: c.who.sub }));
  }
}

/** Removes the unit's alert webhook; 404 when it has none. */
@CommandHandler(DeleteUnitWebhookCommand)
export class DeleteUnitWebhookHandler extends ReadModelHandler implements ICommandHandler<DeleteUnitWebhookCommand, void> {
  async execute(c: DeleteUnitWebhookCommand): Promise<void> {
    requireUnitAccess(this.reference.data, c.who, c.unitCode);
    if (!(await deleteUnitWebhook(this.sql, c.unitCode))) throw new NotFoundProblem(`unit ${c.unitCode} has no webhook`);
  }
}

export const ALERT_COMMAND_HANDLERS = [AcknowledgeAlertHandler, PutUnitWebhookHandler, DeleteUnitWebhookHandler];
