import { AccessDeniedError, ReferenceService, SYSTEM_ACTOR } from '@motcua/application';
import { MemoryEventStore } from '@motcua/event-store';
import { NotFoundProblem } from '@motcua/platform';
import { requireUnitAccess, unitScope } from './unit-scope';

// province P → district A (→ commune A1), district B
const P = 'HX.00.00.H99';
const A = 'HX.00.01.H99';
const A1 = 'HX.01.01.H99';
const B = 'HX.00.02.H99';

async function tree(): Promise<ReferenceService> {
  const ref = new ReferenceService(new MemoryEventStore());
  const sys = { actor: SYSTEM_ACTOR, correlationId: 'c', causationId: 'c', now: new Date('2026-01-05T03:00:00Z') };
  await ref.putUnit(P, { name: 'Tỉnh', level: 'province' }, sys);
  await ref.putUnit(A, { name: 'Quận A', level: 'district', parentCode: P }, sys);
  await ref.putUnit(A1, { name: 'Phường A1', level: 'commune', parentCode: A }, sys);
  await ref.putUnit(B, { name: 'Quận B', level: 'district', parentCode: P }, sys);
  return ref;
}

describe('unit parameters of the API (one helper for every controller)', () => {
  it('unitCode: its subtree when the caller covers it, 403 outside, 404 unknown (with the unit code)', async () => {
    const { data } = await tree();
    const clerkA = { units: [A] };
    expect(unitScope(data, clerkA, A).sort()).toEqual([A, A1].sort());
    expect(unitScope(data, clerkA, A1)).toEqual([A1]);
    expect(() => unitScope(data, clerkA, B)).toThrow(AccessDeniedError);
    expect(() => unitScope(data, clerkA, P)).toThrow(AccessDeniedError);
    let unknown: unknown;
    try {
      requireUnitAccess(data, clerkA, 'NOPE');
    } catch (err) {
      unknown = err;
    }
    expect(unknown).toBeInstanceOf(NotFoundProblem);
    expect((unknown as NotFoundProblem).problem).toMatchObject({ status: 404, detail: 'unknown unit NOPE', unitCode: 'NOPE' });
  });

  it('without unitCode: every unit the caller’s units cover (none for no or unknown units, no wildcard)', async () => {
    const { data } = await tree();
    expect(unitScope(data, { units: [A, B] }, undefined).sort()).toEqual([A, A1, B].sort());
    expect(unitScope(data, { units: [] }, undefined)).toEqual([]);
    expect(unitScope(data, { units: ['*', '%', 'HX'] }, undefined)).toEqual([]);
  });
});
