/** Nest injection tokens for the outside systems (interfaces have no runtime type). */
export const APP_CONFIG = Symbol('APP_CONFIG');
export const EVENT_STORE = Symbol('EVENT_STORE');
/** The SQL database of read models and checkpoints (PGlite or PostgreSQL). */
export const SQL_DRIVER = Symbol('SQL_DRIVER');
export const REDIS_CONNECTION = Symbol('REDIS_CONNECTION');
/** `{ status() }` of the projection runner, provided where the worker runs (health and metrics read lag from it). */
export const PROJECTION_STATUS = Symbol('PROJECTION_STATUS');
/** `{ status() }` of the deadline timers' scheduling subscription, provided where the timers run (health and metrics read its lag). */
export const TIMERS_STATUS = Symbol('TIMERS_STATUS');
/** The notification outbox's backlog (`NotifyStatusSource`), provided where the sender runs. */
export const NOTIFY_STATUS = Symbol('NOTIFY_STATUS');
/**
 * The identity of the event store this process serves (a random id generated once and kept in the
 * store's own tables, `alert_channel.namespace`): the default BullMQ prefix and every timer job carry it.
 */
export const STORE_ID = Symbol('STORE_ID');
