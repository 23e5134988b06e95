/** Nest injection tokens for the outside systems (interfaces have no runtime type). */
export const APP_CONFIG = Symbol('APP_CONFIG');
export const EVENT_STORE = Symbol('EVENT_STORE');
/** The SQL database of read models and checkpoints (PGlite or PostgreSQL). */
export const SQL_DRIVER = Symbol('SQL_DRIVER');
export const REDIS_CONNECTION = Symbol('REDIS_CONNECTION');
/** `{ status() }` of the projection runner, provided where the worker runs (health and metrics read lag from it). */
export const PROJECTION_STATUS = Symbol('PROJECTION_STATUS');
