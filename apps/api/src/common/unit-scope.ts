/**
 * Unit parameters of the HTTP API, checked in one place on top of the application's unit-access
 * rules (`libs/application/src/reference/unit-access.ts`): an unknown unit answers 404, a unit
 * outside the caller's units 403 (unit codes are public reference data).
 */
import { assertUnitAccess, coveredUnits, ReferenceData, UnitScoped } from '@motcua/application';
import { NotFoundProblem } from '@motcua/platform';

/** 404 when the unit is unknown, 403 when the caller's units do not cover it. */
export function requireUnitAccess(data: ReferenceData, who: UnitScoped, unitCode: string): void {
  if (!data.units.has(unitCode)) throw new NotFoundProblem(`unknown unit ${unitCode}`, { extra: { unitCode } });
  assertUnitAccess(data, who, unitCode);
}

/** The units a query covers: `unitCode`'s subtree (which the caller must hold), or every unit the caller's units cover. */
export function unitScope(data: ReferenceData, who: UnitScoped, unitCode: string | undefined): string[] {
  if (unitCode === undefined) return coveredUnits(data, who);
  requireUnitAccess(data, who, unitCode);
  return data.subtree(unitCode);
}
