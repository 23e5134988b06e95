export * from './dossier-summary.projection';
export * from './dossier-report';
export * from './dossier-worklist';
export * from './dossier-ids';
export * from './alerts.projection';
export * from './read-models';
export * from './cursor';
