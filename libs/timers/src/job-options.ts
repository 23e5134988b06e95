import { JobsOptions, Queue } from 'bullmq';
import { TIMER_JOB, jobIdOf, TimerData, alarmsOf, alarmIdOf, alarmData, AlarmData, Alarm } from './schedule';

/** What the timers queue holds: alarm jobs, per-alert jobs (`timerJobOptions`, still fired), the sweep. */
export type TimerJobData = AlarmData | TimerData | { store?: string };

/**
 * A per-alert job's options (the form before alarms; such jobs are still fired, one alert each):
 * its deterministic id, its delay (0 when its time has passed) and the `timestamp` the delay counts
 * from. BullMQ fires a delayed job at `timestamp + delay`.
 */
export function timerJobOptions(t: TimerData, now = Date.now()): JobsOptions {
  return { jobId: jobIdOf(t), delay: Math.max(0, t.fireAt - now), timestamp: now };
}

/**
 * An alarm job's options: its deterministic id and its delay, nothing else. The retry and retention
 * options are the `Queues` wrapper's worker defaults (not repeated in every job hash), and there is
 * no explicit `timestamp`: BullMQ fires at `timestamp + delay` with `timestamp` = when the Job object
 * is built, which `addAlarms` does right after computing the delay, bulk by bulk (so a later bulk is
 * not late by the time the earlier ones took).
 */
export function alarmJobOptions(a: Pick<Alarm, 'dossierId' | 'dueMs' | 'transferId' | 'fireAt'>, now = Date.now()): JobsOptions {
  return { jobId: alarmIdOf(a), delay: Math.max(0, a.fireAt - now) };
}

/**
 * Adds the alarms of `timers`: one job per dossier (or transfer) and due time, ringing at its
 * earliest timer; the worker raises what is due and re-arms the job for the next one. Bulks of
 * 1,000, up to 4 in flight (BullMQ runs one Lua script per job: with one bulk at a time the connection
 * idles between bulks). Re-adding an alarm is a no-op (deterministic job ids), so a failed call can
 * simply be retried. Returns the alarms.
 */
export async function addTimers(queue: Queue<TimerJobData>, timers: readonly TimerData[]): Promise<Alarm[]> {
  const alarms = alarmsOf(timers);
  await addAlarms(queue, alarms);
  return alarms;
}

export async function addAlarms(queue: Queue<TimerJobData>, alarms: readonly Alarm[]): Promise<void> {
  const BULK = 1000;
  const IN_FLIGHT = 4;
  let next = 0;
  const lane = async () => {
    while (next < alarms.length) {
      const slice = alarms.slice(next, next + BULK);
      next += BULK;
      const now = Date.now();
      await queue.addBulk(slice.map((a) => ({ name: TIMER_JOB, data: alarmData(a), opts: alarmJobOptions(a, now) })));
    }
  };
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, Math.ceil(alarms.length / BULK)) }, lane));
}
