import { Module } from '@nestjs/common';
import { QueuesModule } from '@motcua/platform';
import { AlertsOutlet, WebhookDelivery } from './alerts-outlet';

/** Publishing of new alerts (Redis pub/sub, webhook queue) and the webhook delivery worker. */
@Module({ imports: [QueuesModule], providers: [AlertsOutlet, WebhookDelivery], exports: [AlertsOutlet] })
export class AlertsWorkerModule {}
