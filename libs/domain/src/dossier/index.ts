export * from './commands';
export * from './decide';
export * from './decider';
export * from './errors';
export * from './events';
export * from './evolve';
export * from './state';
