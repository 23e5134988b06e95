export * from './driver';
export * from './migrate';
export * from './pg-driver';
export * from './pglite-driver';
export * from './data-dir-lock';
export * from './table-signal';
