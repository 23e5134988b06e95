export * from './rng';
export * from './catalogue';
export * from './province';
export * from './people';
export * from './simulate';
