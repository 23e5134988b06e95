export * from './hash';
export * from './hash-chaining-event-store';
export * from './verify';
export * from './merkle';
