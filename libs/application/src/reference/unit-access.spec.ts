import { MemoryEventStore } from '@motcua/event-store';
import { Actor, CommandContext, SYSTEM_ACTOR } from '../context';
import { AccessDeniedError, NotFoundError } from '../errors';
import { ReferenceService } from './reference-service';
import { assertObjectAccess, assertRootUnitAccess, assertUnitAccess, coveredUnits, coversEveryUnit, coversUnit } from './unit-access';

// province P → district A (→ commune A1), district B (→ commune B1)
const P = 'HX.00.00.H99';
const A = 'HX.00.01.H99';
const A1 = 'HX.01.01.H99';
const B = 'HX.00.02.H99';
const B1 = 'HX.02.01.H99';

const ctxOf = (actor: Actor): CommandContext => ({ actor, correlationId: 'c', causationId: 'c', now: new Date('2026-01-05T03:00:00Z') });
const admin = (units: string[]): Actor => ({ id: `admin-${units.join('+') || 'none'}`, roles: ['admin'], units });

async function tree(): Promise<ReferenceService> {
  const ref = new ReferenceService(new MemoryEventStore());
  const sys = ctxOf(SYSTEM_ACTOR);
  await ref.putUnit(P, { name: 'Tỉnh', level: 'province' }, sys);
  await ref.putUnit(A, { name: 'Quận A', level: 'district', parentCode: P }, sys);
  await ref.putUnit(A1, { name: 'Phường A1', level: 'commune', parentCode: A }, sys);
  await ref.putUnit(B, { name: 'Quận B', level: 'district', parentCode: P }, sys);
  await ref.putUnit(B1, { name: 'Phường B1', level: 'commune', parentCode: B }, sys);
  await ref.putProcedure('PROC', { name: 'Khai sinh', field: 'Hộ tịch', processingTime: { amount: 3, unit: 'working_day' } }, sys);
  return ref;
}

describe('unit scope (one helper for every route)', () => {
  it('a unit covers itself and its descendants, by exact code: no wildcard, no prefix, [] covers nothing', async () => {
    const { data } = await tree();
    expect(coversUnit(data, { units: [A] }, A1)).toBe(true);
    expect(coversUnit(data, { units: [A1] }, A)).toBe(false);
    expect(coversUnit(data, { units: [B] }, A1)).toBe(false);
    for (const units of [[], ['*'], ['%'], ['_'], ['HX.'], ['HX.0%'], ['']]) {
      expect({ units, covers: [P, A, A1, B1].some((u) => coversUnit(data, { units }, u)) }).toEqual({ units, covers: false });
      expect(coveredUnits(data, { units })).toEqual([]);
      expect(coversEveryUnit(data, { units })).toBe(false);
    }
    expect(coveredUnits(data, { units: [A, B1] }).sort()).toEqual([A, A1, B1].sort());
    expect(coversEveryUnit(data, { units: [P] })).toBe(true);
    expect(coversEveryUnit(data, { units: [A, B] })).toBe(false);
    // only an application actor id can be a system component; a principal's sub never is
    expect(coversUnit(data, { id: 'system:timers', units: [] }, A1)).toBe(true);
    expect(coversUnit(data, { sub: 'system:timers', units: [] } as never, A1)).toBe(false);
  });

  it('403 for a unit parameter, 404 (like an unknown id) for an object', async () => {
    const { data } = await tree();
    expect(() => assertUnitAccess(data, { units: [B1] }, A1)).toThrow(AccessDeniedError);
    expect(() => assertUnitAccess(data, { units: [] }, A1)).toThrow('your units (none) do not include unit HX.01.01.H99');
    expect(() => assertObjectAccess(data, { units: [B1] }, A1, 'Dossier x does not exist')).toThrow(new NotFoundError('Dossier x does not exist'));
    expect(() => assertRootUnitAccess(data, { units: [A] }, 'Procedure X')).toThrow(/only an administrator of a root unit/);
    expect(() => assertRootUnitAccess(data, { units: [P] }, 'Procedure X')).not.toThrow();
  });
});

describe('ReferenceService: who may change reference data', () => {
  const rename = (ref: ReferenceService, code: string, actor: Actor, name = 'Tên mới') => {
    const u = ref.data.units.get(code)!;
    return ref.putUnit(code, { name, level: u.level, parentCode: u.parentCode }, ctxOf(actor));
  };

  it('units: only an admin whose units cover the unit (and, for a new or moved unit, its new parent)', async () => {
    const ref = await tree();
    for (const units of [[], [B1], [B], ['*'], ['%'], [A1.slice(0, 3)]]) {
      await expect(rename(ref, A1, admin(units))).rejects.toThrow(AccessDeniedError);
      await expect(ref.putUnit('HX.01.09.H99', { name: 'Mới', level: 'commune', parentCode: A }, ctxOf(admin(units)))).rejects.toThrow(AccessDeniedError);
      await expect(ref.putUnit('ROOT2', { name: 'Tỉnh khác', level: 'province' }, ctxOf(admin(units)))).rejects.toThrow(/would be a root unit/);
    }
    expect(ref.data.units.get(A1)!.name).toBe('Phường A1');
    expect(ref.data.units.has('HX.01.09.H99')).toBe(false);
    // own unit, or from above
    await expect(rename(ref, A1, admin([A1]), 'Phường A1 (mới)')).resolves.toMatchObject({ created: false });
    await expect(rename(ref, A1, admin([P]), 'Phường A1')).resolves.toBeDefined();
    await expect(ref.putUnit('HX.01.09.H99', { name: 'Mới', level: 'commune', parentCode: A }, ctxOf(admin([A])))).resolves.toMatchObject({ created: true });
    // moving needs the new parent too: A's admin may not hand A1 to B, nor an A1 admin detach it
    await expect(ref.putUnit(A1, { name: 'Phường A1', level: 'commune', parentCode: B }, ctxOf(admin([A])))).rejects.toThrow(
      /do not include unit HX.00.02.H99, the parent/,
    );
    // detaching A1 into a root (which would make its admin a root-unit admin): only from the root above it
    await expect(ref.putUnit(A1, { name: 'Phường A1', level: 'commune' }, ctxOf(admin([A1])))).rejects.toThrow(/would become a root unit/);
    await expect(ref.putUnit(A1, { name: 'Phường A1', level: 'commune' }, ctxOf(admin([A])))).rejects.toThrow(/would become a root unit/);
    expect(ref.data.units.get(A1)!.parentCode).toBe(A);
    await expect(ref.putUnit(A1, { name: 'Phường A1', level: 'commune' }, ctxOf(admin([P])))).resolves.toBeDefined();
    await expect(ref.putUnit(A1, { name: 'Phường A1', level: 'commune', parentCode: A }, ctxOf(admin([P])))).rejects.toThrow(AccessDeniedError); // P no longer covers the detached A1
    // a new root: the admin's units must name it
    await expect(ref.putUnit('ROOT2', { name: 'Tỉnh khác', level: 'province' }, ctxOf(admin(['ROOT2'])))).resolves.toMatchObject({ created: true });
  });

  it('procedures and calendars: only an admin of a root unit', async () => {
    const ref = await tree();
    const longer = { name: 'Khai sinh', field: 'Hộ tịch', processingTime: { amount: 100, unit: 'working_day' as const } };
    for (const units of [[], [A], [B1], ['*'], ['%'], ['UNKNOWN']]) {
      await expect(ref.putProcedure('PROC', longer, ctxOf(admin(units)))).rejects.toThrow(AccessDeniedError);
      await expect(ref.putCalendar(2026, { holidays: ['2026-01-01'], workingDays: [] }, ctxOf(admin(units)))).rejects.toThrow(AccessDeniedError);
    }
    expect(ref.data.procedures.get('PROC')!.processingTime.amount).toBe(3);
    expect(ref.data.calendars.has(2026)).toBe(false);
    await expect(ref.putProcedure('PROC', longer, ctxOf(admin([P])))).resolves.toMatchObject({ created: false });
    await expect(ref.putCalendar(2041, { holidays: ['2041-01-01'], workingDays: [] }, ctxOf(admin([B1, P])))).resolves.toBeDefined();
  });
});
