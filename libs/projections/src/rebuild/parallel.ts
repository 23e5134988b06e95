/** Running a rebuild's independent statements side by side where the server can. */
import { assertNever } from '@motcua/domain';
import { SqlDriver } from '@motcua/sql';

/**
 * Statements a rebuild runs at once on PostgreSQL when they are independent (index builds, writes
 * of disjoint rows): each on its own connection, so the server's backends share the cores. Two:
 * the machines this runs on have two or more cores, and the pool must keep room for the live
 * runner and readers. PGlite has one connection that runs one statement at a time: one.
 */
export function parallelism(driver: SqlDriver): number {
  switch (driver.kind) {
    case 'postgres':
      return 2;
    case 'pglite':
      return 1;
    default:
      return assertNever(driver.kind);
  }
}

/** Runs `tasks` with at most `n` at a time; rejects with the first failure once every started task has settled. */
export async function runLimited(tasks: readonly (() => Promise<void>)[], n: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) await tasks[next++]();
  };
  const results = await Promise.allSettled(Array.from({ length: Math.min(n, tasks.length) }, worker));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}
