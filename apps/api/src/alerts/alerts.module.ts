import { Module } from '@nestjs/common';
import { AlertsHub } from './alerts-hub';
import { AlertsController, UnitWebhooksController, WebhookDeadLetterController } from './alerts.controller';

/** Deadline alerts: list, acknowledge, live stream (SSE over Redis pub/sub), per-unit webhooks and their dead letters. */
@Module({ controllers: [AlertsController, UnitWebhooksController, WebhookDeadLetterController], providers: [AlertsHub] })
export class AlertsModule {}
