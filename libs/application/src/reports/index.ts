export * from './dossier-facts';
export * from './report';
