import { computeDueAt } from '../deadline/due-at';
import { createWorkingTimeContext } from '../deadline/context';
import type { ProcessingTime } from '../shared/types';
import { Campaign, campaignFor, findCampaignConflict, InvalidCampaign, isShorterProcessingTime, validateCampaign } from './campaign';

const days = (amount: number): ProcessingTime => ({ amount, unit: 'working_day' });
const halfDays = (amount: number): ProcessingTime => ({ amount, unit: 'half_day' });
const hours = (amount: number): ProcessingTime => ({ amount, unit: 'working_hour' });

// Quận 12, June 2021: a "same-day week" in the district and its wards
const DISTRICT = 'Q12';
const WARD = 'Q12.TCH';
const OTHER_DISTRICT = 'Q1';
const TREE: Record<string, string | undefined> = { [DISTRICT]: 'HCM', [WARD]: DISTRICT, [OTHER_DISTRICT]: 'HCM', HCM: undefined };
const ancestors = (u: string) => {
  const out: string[] = [];
  for (let p = TREE[u]; p; p = TREE[p]) out.push(p);
  return out;
};
const related = (a: string, b: string) => a === b || ancestors(a).includes(b) || ancestors(b).includes(a);

const WEEK: Campaign = {
  id: 'q12-2021-06',
  name: 'Tuần lễ tiếp nhận và giải quyết hồ sơ ngay trong ngày',
  unitCodes: [DISTRICT],
  from: '2021-06-14',
  to: '2021-06-18',
  procedures: [
    { procedureCode: 'HKD.STOP', processingTime: days(1) }, // business suspension: 3 working days → 1
    { procedureCode: 'HT.EXTRACT', processingTime: halfDays(1) }, // civil-status extract: 1 working day → one half-day
    { procedureCode: 'GD.TRANSFER', processingTime: hours(1) }, // school transfer: 1 working day → 1 hour
  ],
};
const REGULAR: Record<string, ProcessingTime> = { 'HKD.STOP': days(3), 'HT.EXTRACT': days(1), 'GD.TRANSFER': days(1), 'HT.BIRTH': days(3) };
const refs = { unitExists: (u: string) => u in TREE, procedureTime: (p: string) => REGULAR[p] };

const at = (unitCode: string, localDate: string, procedureCode = 'HKD.STOP') =>
  campaignFor([WEEK], { unitCode, ancestors: ancestors(unitCode), procedureCode, localDate });

describe('campaignFor: the campaign in force for a reception', () => {
  it('applies inside the window, on its first and last local day, to the unit and its descendants', () => {
    expect(at(DISTRICT, '2021-06-14')).toEqual({ campaignId: WEEK.id, processingTime: days(1) });
    expect(at(WARD, '2021-06-16')).toEqual({ campaignId: WEEK.id, processingTime: days(1) });
    expect(at(WARD, '2021-06-18', 'GD.TRANSFER')).toEqual({ campaignId: WEEK.id, processingTime: hours(1) });
  });

  it('does not apply the day before or the day after', () => {
    expect(at(DISTRICT, '2021-06-13')).toBeUndefined();
    expect(at(DISTRICT, '2021-06-19')).toBeUndefined();
  });

  it('does not apply to a unit outside it (another district, or the province above it)', () => {
    expect(at(OTHER_DISTRICT, '2021-06-15')).toBeUndefined();
    expect(at('HCM', '2021-06-15')).toBeUndefined();
  });

  it('does not apply to a procedure outside it', () => {
    expect(at(DISTRICT, '2021-06-15', 'HT.BIRTH')).toBeUndefined();
  });
});

describe('the processing times of a campaign in the deadline module (HCMC office hours)', () => {
  const HCMC = createWorkingTimeContext();
  const wall = (d: Date) => new Date(d.getTime() + 7 * 3_600_000).toISOString().slice(0, 16);
  const hcm = (local: string) => new Date(`${local}:00+07:00`);

  it('a reception at 23:30 local on the last day is still inside; its local date decides, not the UTC one', () => {
    // 2021-06-18T23:30+07:00 is 16:30 UTC the same day; 2021-06-19T00:30+07:00 is still the 18th in UTC
    expect(at(DISTRICT, '2021-06-18')).toBeDefined();
    const due = computeDueAt(HCMC, hcm('2021-06-18T23:30'), days(1));
    expect(wall(due.dueAt)).toBe('2021-06-21T17:00'); // Friday night → Monday
  });

  it('3 working days → 1, 1 working day → one half-day, 1 working day → 1 hour: each due earlier', () => {
    const received = hcm('2021-06-15T09:00');
    expect(wall(computeDueAt(HCMC, received, days(3)).dueAt)).toBe('2021-06-18T17:00');
    expect(wall(computeDueAt(HCMC, received, days(1)).dueAt)).toBe('2021-06-16T17:00');
    expect(wall(computeDueAt(HCMC, received, halfDays(1)).dueAt)).toBe('2021-06-15T14:30'); // 09:00–11:30, 13:00–14:30
    expect(wall(computeDueAt(HCMC, received, hours(1)).dueAt)).toBe('2021-06-15T10:00');
  });
});

describe('validateCampaign', () => {
  const invalid = (c: Partial<Campaign>) => {
    try {
      validateCampaign({ ...WEEK, ...c }, refs);
    } catch (err) {
      expect(err).toBeInstanceOf(InvalidCampaign);
      return err as InvalidCampaign;
    }
    throw new Error('expected InvalidCampaign');
  };

  it('accepts the Quận 12 week', () => {
    expect(() => validateCampaign(WEEK, refs)).not.toThrow();
  });

  it('refuses dates out of order, unknown units and procedures, and a time that is not shorter', () => {
    expect(invalid({ from: '2021-06-19' })).toMatchObject({ code: 'invalid-campaign-dates', field: 'to' });
    // outside the calendar's years: named as such, before an overlap or any other rule is looked at
    expect(invalid({ from: '1900-06-01' })).toMatchObject({ code: 'invalid-campaign', field: 'from' });
    expect(invalid({ to: '2999-12-31' })).toMatchObject({ code: 'invalid-campaign', field: 'to' });
    expect(invalid({ unitCodes: [DISTRICT, 'NOPE'] })).toMatchObject({ code: 'unknown-unit', field: 'unitCodes[1]' });
    expect(invalid({ procedures: [{ procedureCode: 'NOPE', processingTime: hours(1) }] })).toMatchObject({ code: 'unknown-procedure' });
    expect(invalid({ procedures: [{ procedureCode: 'HKD.STOP', processingTime: days(3) }] })).toMatchObject({
      code: 'campaign-time-not-shorter',
      field: 'procedures[0].processingTime',
    });
    // two half-days are a working day: not shorter than one
    expect(invalid({ procedures: [{ procedureCode: 'HT.EXTRACT', processingTime: halfDays(2) }] })).toMatchObject({ code: 'campaign-time-not-shorter' });
    expect(invalid({ procedures: [{ procedureCode: 'HT.EXTRACT', processingTime: hours(8) }] })).toMatchObject({ code: 'campaign-time-not-shorter' });
    expect(invalid({ procedures: [{ procedureCode: 'HKD.STOP', processingTime: { amount: 1.5, unit: 'working_day' } }] })).toMatchObject({
      code: 'invalid-processing-time',
    });
  });

  it('compares across units in working hours (a working day = two half-days = 8 hours)', () => {
    expect(isShorterProcessingTime(halfDays(1), days(1))).toBe(true);
    expect(isShorterProcessingTime(hours(7), days(1))).toBe(true);
    expect(isShorterProcessingTime(hours(4), halfDays(1))).toBe(false);
    expect(isShorterProcessingTime(days(1), days(3))).toBe(true);
  });
});

describe('findCampaignConflict: no unit and procedure twice on the same day', () => {
  const other = (c: Partial<Campaign>): Campaign => ({ ...WEEK, id: 'other', ...c });

  it('names the campaign that already gives a unit, its ancestor or descendant, the same procedure on an overlapping day', () => {
    expect(findCampaignConflict(other({ unitCodes: [WARD], from: '2021-06-18', to: '2021-06-30' }), [WEEK], related)).toEqual({
      campaignId: WEEK.id,
      unitCode: WARD,
      procedureCode: 'HKD.STOP',
    });
    expect(findCampaignConflict(other({ unitCodes: ['HCM'] }), [WEEK], related)).toMatchObject({ campaignId: WEEK.id });
  });

  it('accepts the next week, another district, another procedure, and the campaign itself when edited', () => {
    expect(findCampaignConflict(other({ from: '2021-06-19', to: '2021-06-25' }), [WEEK], related)).toBeUndefined();
    expect(findCampaignConflict(other({ unitCodes: [OTHER_DISTRICT] }), [WEEK], related)).toBeUndefined();
    expect(findCampaignConflict(other({ procedures: [{ procedureCode: 'HT.BIRTH', processingTime: days(1) }] }), [WEEK], related)).toBeUndefined();
    expect(findCampaignConflict({ ...WEEK, to: '2021-06-25' }, [WEEK], related)).toBeUndefined();
  });
});
