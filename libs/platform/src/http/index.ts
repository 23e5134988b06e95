export * from './problem';
export * from './to-problem';
export * from './problem.filter';
export * from './validation';
export * from './unavailable';
