import type { Redis } from 'ioredis';
import { Queue } from 'bullmq';
import { ALERT_KINDS, CLOCK_RUNNING_STATUSES, OPEN_DOSSIER_STATUSES } from '@motcua/domain';
import { ProjectionLogger, sqlStatusList } from '@motcua/projections';
import { SqlDriver } from '@motcua/sql';
import { addTimers } from './job-options';
import { isPoisonError, TimerPoison } from './poison';
import { TimerScheduler } from './scheduler';
import { jobIdOf, timerJobId, TimerData } from './schedule';

const LOAD_CONCURRENCY = 16;
const SWEEP_PAGE = 1000;
/** Open dossiers whose clock runs (domain `isClockRunning`), a page at a time. */
const CLOCK_RUNNING_PAGE_SQL = `SELECT id, (extract(epoch from effective_due_at) * 1000)::bigint::text AS due FROM dossier_summary
  WHERE status IN (${sqlStatusList(CLOCK_RUNNING_STATUSES)}) AND clock_stopped_at IS NULL AND id > $1 ORDER BY id LIMIT ${SWEEP_PAGE}`;
/** Open dossiers with an open liên thông transfer (a hand-off not back yet), a page at a time. */
const OPEN_TRANSFER_PAGE_SQL = `SELECT id FROM dossier_summary
  WHERE status IN (${sqlStatusList(OPEN_DOSSIER_STATUSES)}) AND array_position(transfer_back_at, NULL) IS NOT NULL AND id > $1 ORDER BY id LIMIT ${SWEEP_PAGE}`;

export interface SweepResult {
  /** Open dossiers with the clock running. */
  dossiers: number;
  /** Open dossiers with an open transfer (their transfers' timers checked). */
  transferDossiers: number;
  /** Timers (dossier × kind, transfer × kind) found missing in Redis and re-added. */
  readded: number;
  /** Of these, fired at once (their time had passed). */
  firedNow: number;
  /** Failed timer jobs retried. */
  retried: number;
  /** Dossiers whose timers could not be computed (recorded in `timer_poison`, skipped). */
  poisoned: number;
  /** Recorded poison dossiers whose timers compute again (entries deleted, timers added). */
  recovered: number;
}

export interface TimerSweepDeps {
  driver: SqlDriver;
  queue: Queue<TimerData>;
  scheduler: TimerScheduler;
  poison: TimerPoison;
  logger: ProjectionLogger;
}

/**
 * Finds open dossiers (dossier_summary: clock running) whose timers are not in Redis and re-adds the
 * ones whose alert was not raised yet (a past one fires at once); the same for the timers of every
 * open liên thông transfer (dossiers with a hand-off not back); retries failed timer jobs; retries
 * the recorded poison dossiers. Idempotent: run it as often as you like, on as many workers as you like.
 */
export async function sweepTimers(deps: TimerSweepDeps, now = Date.now()): Promise<SweepResult> {
  const { driver, queue, scheduler, poison, logger } = deps;
  const result: SweepResult = { dossiers: 0, transferDossiers: 0, readded: 0, firedNow: 0, retried: 0, poisoned: 0, recovered: 0 };
  const poisonedNow = new Set<string>();
  const client = (await queue.client) as unknown as Redis;
  const kinds = ALERT_KINDS.length;
  /** Adds the timers whose job is not in Redis (a past one fires at once). */
  const readdMissing = async (needed: TimerData[]) => {
    const existing = await mapLimit(needed, LOAD_CONCURRENCY, (t) => client.exists(queue.toKey(jobIdOf(t))));
    const missing = needed.filter((_, i) => !existing[i]);
    await addTimers(queue, missing, now);
    result.readded += missing.length;
    result.firedNow += missing.filter((t) => t.fireAt <= now).length;
  };
  let after = '';
  for (;;) {
    const { rows } = await driver.query<{ id: string; due: string }>(CLOCK_RUNNING_PAGE_SQL, [after]);
    if (rows.length === 0) break;
    after = rows[rows.length - 1].id;
    result.dossiers += rows.length;
    const pipe = client.pipeline();
    const failedKey = queue.keys.failed;
    for (const r of rows) {
      for (const kind of ALERT_KINDS) {
        const id = timerJobId(r.id, kind, Number(r.due));
        pipe.exists(queue.toKey(id));
        pipe.zscore(failedKey, id);
      }
    }
    const replies = (await pipe.exec()) ?? [];
    const suspects: string[] = [];
    const failed: string[] = [];
    rows.forEach((r, i) => {
      let missing = false;
      for (let k = 0; k < kinds; k++) {
        const exists = Number(replies[(i * kinds + k) * 2]?.[1] ?? 0);
        const failedScore = replies[(i * kinds + k) * 2 + 1]?.[1];
        if (!exists) missing = true;
        else if (failedScore !== null && failedScore !== undefined) failed.push(timerJobId(r.id, ALERT_KINDS[k], Number(r.due)));
      }
      if (missing) suspects.push(r.id);
    });
    for (const id of failed) {
      const job = await queue.getJob(id);
      if (job && (await job.isFailed())) {
        await job.retry().catch(() => undefined);
        result.retried++;
      }
    }
    if (suspects.length === 0) continue;
    const needed = (
      await mapLimit(suspects, LOAD_CONCURRENCY, async (id) => {
        try {
          return await scheduler.timersOf(id);
        } catch (err) {
          if (!isPoisonError(err)) throw err;
          await poison.record(id, err, undefined, 'sweep'); // one bad dossier never fails the sweep
          poisonedNow.add(id);
          return [];
        }
      })
    ).flat();
    await readdMissing(needed);
  }
  // the transfers' timers (issue #16): every open transfer's dossier is re-read (they are few)
  after = '';
  for (;;) {
    const { rows } = await driver.query<{ id: string }>(OPEN_TRANSFER_PAGE_SQL, [after]);
    if (rows.length === 0) break;
    after = rows[rows.length - 1].id;
    result.transferDossiers += rows.length;
    const needed = (
      await mapLimit(
        rows.filter((r) => !poisonedNow.has(r.id)),
        LOAD_CONCURRENCY,
        async (r) => {
          try {
            return (await scheduler.timersOf(r.id)).filter((t) => t.transferId !== undefined);
          } catch (err) {
            if (!isPoisonError(err)) throw err;
            await poison.record(r.id, err, undefined, 'sweep');
            poisonedNow.add(r.id);
            return [];
          }
        },
      )
    ).flat();
    await readdMissing(needed);
  }
  // the recorded poison dossiers (also those the summary does not list as open)
  const retried = await scheduler.retryPoison(now, poisonedNow);
  result.recovered = retried.recovered;
  result.poisoned = poisonedNow.size + retried.poisoned;
  if (result.readded || result.retried || result.poisoned || result.recovered) {
    logger.log(
      `timers sweep: ${result.readded} timers re-added (${result.firedNow} fired at once), ${result.retried} retried, ${result.poisoned} poison dossier(s) skipped, ${result.recovered} recovered`,
    );
  }
  return result;
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const run = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, run));
  return out;
}
