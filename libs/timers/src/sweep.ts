import type { Redis } from 'ioredis';
import { Queue } from 'bullmq';
import { CLOCK_RUNNING_STATUSES, OPEN_DOSSIER_STATUSES } from '@motcua/domain';
import { ProjectionLogger, sqlStatusList } from '@motcua/projections';
import { SqlDriver } from '@motcua/sql';
import { addAlarms, TimerJobData } from './job-options';
import { isPoisonError, TimerPoison } from './poison';
import { TimerScheduler } from './scheduler';
import { alarmIdOf, alarmJobId, alarmsOf, TimerData } from './schedule';

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
  /** Timers (dossier × kind, transfer × kind) found missing in Redis and re-added (as alarms: see `alarms`). */
  readded: number;
  /** Alarm jobs re-added (one per dossier, or transfer, and due time). */
  alarms: number;
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
  queue: Queue<TimerJobData>;
  scheduler: TimerScheduler;
  poison: TimerPoison;
  logger: ProjectionLogger;
}

/**
 * Finds open dossiers (dossier_summary: clock running) whose alarm (one job per dossier and due time)
 * is not in Redis and re-adds it for the alerts not raised yet (a past one fires at once); the same for the timers of every
 * open liên thông transfer (dossiers with a hand-off not back); retries failed timer jobs; retries
 * the recorded poison dossiers. Idempotent: run it as often as you like, on as many workers as you like.
 */
export async function sweepTimers(deps: TimerSweepDeps, now = Date.now()): Promise<SweepResult> {
  const { driver, queue, scheduler, poison, logger } = deps;
  const result: SweepResult = { dossiers: 0, transferDossiers: 0, readded: 0, alarms: 0, firedNow: 0, retried: 0, poisoned: 0, recovered: 0 };
  const poisonedNow = new Set<string>();
  const client = (await queue.client) as unknown as Redis;
  /** Adds the alarms of the timers whose alarm job is not in Redis (a past one fires at once). */
  const readdMissing = async (needed: TimerData[]) => {
    const alarms = alarmsOf(needed);
    const pipe = client.pipeline();
    for (const a of alarms) pipe.exists(queue.toKey(alarmIdOf(a)));
    const existing = alarms.length ? ((await pipe.exec()) ?? []) : [];
    const missing = alarms.filter((_, i) => !Number(existing[i]?.[1] ?? 0));
    await addAlarms(queue, missing);
    result.alarms += missing.length;
    for (const a of missing) {
      result.readded += a.timers.length;
      result.firedNow += a.timers.filter((t) => t.fireAt <= now).length;
    }
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
      const id = alarmJobId(r.id, Number(r.due));
      pipe.exists(queue.toKey(id));
      pipe.zscore(failedKey, id);
    }
    const replies = (await pipe.exec()) ?? [];
    const suspects: string[] = [];
    const failed: string[] = [];
    rows.forEach((r, i) => {
      const exists = Number(replies[i * 2]?.[1] ?? 0);
      const failedScore = replies[i * 2 + 1]?.[1];
      // no alarm: nothing pending (every alert raised), or Redis lost it; the stream tells
      if (!exists) suspects.push(r.id);
      else if (failedScore !== null && failedScore !== undefined) failed.push(alarmJobId(r.id, Number(r.due)));
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
          return (await scheduler.timersOf(id)).filter((t) => t.transferId === undefined);
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
      `timers sweep: ${result.readded} timers re-added in ${result.alarms} alarms (${result.firedNow} due at once), ${result.retried} retried, ${result.poisoned} poison dossier(s) skipped, ${result.recovered} recovered`,
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
