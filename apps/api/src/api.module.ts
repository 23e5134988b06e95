import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { AdminModule } from './admin/projections.controller';
import { AlertsModule } from './alerts/alerts.module';
import { AuditController } from './audit/audit.controller';
import { AUDIT_HANDLERS } from './audit/use-cases';
import { ApplicationModule } from './common/application.module';
import { DOSSIER_HANDLERS } from './dossiers/commands';
import { DossiersController } from './dossiers/dossiers.controller';
import { RefusalsController } from './dossiers/refusals.controller';
import { FormsController } from './forms/forms.controller';
import { IdempotencyInterceptor } from './idempotency/idempotency.interceptor';
import { ImportsController } from './imports/imports.controller';
import { NOTIFICATION_HANDLERS } from './notifications/handlers';
import { NOTIFICATION_CONTROLLERS } from './notifications/notifications.controller';
import { REFERENCE_HANDLERS } from './reference/commands';
import { ReferenceController } from './reference/reference.controller';
import { CampaignsController } from './reference/campaigns.controller';
import { FORM_QUERY_HANDLERS } from './forms/queries';
import { STATISTICS_QUERY_HANDLERS } from './statistics/queries';
import { QUERY_CONTROLLERS } from './statistics/statistics.controller';
import { PublicController } from './public/public.controller';
import { PUBLIC_QUERY_HANDLERS } from './public/queries';

/** HTTP routes of api-v1: controllers dispatch on the CQRS buses to the application services. */
@Module({
  imports: [CqrsModule.forRoot(), ApplicationModule, AlertsModule, AdminModule],
  controllers: [
    AuditController,
    ReferenceController,
    CampaignsController,
    DossiersController,
    ImportsController,
    ...QUERY_CONTROLLERS,
    FormsController,
    RefusalsController,
    PublicController,
    ...NOTIFICATION_CONTROLLERS,
  ],
  providers: [
    ...DOSSIER_HANDLERS,
    ...REFERENCE_HANDLERS,
    ...STATISTICS_QUERY_HANDLERS,
    ...FORM_QUERY_HANDLERS,
    ...AUDIT_HANDLERS,
    ...PUBLIC_QUERY_HANDLERS,
    ...NOTIFICATION_HANDLERS,
    { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
  ],
})
export class ApiModule {}
