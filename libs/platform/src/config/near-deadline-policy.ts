import type { NearDeadlinePolicy } from '@motcua/domain';

/* ALERT_NEAR_DEADLINE_POLICY: parsed here so that loadConfig validates it with the other variables. */

export interface NearDeadlinePolicies {
  /** Applies unless a procedure or unit override matches. Default `fraction:0.75`. */
  default: NearDeadlinePolicy;
  byUnit: ReadonlyMap<string, NearDeadlinePolicy>;
  byProcedure: ReadonlyMap<string, NearDeadlinePolicy>;
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
  for (const part of (text ?? '')
    .split(';')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const o = /^(unit|procedure):([^=]+)=(.+)$/.exec(part);
    if (!o) def = parseNearDeadlinePolicy(part);
    else (o[1] === 'unit' ? byUnit : byProcedure).set(o[2].trim(), parseNearDeadlinePolicy(o[3]));
  }
  return { default: def, byUnit, byProcedure };
}

export function policyFor(policies: NearDeadlinePolicies, unitCode: string, procedureCode: string): NearDeadlinePolicy {
  return policies.byProcedure.get(procedureCode) ?? policies.byUnit.get(unitCode) ?? policies.default;
}
