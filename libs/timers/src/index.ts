export * from './config';
export * from './schedule';
export * from './deadline-timers';
