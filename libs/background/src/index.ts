export * from './alerts/webhook-jobs';
export * from './alerts/alerts-outlet';
export * from './alerts/alerts-worker.module';
export * from './timers/timers.module';
export * from './worker.module';
export * from './notifications/notification-sender';
