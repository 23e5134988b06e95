import { Module } from '@nestjs/common';
import { AlertsHub } from './alerts-hub';
import { AlertsController, UnitWebhooksController, WebhookDeadLetterController } from './alerts.controller';
import { ALERT_COMMAND_HANDLERS } from './commands';
import { ALERT_EVENT_HANDLERS } from './events';
import { ALERT_QUERY_HANDLERS } from './queries';

/** Deadline alerts: list, acknowledge, live stream (SSE over Redis pub/sub), per-unit webhooks and their dead letters. */
@Module({
  controllers: [AlertsController, UnitWebhooksController, WebhookDeadLetterController],
  providers: [AlertsHub, ...ALERT_COMMAND_HANDLERS, ...ALERT_QUERY_HANDLERS, ...ALERT_EVENT_HANDLERS],
})
export class AlertsModule {}
