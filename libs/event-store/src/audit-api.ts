/** What framework-free callers (libs/application) may import: the port and the hash chain, no adapters. */
export * from './port';
export * from './integrity';
