export * from './timing';
export * from './stats';
export * from './markdown';
export * from './machine';
export * from './databases';
export * from './report';
