import { type AppConfig, parseNearDeadlinePolicies, type NearDeadlinePolicies } from '@motcua/platform';

export { DEFAULT_NEAR_DEADLINE_POLICY, parseNearDeadlinePolicy, parseNearDeadlinePolicies, policyFor, type NearDeadlinePolicies } from '@motcua/platform';

/** Name of the BullMQ queue of deadline timers (and of its sweep). */
export const DEFAULT_TIMERS_QUEUE = 'deadline-timers';

export interface TimersConfig {
  queueName: string;
  /** Sweep interval (repeatable job); the sweep also runs once at start-up. Default 60 000 ms. */
  sweepEveryMs: number;
  /** Timer worker concurrency (TIMERS_CONCURRENCY). Default 16. */
  concurrency: number;
  policies: NearDeadlinePolicies;
}

/** The timers' settings from the validated configuration (libs/platform `loadConfig`). */
export function timersConfigFrom(config: Pick<AppConfig, 'timersQueue' | 'timersSweepEveryMs' | 'timersConcurrency' | 'nearDeadlinePolicy'>): TimersConfig {
  return {
    queueName: config.timersQueue,
    sweepEveryMs: config.timersSweepEveryMs,
    concurrency: config.timersConcurrency,
    policies: parseNearDeadlinePolicies(config.nearDeadlinePolicy),
  };
}

function int(name: string, raw: string | undefined, fallback: number, min: number): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name}="${raw}" must be a whole number ≥ ${min}`);
  return n;
}

/** `TIMERS_QUEUE`, `TIMERS_SWEEP_EVERY_MS`, `TIMERS_CONCURRENCY`, `ALERT_NEAR_DEADLINE_POLICY`. */
export function timersConfigFromEnv(env: NodeJS.ProcessEnv = process.env): TimersConfig {
  return {
    queueName: env.TIMERS_QUEUE?.trim() || DEFAULT_TIMERS_QUEUE,
    sweepEveryMs: int('TIMERS_SWEEP_EVERY_MS', env.TIMERS_SWEEP_EVERY_MS, 60_000, 1_000),
    concurrency: int('TIMERS_CONCURRENCY', env.TIMERS_CONCURRENCY, 16, 1),
    policies: parseNearDeadlinePolicies(env.ALERT_NEAR_DEADLINE_POLICY),
  };
}
