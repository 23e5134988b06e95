export * from './position';
export * from './events';
export * from './errors';
export * from './options';
export * from './subscription';
export * from './event-store';
export * from './append-many';
export * from './unit-of-work';
