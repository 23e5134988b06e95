import type { NearDeadlinePolicy } from '@motcua/domain';

/** Name of the BullMQ queue of deadline timers (and of its sweep). */
export const DEFAULT_TIMERS_QUEUE = 'deadline-timers';

export interface NearDeadlinePolicies {
  /** Applies unless a procedure or unit override matches. Default `fraction:0.75`. */
  default: NearDeadlinePolicy;
  byUnit: ReadonlyMap<string, NearDeadlinePolicy>;
  byProcedure: ReadonlyMap<string, NearDeadlinePolicy>;
}

export interface TimersConfig {
  queueName: string;
  /** Sweep interval (repeatable job); the sweep also runs once at start-up. Default 60 000 ms. */
  sweepEveryMs: number;
  /** Timer worker concurrency. Default 16. */
  concurrency: number;
  policies: NearDeadlinePolicies;
}

export const DEFAULT_NEAR_DEADLINE_POLICY: NearDeadlinePolicy = { kind: 'fraction-used', fraction: 0.75 };

/** `fraction:0.75` (75 % of the working time used) or `working-days-before:1`. */
export function parseNearDeadlinePolicy(text: string): NearDeadlinePolicy {
  const m = /^\s*(fraction|working-days-before)\s*:\s*([0-9.]+)\s*$/.exec(text);
  if (!m) throw new Error(`near-deadline policy "${text}" must be "fraction:<0..1>" or "working-days-before:<n>"`);
  const n = Number(m[2]);
  if (m[1] === 'fraction') {
    if (!(n >= 0 && n <= 1)) throw new Error(`near-deadline fraction must be in [0, 1], got "${m[2]}"`);
    return { kind: 'fraction-used', fraction: n };
  }
  if (!Number.isInteger(n) || n < 0) throw new Error(`near-deadline working-days-before must be a whole number ≥ 0, got "${m[2]}"`);
  return { kind: 'working-days-before', days: n };
}

/**
 * `ALERT_NEAR_DEADLINE_POLICY`: a default policy, then optional overrides separated by `;`:
 * `fraction:0.75;unit:000.00.00.H29=working-days-before:1;procedure:1.001=fraction:0.5`.
 * A procedure override wins over a unit override, which wins over the default.
 */
export function parseNearDeadlinePolicies(text: string | undefined): NearDeadlinePolicies {
  const byUnit = new Map<string, NearDeadlinePolicy>();
  const byProcedure = new Map<string, NearDeadlinePolicy>();
  let def = DEFAULT_NEAR_DEADLINE_POLICY;
  for (const part of (text ?? '').split(';').map((p) => p.trim()).filter(Boolean)) {
    const o = /^(unit|procedure):([^=]+)=(.+)$/.exec(part);
    if (!o) def = parseNearDeadlinePolicy(part);
    else (o[1] === 'unit' ? byUnit : byProcedure).set(o[2].trim(), parseNearDeadlinePolicy(o[3]));
  }
  return { default: def, byUnit, byProcedure };
}

export function policyFor(policies: NearDeadlinePolicies, unitCode: string, procedureCode: string): NearDeadlinePolicy {
  return policies.byProcedure.get(procedureCode) ?? policies.byUnit.get(unitCode) ?? policies.default;
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
