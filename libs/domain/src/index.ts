export * from './shared/types';
export * from './calendar';
export * from './deadline';
export * from './dossier';
export * from './notifications';
