import { ForbiddenProblem } from '../http/problem';
import { Principal } from './principal';
import { assertUnitAccess, canAccessUnit, UnitScope } from './unit-scope';

/** Test tree: a code grants itself and codes that start with it followed by a dot. */
const scope: UnitScope = { isWithin: (unit, granted) => granted.some((g) => unit === g || unit.startsWith(`${g}.`)) };
const officer: Principal = { sub: 'u1', roles: ['officer'], units: ['H29', 'H30.Q1'] };

describe('assertUnitAccess', () => {
  it('allows granted units and their descendants', () => {
    expect(() => assertUnitAccess(officer, 'H29', scope)).not.toThrow();
    expect(() => assertUnitAccess(officer, 'H29.Q2.P3', scope)).not.toThrow();
    expect(canAccessUnit(officer, 'H30', scope)).toBe(false);
  });

  it('throws a 403 problem naming the units', () => {
    expect(() => assertUnitAccess(officer, 'H30', scope)).toThrow(ForbiddenProblem);
    expect(() => assertUnitAccess(officer, 'H30', scope)).toThrow('your units (H29, H30.Q1) do not include unit H30');
    expect(() => assertUnitAccess({ ...officer, units: [] }, 'H29', scope)).toThrow('your units (none) do not include unit H29');
  });
});
