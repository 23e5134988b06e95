/**
 * In-process reactions to committed alert events, on the @nestjs/cqrs EventBus. The bus is
 * at-most-once and in memory (see docs/architecture.md, "The EventBus and the projections"): it
 * carries reactions that may be lost with the process, never a read model.
 */
import { Inject } from '@nestjs/common';
import { EventsHandler, IEventHandler } from '@nestjs/cqrs';
import { AlertKind } from '@motcua/domain';
import { Metrics } from '@motcua/platform';

/** Published after `AlertAcknowledged` was appended by this process (never for a repeated or lost acknowledgement). */
export class AlertAcknowledgedEvent {
  constructor(
    readonly alertId: string,
    readonly kind: AlertKind,
    readonly unitCode: string,
    readonly by: string,
    readonly at: string,
    /** Alert raised → acknowledged, in seconds. */
    readonly responseSeconds: number,
  ) {}
}

/** `motcua_alerts_acknowledged_total{kind}` and how long alerts waited for their acknowledgement. */
@EventsHandler(AlertAcknowledgedEvent)
export class AlertAcknowledgementMetrics implements IEventHandler<AlertAcknowledgedEvent> {
  constructor(@Inject(Metrics) private readonly metrics: Metrics) {}

  handle(e: AlertAcknowledgedEvent): void {
    this.metrics.alertsAcknowledged.inc({ kind: e.kind });
    this.metrics.alertAcknowledgementSeconds.observe({ kind: e.kind }, Math.max(0, e.responseSeconds));
  }
}

export const ALERT_EVENT_HANDLERS = [AlertAcknowledgementMetrics];
