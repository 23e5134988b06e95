/**
 * Issue #12 item 3, at the application: business times and due times outside what the working
 * calendar can compute are 422s (typed errors) and write nothing — never a RangeError (500).
 * The clock is injected (`now`), so the last years the calendar covers can be reached.
 */
import { randomUUID } from 'node:crypto';
import { DateOutOfRange, OccurredInFuture } from '@motcua/domain';
import { MemoryEventStore } from '@motcua/event-store';
import { SYSTEM_ACTOR } from '../context';
import { RuleViolationError } from '../errors';
import { ReferenceService } from '../reference/reference-service';
import { DossierService } from './dossier-service';

const WARD = '000.27.01.H29';
const LONG = '9.999999'; // 60 working days
const ctx = (now: string, occurredAt?: string) => ({
  actor: SYSTEM_ACTOR,
  correlationId: 'dates-spec',
  causationId: randomUUID(),
  now: new Date(now),
  ...(occurredAt ? { occurredAt: new Date(occurredAt) } : {}),
});

async function setup(earliestBusinessDate?: string) {
  const store = new MemoryEventStore();
  const reference = new ReferenceService(store);
  const c = ctx('2025-01-01T00:00:00Z');
  await reference.putUnit('000.00.00.H29', { name: 'Tỉnh', level: 'province' } as never, c);
  await reference.putUnit(WARD, { name: 'Xã', level: 'province' } as never, c);
  await reference.putProcedure(LONG, { name: 'Dài', field: 'Đất đai', processingTime: { amount: 60, unit: 'working_day' } } as never, c);
  return { store, dossiers: new DossierService(store, reference, { earliestBusinessDate }) };
}
const input = (id: string) => ({ id, unitCode: WARD, procedureCode: LONG, channel: 'direct' as const, applicant: { name: 'Nguyễn Văn An' } });

describe('DossierService: dates the calendar cannot compute', () => {
  it('a reception whose due time would fall in 2100 is a DateOutOfRange on dueAt, and writes nothing', async () => {
    const { store, dossiers } = await setup();
    const id = randomUUID();
    const err = await dossiers.receive(input(id), ctx('2099-12-01T03:00:00Z')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DateOutOfRange);
    expect((err as DateOutOfRange).details).toMatchObject({ field: 'dueAt', supportedTo: '2099-12-30' });
    expect(await store.readStream(`dossier-${id}`)).toHaveLength(0);
    expect(await store.countAfter(undefined, { streamPrefixes: ['code-counter-'] })).toBe(0);
  });

  it('a supplement received late in 2099 (a new due time in 2100) is refused the same way', async () => {
    const { store, dossiers } = await setup();
    const id = randomUUID();
    await dossiers.receive(input(id), ctx('2099-06-01T03:00:00Z'));
    await dossiers.execute(id, { action: 'request-supplement', reason: 'Thiếu giấy tờ' }, ctx('2099-06-02T03:00:00Z'));
    const before = (await store.readStream(`dossier-${id}`)).length;
    await expect(dossiers.execute(id, { action: 'receive-supplement' }, ctx('2099-12-01T03:00:00Z'))).rejects.toBeInstanceOf(DateOutOfRange);
    expect(await store.readStream(`dossier-${id}`)).toHaveLength(before);
  });

  it('business times: the future first, then the calendar’s range, then the earliest business date (configurable)', async () => {
    const { dossiers } = await setup('2010-01-01');
    const now = '2025-05-01T03:00:00Z';
    await expect(dossiers.receive(input(randomUUID()), ctx(now, '2999-01-01T00:00:00Z'))).rejects.toBeInstanceOf(OccurredInFuture);
    await expect(dossiers.receive(input(randomUUID()), ctx(now, '1900-01-01T00:00:00Z'))).rejects.toBeInstanceOf(DateOutOfRange);
    const early = await dossiers.receive(input(randomUUID()), ctx(now, '2009-12-31T10:00:00Z')).catch((e: unknown) => e);
    expect(early).toBeInstanceOf(RuleViolationError);
    expect(early).toMatchObject({ code: 'occurred-too-early', status: 422 });
    expect((early as Error).message).toMatch(/occurredAt .*before 2010-01-01/);
    await expect(dossiers.receive(input(randomUUID()), ctx(now, '2010-01-04T03:00:00Z'))).resolves.toMatchObject({ created: true });
  });
});
