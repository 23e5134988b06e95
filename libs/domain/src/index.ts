export * from './shared/types';
export * from './calendar';
export * from './deadline';
export * from './dossier';
export * from './rules';
export * from './campaign';
export * from './notifications';
