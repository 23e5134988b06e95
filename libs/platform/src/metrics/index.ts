export * from './metrics';
export * from './http-metrics';
export * from './metrics.controller';
export * from './metrics.module';
