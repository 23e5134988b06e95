/**
 * Unit scope: the one place that decides what a caller's units cover. Every controller and service
 * asks these functions (never `units.includes`, never a LIKE pattern):
 *
 * - a granted code covers itself and its descendants in the current unit tree, by exact code
 *   equality: `*`, `%`, `_` or a prefix grant nothing (no wildcard, no prefix matching); an empty
 *   list covers nothing;
 * - objects that belong to a unit (dossiers, alerts) outside the caller's units answer like an
 *   unknown id, 404, so that their existence is not revealed; unit parameters (unit codes are
 *   public reference data: `GET /units` lists them) answer 403;
 * - reference data that applies to every unit (procedures, working calendars) may be changed only
 *   by an administrator of a root unit (a unit without a parent: a province or above);
 * - actors `system:<component>` are the service's own components (timers, anchors, seeding) and
 *   are not scoped; a token can never claim such a subject (the HTTP layer refuses it).
 */
import { AccessDeniedError, NotFoundError } from '../errors';
import type { ReferenceData } from './reference-data';

/** A caller: an application Actor (`id`) or a token's principal (`sub`); only the actor form can be a system component. */
export interface UnitScoped {
  id?: string;
  units: readonly string[];
}

const isSystem = (who: UnitScoped) => typeof who.id === 'string' && who.id.startsWith('system:');

/** True when the caller's units cover `unitCode` (one of them, or an ancestor of it). */
export function coversUnit(data: ReferenceData, who: UnitScoped, unitCode: string): boolean {
  if (isSystem(who)) return true;
  return who.units.length > 0 && data.isWithin(unitCode, who.units);
}

const yours = (who: UnitScoped) => (who.units.length ? who.units.join(', ') : 'none');

/** 403 unless the caller's units cover the unit `unitCode`. */
export function assertUnitAccess(data: ReferenceData, who: UnitScoped, unitCode: string): void {
  if (coversUnit(data, who, unitCode)) return;
  throw new AccessDeniedError(`your units (${yours(who)}) do not include unit ${unitCode}`, { unitCode });
}

/**
 * 404 (the same answer as an unknown id) unless the caller's units cover the unit of the object, or
 * one of its units (a dossier has two: the receiving and the competent one; users of either see it).
 */
export function assertObjectAccess(data: ReferenceData, who: UnitScoped, unitCode: string | readonly string[], notFound: string): void {
  const codes = typeof unitCode === 'string' ? [unitCode] : unitCode;
  if (!codes.some((c) => coversUnit(data, who, c))) throw new NotFoundError(notFound);
}

/** The root units (no parent) among the caller's units. */
export function rootUnitsOf(data: ReferenceData, who: UnitScoped): string[] {
  return who.units.filter((u) => {
    const unit = data.units.get(u);
    return unit !== undefined && !unit.parentCode;
  });
}

/** 403 unless the caller administers a root unit (procedures and calendars apply to every unit). */
export function assertRootUnitAccess(data: ReferenceData, who: UnitScoped, what: string): void {
  if (isSystem(who) || rootUnitsOf(data, who).length > 0) return;
  throw new AccessDeniedError(
    `${what} applies to every unit: only an administrator of a root unit (a province or above, a unit without a parent) may change it; your units (${yours(who)}) include none`,
  );
}

/** True when the caller covers the whole unit tree (every root unit): e.g. to walk the whole event log. */
export function coversEveryUnit(data: ReferenceData, who: UnitScoped): boolean {
  if (isSystem(who)) return true;
  const roots = [...data.units.values()].filter((u) => !u.parentCode).map((u) => u.code);
  return roots.length > 0 && roots.every((r) => who.units.includes(r));
}

/** Every unit the caller's units cover (their subtrees, existing units only). */
export function coveredUnits(data: ReferenceData, who: UnitScoped): string[] {
  return [...new Set(who.units.filter((u) => data.units.has(u)).flatMap((u) => data.subtree(u)))];
}
