/** Nest injection tokens for the outside systems (interfaces have no runtime type). */
export const APP_CONFIG = Symbol('APP_CONFIG');
export const EVENT_STORE = Symbol('EVENT_STORE');
/** The SQL database of read models and checkpoints (PGlite or PostgreSQL). */
export const SQL_DRIVER = Symbol('SQL_DRIVER');
export const REDIS_CONNECTION = Symbol('REDIS_CONNECTION');
