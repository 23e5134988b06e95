/** Alert queries: the read model (`alerts`, `unit_webhooks`) behind the caller's unit scope. */
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { UnitScoped } from '@motcua/application';
import { AlertKind } from '@motcua/domain';
import { NotFoundProblem } from '@motcua/platform';
import { AlertPage, alertsAfter, AlertState, AlertView, getUnitWebhooks, isAlertId, queryAlerts } from '@motcua/projections';
import { readPage } from '../common/list-query.dto';
import { ReadModelHandler } from '../common/read-model-handler';
import { requireUnitAccess, unitScope } from '../common/unit-scope';
import { WebhookView, withoutSecret } from './commands';

export interface AlertListRequest {
  unitCode?: string;
  state?: AlertState;
  kind?: AlertKind;
  dossierId?: string;
  cursor?: string;
  limit: number;
}

export class ListAlertsQuery {
  constructor(
    readonly request: AlertListRequest,
    readonly who: UnitScoped,
  ) {}
}

/** The alerts raised after `lastEventId` in the scope (a reconnecting SSE client's replay). */
export class MissedAlertsQuery {
  constructor(
    readonly lastEventId: string,
    readonly unitCode: string | undefined,
    readonly who: UnitScoped,
  ) {}
}

export class GetUnitWebhookQuery {
  constructor(
    readonly unitCode: string,
    readonly who: UnitScoped,
  ) {}
}

@QueryHandler(ListAlertsQuery)
export class ListAlertsHandler extends ReadModelHandler implements IQueryHandler<ListAlertsQuery, AlertPage> {
  execute({ request: { unitCode, ...filter }, who }: ListAlertsQuery): Promise<AlertPage> {
    const units = unitScope(this.reference.data, who, unitCode);
    return readPage(() => queryAlerts(this.sql, { ...filter, units }));
  }
}

@QueryHandler(MissedAlertsQuery)
export class MissedAlertsHandler extends ReadModelHandler implements IQueryHandler<MissedAlertsQuery, AlertView[]> {
  async execute(q: MissedAlertsQuery): Promise<AlertView[]> {
    const units = unitScope(this.reference.data, q.who, q.unitCode);
    return isAlertId(q.lastEventId) ? alertsAfter(this.sql, q.lastEventId, units) : [];
  }
}

@QueryHandler(GetUnitWebhookQuery)
export class GetUnitWebhookHandler extends ReadModelHandler implements IQueryHandler<GetUnitWebhookQuery, WebhookView> {
  async execute(q: GetUnitWebhookQuery): Promise<WebhookView> {
    requireUnitAccess(this.reference.data, q.who, q.unitCode);
    const [hook] = await getUnitWebhooks(this.sql, [q.unitCode]);
    if (!hook) throw new NotFoundProblem(`unit ${q.unitCode} has no webhook`);
    return withoutSecret(hook);
  }
}

export const ALERT_QUERY_HANDLERS = [ListAlertsHandler, MissedAlertsHandler, GetUnitWebhookHandler];
