export * from './rule-set';
export * from './forms';
