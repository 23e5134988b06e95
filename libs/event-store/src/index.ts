export * from './port';
export * from './config';
export * from './factory';
export * from './adapters/memory/memory-event-store';
export * from './adapters/sql/sql-event-store';
export * from './subscription/polling-subscription';
export * from './integrity';
