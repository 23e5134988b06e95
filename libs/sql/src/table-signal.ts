import { Listening, SqlDriver } from './driver';

export interface TableSignalOptions {
  /** The NOTIFY channel of the trigger. */
  channel: string;
  /** The table the trigger is on; its schema is the notifications' payload (migrations 0019, 0021). */
  table: string;
  /** The trigger's name: the listener stays inactive (and retries) while it is missing. */
  trigger: string;
  /** On each notification for this schema's table, and each time the listener becomes active (a gap may have hidden some). */
  onSignal(): void;
}

/**
 * PostgreSQL: LISTEN for a table trigger's notifications whose payload is the table's schema
 * (migration 0019 for `es_events`, 0021 for `notification_outbox`), so that stores in other schemas
 * of the same database are ignored. Undefined on a driver without LISTEN (PGlite: one process,
 * signalled in process).
 */
export function listenForTableSignal(driver: SqlDriver, options: TableSignalOptions): Listening | undefined {
  if (!driver.listen) return undefined;
  const { channel, table, trigger, onSignal } = options;
  let schema: string | undefined;
  return driver.listen(channel, {
    ready: async (session) => {
      const { rows } = await session.query<{ schema: string; trigger: boolean }>(
        `SELECT n.nspname AS schema, EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = c.oid AND t.tgname = $2) AS trigger
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = $1::regclass`,
        [table, trigger],
      );
      schema = rows[0]?.schema;
      return rows[0]?.trigger === true;
    },
    onNotify: (payload) => {
      if (payload === schema) onSignal();
    },
    // what was made while the connection was down was left to the caller's fast poll, which ran until now
    onActive: onSignal,
  });
}
