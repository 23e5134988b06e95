/**
 * Receptions under a campaign window (issue #15): the campaign in force for the receiving unit (or an
 * ancestor), the procedure and the LOCAL reception date gives the processing time, frozen on the event.
 */
import { randomUUID } from 'node:crypto';
import { MemoryEventStore } from '@motcua/event-store';
import { CommandContext, SYSTEM_ACTOR } from '../../context';
import { AccessDeniedError, RuleViolationError } from '../../errors';
import { CampaignInput, ReferenceService } from '../../reference/reference-service';
import { DossierService } from '../dossier-service';

const CITY = '000.00.00.H79';
const Q12 = '000.00.12.H79';
const WARD = '000.12.01.H79'; // a ward of Quận 12
const Q1 = '000.00.01.H79';
const STOP = 'HKD.STOP'; // business suspension: 3 working days
const EXTRACT = 'HT.EXTRACT'; // civil-status extract: 1 working day
const TRANSFER = 'GD.TRANSFER'; // school transfer: 1 working day
const NOW = new Date('2021-07-01T03:00:00Z');

const ctx = (occurredAt?: string, actor = SYSTEM_ACTOR as CommandContext['actor']): CommandContext => ({
  actor,
  correlationId: 'campaign-spec',
  causationId: randomUUID(),
  now: NOW,
  ...(occurredAt ? { occurredAt: new Date(occurredAt) } : {}),
});
const admin = (units: string[]): CommandContext['actor'] => ({ id: 'admin-q12', name: 'Quản trị Quận 12', roles: ['admin'], units });

const WEEK: CampaignInput = {
  name: 'Tuần lễ tiếp nhận và giải quyết hồ sơ ngay trong ngày',
  unitCodes: [Q12],
  from: '2021-06-14',
  to: '2021-06-18',
  procedures: [
    { procedureCode: STOP, processingTime: { amount: 1, unit: 'working_day' } },
    { procedureCode: EXTRACT, processingTime: { amount: 1, unit: 'half_day' } },
    { procedureCode: TRANSFER, processingTime: { amount: 1, unit: 'working_hour' } },
  ],
};

async function setup() {
  const store = new MemoryEventStore();
  const reference = new ReferenceService(store);
  const c = ctx();
  await reference.putUnit(CITY, { name: 'TP. Hồ Chí Minh', level: 'province' } as never, c);
  await reference.putUnit(Q12, { name: 'Quận 12', level: 'district', parentCode: CITY } as never, c);
  await reference.putUnit(WARD, { name: 'Phường Tân Chánh Hiệp', level: 'commune', parentCode: Q12 } as never, c);
  await reference.putUnit(Q1, { name: 'Quận 1', level: 'district', parentCode: CITY } as never, c);
  await reference.putProcedure(STOP, { name: 'Tạm ngừng kinh doanh', field: 'Kinh doanh', processingTime: { amount: 3, unit: 'working_day' } } as never, c);
  await reference.putProcedure(EXTRACT, { name: 'Trích lục hộ tịch', field: 'Hộ tịch', processingTime: { amount: 1, unit: 'working_day' } } as never, c);
  await reference.putProcedure(TRANSFER, { name: 'Chuyển trường', field: 'Giáo dục', processingTime: { amount: 1, unit: 'working_day' } } as never, c);
  await reference.putCampaign('q12-2021-06', WEEK, ctx(undefined, admin([Q12])));
  return { store, reference, dossiers: new DossierService(store, reference) };
}

const receive = (dossiers: DossierService, unitCode: string, procedureCode: string, occurredAt: string) =>
  dossiers.receive({ id: randomUUID(), unitCode, procedureCode, channel: 'direct', applicant: { name: 'Nguyễn Văn An' } }, ctx(occurredAt));
/** HCMC wall time of an ISO instant. */
const wall = (iso: string | undefined) => new Date(Date.parse(String(iso)) + 7 * 3_600_000).toISOString().slice(0, 16);

describe('reception under a campaign window', () => {
  it('inside the window, in a ward of the district: 3 working days → 1, frozen with the campaign id', async () => {
    const { dossiers } = await setup();
    const { view } = await receive(dossiers, WARD, STOP, '2021-06-15T09:00:00+07:00');
    expect(view).toMatchObject({ campaignId: 'q12-2021-06', processingTime: { amount: 1, unit: 'working_day' } });
    expect(wall(view.dueAt)).toBe('2021-06-16T17:00');
  });

  it('half-day and hour units: 1 working day → one half-day, 1 working day → 1 hour', async () => {
    const { dossiers } = await setup();
    const extract = await receive(dossiers, Q12, EXTRACT, '2021-06-15T09:00:00+07:00');
    expect(extract.view).toMatchObject({ campaignId: 'q12-2021-06', processingTime: { amount: 1, unit: 'half_day' } });
    expect(wall(extract.view.dueAt)).toBe('2021-06-15T14:30');
    const transfer = await receive(dossiers, Q12, TRANSFER, '2021-06-15T09:00:00+07:00');
    expect(wall(transfer.view.dueAt)).toBe('2021-06-15T10:00');
  });

  it('local dates at the boundaries: 00:10 on the first day and 23:30 on the last day are inside; 23:30 the day before and 00:10 the day after are not', async () => {
    const { dossiers } = await setup();
    const at = async (t: string) => (await receive(dossiers, Q12, STOP, t)).view;
    // 2021-06-14T00:10+07:00 is still 13 June in UTC; 2021-06-18T23:30+07:00 is 18 June 16:30 UTC
    expect((await at('2021-06-14T00:10:00+07:00')).campaignId).toBe('q12-2021-06');
    const last = await at('2021-06-18T23:30:00+07:00');
    expect(last).toMatchObject({ campaignId: 'q12-2021-06', processingTime: { amount: 1, unit: 'working_day' } });
    expect(wall(last.dueAt)).toBe('2021-06-21T17:00');
    const before = await at('2021-06-13T23:30:00+07:00');
    expect(before.campaignId).toBeUndefined();
    expect(before.processingTime).toEqual({ amount: 3, unit: 'working_day' });
    // 2021-06-19T00:10+07:00 is 18 June 17:10 UTC: the local date (the 19th) decides
    const after = await at('2021-06-19T00:10:00+07:00');
    expect(after.campaignId).toBeUndefined();
    expect(wall(after.dueAt)).toBe('2021-06-23T17:00');
  });

  it('a unit outside it and a procedure outside it keep the regular time', async () => {
    const { dossiers, reference } = await setup();
    await reference.putProcedure('HT.BIRTH', { name: 'Khai sinh', field: 'Hộ tịch', processingTime: { amount: 3, unit: 'working_day' } } as never, ctx());
    const otherDistrict = await receive(dossiers, Q1, STOP, '2021-06-15T09:00:00+07:00');
    expect(otherDistrict.view.campaignId).toBeUndefined();
    expect(wall(otherDistrict.view.dueAt)).toBe('2021-06-18T17:00');
    const otherProcedure = await receive(dossiers, Q12, 'HT.BIRTH', '2021-06-15T09:00:00+07:00');
    expect(otherProcedure.view.campaignId).toBeUndefined();
  });

  it('a later change to the campaign never moves a due time already frozen', async () => {
    const { dossiers, reference, store } = await setup();
    const { view } = await receive(dossiers, Q12, STOP, '2021-06-15T09:00:00+07:00');
    await reference.putCampaign('q12-2021-06', { ...WEEK, to: '2021-06-14' }, ctx(undefined, admin([Q12])));
    const again = await dossiers.getDossier(view.id, ctx());
    expect(again).toMatchObject({ campaignId: 'q12-2021-06', dueAt: view.dueAt });
    expect((await store.readStream(`campaign-q12-2021-06`)).length).toBe(2);
    const history = await reference.campaignHistory('q12-2021-06');
    expect(history.map((h) => [h.version, h.actor.id, h.definition.to])).toEqual([
      [0, 'admin-q12', '2021-06-18'],
      [1, 'admin-q12', '2021-06-14'],
    ]);
    // the next reception that day falls outside the shortened window
    expect((await receive(dossiers, Q12, STOP, '2021-06-15T10:00:00+07:00')).view.campaignId).toBeUndefined();
  });
});

describe('defining campaign windows', () => {
  it('refuses an overlapping campaign for the same unit (or one above or below) and procedure, naming the conflict; the same PUT again writes nothing', async () => {
    const { reference, store } = await setup();
    const overlapping = { ...WEEK, unitCodes: [WARD], from: '2021-06-18', to: '2021-06-25', procedures: [WEEK.procedures[0]] };
    const err = await reference.putCampaign('ward-2021-06', overlapping, ctx(undefined, admin([Q12]))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RuleViolationError);
    expect(err).toMatchObject({ code: 'campaign-overlap', extra: { conflictingCampaignId: 'q12-2021-06', unitCode: WARD, procedureCode: STOP } });
    await expect(reference.putCampaign('ward-2021-06', { ...overlapping, from: '2021-06-19' }, ctx(undefined, admin([Q12])))).resolves.toMatchObject({
      created: true,
    });
    const before = (await store.readStream('campaign-q12-2021-06')).length;
    await expect(reference.putCampaign('q12-2021-06', WEEK, ctx(undefined, admin([Q12])))).resolves.toMatchObject({ created: false });
    expect((await store.readStream('campaign-q12-2021-06')).length).toBe(before);
  });

  it('refuses bad definitions with a 422 naming the field, and units the admin does not cover with a 403', async () => {
    const { reference } = await setup();
    const put = (input: Partial<CampaignInput>, units = [CITY]) =>
      reference.putCampaign('c2', { ...WEEK, from: '2022-01-03', to: '2022-01-07', ...input }, ctx(undefined, admin(units)));
    await expect(put({ to: '2022-01-02' })).rejects.toMatchObject({ code: 'invalid-campaign-dates', extra: { field: 'to' } });
    await expect(put({ unitCodes: ['NOPE'] })).rejects.toMatchObject({ code: 'unknown-unit', extra: { field: 'unitCodes[0]' } });
    await expect(put({ procedures: [{ procedureCode: 'NOPE', processingTime: { amount: 1, unit: 'working_hour' } }] })).rejects.toMatchObject({
      code: 'unknown-procedure',
    });
    await expect(put({ procedures: [{ procedureCode: EXTRACT, processingTime: { amount: 2, unit: 'half_day' } }] })).rejects.toMatchObject({
      code: 'campaign-time-not-shorter',
    });
    await expect(put({}, [Q1])).rejects.toBeInstanceOf(AccessDeniedError);
    expect(reference.listCampaigns().map((c) => c.id)).toEqual(['q12-2021-06']);
  });
});
