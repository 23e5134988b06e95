import { JobsOptions, Queue } from 'bullmq';
import { TIMER_JOB, jobIdOf, TimerData } from './schedule';

/**
 * A timer's job options: its deterministic id, its delay (0 when its time has passed) and the
 * `timestamp` the delay counts from. BullMQ fires a delayed job at `timestamp + delay`, and
 * `timestamp` defaults to when the Job object is built: without it, a timer added in a later bulk
 * of the same `addTimers` (or a later page of a sweep, which passes its start time) would fire
 * late by the time the earlier bulks took.
 */
export function timerJobOptions(t: TimerData, now = Date.now()): JobsOptions {
  return { jobId: jobIdOf(t), delay: Math.max(0, t.fireAt - now), timestamp: now };
}

/**
 * Adds timers in bulks of 1,000, keeping up to 4 bulks in flight (BullMQ runs one Lua script
 * per job: with one bulk at a time the connection idles between bulks; bench/peers/pgboss.bench.ts
 * measured 4.5k timers/s one at a time, 7.5k with 4 in flight). Re-adding a timer is a no-op
 * (deterministic job ids), so a failed call can simply be retried.
 */
export async function addTimers(queue: Queue<TimerData>, timers: readonly TimerData[], now = Date.now()): Promise<void> {
  const BULK = 1000;
  const IN_FLIGHT = 4;
  let next = 0;
  const lane = async () => {
    while (next < timers.length) {
      const slice = timers.slice(next, next + BULK);
      next += BULK;
      await queue.addBulk(slice.map((t) => ({ name: TIMER_JOB, data: t, opts: timerJobOptions(t, now) })));
    }
  };
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, Math.ceil(timers.length / BULK)) }, lane));
}
