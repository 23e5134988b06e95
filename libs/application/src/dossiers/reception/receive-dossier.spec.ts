/**
 * The reception use case with both writers: one transaction with the code counter (a store with
 * `appendMany`), and allocate-then-append (a store without it, as EventStoreDB).
 */
import { randomUUID } from 'node:crypto';
import { LOOKUP_PIN_ALPHABET, OccurredInFuture } from '@motcua/domain';
import { MemoryEventStore } from '@motcua/event-store';
import { EventStore } from '@motcua/event-store/port';
import { SYSTEM_ACTOR } from '../../context';
import { DuplicateError } from '../../errors';
import { ReferenceService } from '../../reference/reference-service';
import { DossierService } from '../dossier-service';

const WARD = '000.27.01.H29';
const PROC = '1.000001';
const ctx = (occurredAt?: string) => ({
  actor: SYSTEM_ACTOR,
  correlationId: 'reception-spec',
  causationId: randomUUID(),
  now: new Date('2025-03-04T03:00:00Z'),
  ...(occurredAt ? { occurredAt: new Date(occurredAt) } : {}),
});
const input = (id: string, name = 'Nguyễn Văn An') => ({ id, unitCode: WARD, procedureCode: PROC, channel: 'direct' as const, applicant: { name } });

/** The memory store without multi-stream appends. */
function withoutAppendMany(store: MemoryEventStore): EventStore {
  return new Proxy(store, { get: (t, k) => (k === 'appendMany' ? undefined : Reflect.get(t, k, t)) }) as EventStore;
}

async function setup(atomic: boolean) {
  const inner = new MemoryEventStore();
  const store = atomic ? inner : withoutAppendMany(inner);
  const reference = new ReferenceService(inner);
  const c = ctx();
  await reference.putUnit('000.00.00.H29', { name: 'Tỉnh', level: 'province' } as never, c);
  await reference.putUnit(WARD, { name: 'Xã', level: 'province' } as never, c);
  await reference.putProcedure(PROC, { name: 'Khai sinh', field: 'Hộ tịch', processingTime: { amount: 3, unit: 'working_day' } } as never, c);
  return new DossierService(store, reference);
}

describe.each([
  ['with appendMany (code and dossier in one transaction)', true],
  ['without appendMany (allocate, then append)', false],
])('ReceiveDossier %s', (_label, atomic) => {
  it('gives consecutive codes; a refused reception uses none up', async () => {
    const dossiers = await setup(atomic);
    const first = await dossiers.receive(input(randomUUID()), ctx());
    await expect(dossiers.receive(input(randomUUID()), ctx('2025-03-05T03:00:00Z'))).rejects.toBeInstanceOf(OccurredInFuture);
    const second = await dossiers.receive(input(randomUUID()), ctx());
    expect([first.view.code, second.view.code]).toEqual([`${WARD}-250304-0001`, `${WARD}-250304-0002`]);
    expect(first).toMatchObject({ created: true, appended: 1 });
  });

  it('the same reception again is the dossier as it is; another one with that id is a DuplicateError', async () => {
    const dossiers = await setup(atomic);
    const id = randomUUID();
    const first = await dossiers.receive(input(id), ctx());
    await expect(dossiers.receive(input(id), ctx())).resolves.toMatchObject({ created: false, appended: 0, view: { id, code: first.view.code } });
    await expect(dossiers.receive(input(id, 'Trần Thị B'), ctx())).rejects.toBeInstanceOf(DuplicateError);
    expect((await dossiers.load(id)).events).toHaveLength(1);
    // the retry and the clash used no code
    const next = await dossiers.receive(input(randomUUID()), ctx());
    expect(next.view.code).toBe(`${WARD}-250304-0002`);
  });

  it('draws a look-up PIN per reception (6 characters of the alphabet), kept on the event; a retry answers the stored one', async () => {
    const dossiers = await setup(atomic);
    const id = randomUUID();
    const first = await dossiers.receive(input(id), ctx());
    const pin = first.view.lookupPin;
    expect(pin).toMatch(new RegExp(`^[${LOOKUP_PIN_ALPHABET}]{6}$`));
    expect((await dossiers.load(id)).events[0]).toMatchObject({ type: 'DossierReceived', data: { lookupPin: pin } });
    await expect(dossiers.receive(input(id), ctx())).resolves.toMatchObject({ created: false, view: { lookupPin: pin } });
    const pins = new Set<string>();
    for (let i = 0; i < 20; i++) pins.add((await dossiers.receive(input(randomUUID()), ctx())).view.lookupPin!);
    expect(pins.size).toBeGreaterThan(15);
  });
});

describe('ReceiveDossier freezes the rule set of the local reception date', () => {
  const at = (iso: string) => ({ ...ctx(iso), now: new Date('2026-01-05T03:00:00Z') });
  it('2018 until 23:59 on the eve of RULES_2025_FROM, 2025 from 00:00 on it (the unit’s zone), as configured', async () => {
    const inner = new MemoryEventStore();
    const reference = new ReferenceService(inner);
    const c = at('2025-01-02T03:00:00Z');
    await reference.putUnit(WARD, { name: 'Xã', level: 'province' } as never, c);
    await reference.putProcedure(PROC, { name: 'Khai sinh', field: 'Hộ tịch', processingTime: { amount: 3, unit: 'working_day' } } as never, c);
    const ruleSetOf = async (dossiers: DossierService, occurredAt: string) => {
      const id = randomUUID();
      await dossiers.receive(input(id), at(occurredAt));
      return ((await dossiers.load(id)).events[0].data as { ruleSet?: string }).ruleSet;
    };
    const byDefault = new DossierService(inner, reference);
    expect(await ruleSetOf(byDefault, '2025-06-30T23:59:00+07:00')).toBe('2018');
    expect(await ruleSetOf(byDefault, '2025-07-01T00:00:00+07:00')).toBe('2025');
    const later = new DossierService(inner, reference, { ruleSetSwitches: { rules2025From: '2025-09-01', tt03FormsFrom: '2025-09-01' } });
    expect(await ruleSetOf(later, '2025-07-01T00:00:00+07:00')).toBe('2018');
    expect(await ruleSetOf(later, '2025-09-01T00:00:00+07:00')).toBe('2025');
  });
});
