/** At most one rebuild (or verify) of a projection at a time. */
import { SqlDriver } from '@motcua/sql';
import { RebuildInProgressError } from './types';

/** In-process guard (PGlite has one session, where advisory locks do not exclude). */
const running = new Set<string>();

/**
 * Runs `work` as the only rebuild of `projection`: in this process, and on PostgreSQL in every
 * process on the same schema (advisory lock). Throws `RebuildInProgressError` otherwise.
 */
export async function exclusiveRebuild<T>(driver: SqlDriver, projection: string, work: () => Promise<T>): Promise<T> {
  if (running.has(projection)) throw new RebuildInProgressError(projection);
  running.add(projection);
  try {
    if (driver.kind === 'pglite') return await work();
    // One session holds the advisory lock for the whole rebuild; the work uses other connections.
    return await driver.withSession(async (session) => {
      const key = `motcua:rebuild:${projection}`;
      const { rows } = await session.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock(hashtextextended($1 || '@' || current_schema(), 0)) AS ok`, [key]);
      if (!rows[0]?.ok) throw new RebuildInProgressError(projection);
      try {
        return await work();
      } finally {
        await session.query(`SELECT pg_advisory_unlock(hashtextextended($1 || '@' || current_schema(), 0))`, [key]);
      }
    });
  } finally {
    running.delete(projection);
  }
}
