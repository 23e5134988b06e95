/** Unit-based access: a principal may act on the units granted to it and their descendants. */
import { ForbiddenProblem } from '../http/problem';
import { Principal } from './principal';

/** Knows the unit tree (implemented with the units read model). */
export interface UnitScope {
  /** True when `unitCode` is one of `grantedUnits` or a descendant of one. */
  isWithin(unitCode: string, grantedUnits: readonly string[]): boolean;
}

/** True when the principal's units cover `unitCode`. */
export function canAccessUnit(principal: Principal, unitCode: string, scope: UnitScope): boolean {
  return principal.units.length > 0 && scope.isWithin(unitCode, principal.units);
}

/** Throws a 403 problem unless the principal's units cover `unitCode`. */
export function assertUnitAccess(principal: Principal, unitCode: string, scope: UnitScope): void {
  if (canAccessUnit(principal, unitCode, scope)) return;
  const yours = principal.units.length ? principal.units.join(', ') : 'none';
  throw new ForbiddenProblem(`your units (${yours}) do not include unit ${unitCode}`, { extra: { unitCode } });
}
