export * from './dossier-facts';
export * from './report';
export * from './report-csv';
export * from './replay-report';
export * from './indicators';
export * from './report-extras';
