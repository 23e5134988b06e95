import { Module } from '@nestjs/common';
import { QueuesModule } from '@motcua/platform';
import { NotificationSender } from '../notifications/notification-sender';
import { AlertsOutlet, WebhookDelivery } from './alerts-outlet';

/** Publishing of new alerts (Redis pub/sub, webhook queue), the webhook delivery worker and the notification outbox's sender. */
@Module({ imports: [QueuesModule], providers: [AlertsOutlet, WebhookDelivery, NotificationSender], exports: [AlertsOutlet, NotificationSender] })
export class AlertsWorkerModule {}
