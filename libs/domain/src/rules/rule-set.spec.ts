import { FORM_TEMPLATES, formTemplate } from './forms';
import { DEFAULT_RULE_SET_SWITCHES, formSetOf, RULE_SETS, ruleSetOfReception, ruleSetOn, ruleSetSwitchProblems } from './rule-set';

const HCM = 'Asia/Ho_Chi_Minh';

describe('rule set by reception date (local date of the unit)', () => {
  it('switches at 00:00 local on 1 July 2025: 23:59 on 30 June is 2018, 00:00 on 1 July is 2025', () => {
    expect(ruleSetOn(new Date('2025-06-30T23:59:00+07:00'), HCM)).toBe('2018');
    expect(ruleSetOn(new Date('2025-06-30T23:59:59.999+07:00'), HCM)).toBe('2018');
    expect(ruleSetOn(new Date('2025-07-01T00:00:00+07:00'), HCM)).toBe('2025');
    expect(ruleSetOn(new Date('2025-07-01T00:01:00+07:00'), HCM)).toBe('2025');
  });

  it('counts the unit’s local date, not UTC: 1 July 00:30 in Hà Nội is 30 June 17:30 UTC', () => {
    const at = new Date('2025-06-30T17:30:00Z');
    expect(ruleSetOn(at, HCM)).toBe('2025');
    expect(ruleSetOn(at, 'UTC')).toBe('2018');
  });

  it('follows a configured switch date', () => {
    const switches = { rules2025From: '2025-08-01', tt03FormsFrom: '2025-08-01' };
    expect(ruleSetOn(new Date('2025-07-31T23:59:00+07:00'), HCM, switches)).toBe('2018');
    expect(ruleSetOn(new Date('2025-08-01T00:00:00+07:00'), HCM, switches)).toBe('2025');
  });

  it('keeps the rule set frozen at reception; an event without one is given it from receivedAt', () => {
    expect(ruleSetOfReception({ ruleSet: '2018', receivedAt: '2025-07-02T03:00:00Z', timeZone: HCM })).toBe('2018');
    expect(ruleSetOfReception({ receivedAt: '2025-06-30T16:59:00Z', timeZone: HCM })).toBe('2018');
    expect(ruleSetOfReception({ receivedAt: '2025-06-30T17:00:00Z', timeZone: HCM })).toBe('2025');
  });

  it('prints a 2025 dossier on the Thông tư 03/2025 forms only from TT03_2025_FORMS_FROM (unverified date)', () => {
    const july = new Date('2025-07-10T09:00:00+07:00');
    expect(formSetOf('2018', july, HCM)).toBe('TT01/2018');
    expect(formSetOf('2025', july, HCM)).toBe('TT03/2025');
    const later = { rules2025From: '2025-07-01', tt03FormsFrom: '2025-08-15' };
    expect(formSetOf('2025', july, HCM, later)).toBe('TT01/2018');
    expect(formSetOf('2025', new Date('2025-08-14T23:59:00+07:00'), HCM, later)).toBe('TT01/2018');
    expect(formSetOf('2025', new Date('2025-08-15T00:00:00+07:00'), HCM, later)).toBe('TT03/2025');
  });

  it('refuses a forms date before the decree date', () => {
    expect(ruleSetSwitchProblems(DEFAULT_RULE_SET_SWITCHES)).toEqual([]);
    expect(ruleSetSwitchProblems({ rules2025From: '2025-07-01', tt03FormsFrom: '2025-06-30' })).toHaveLength(1);
  });

  it('numbers and titles the forms per circular', () => {
    expect(RULE_SETS['2018'].decree).toContain('61/2018/NĐ-CP');
    expect(RULE_SETS['2025'].decree).toContain('118/2025/NĐ-CP');
    const numbers = (set: 'TT01/2018' | 'TT03/2025') =>
      Object.values(FORM_TEMPLATES[set])
        .map((t) => t.number)
        .filter(Boolean)
        .sort();
    expect(numbers('TT01/2018')).toEqual(['01', '02', '03', '04', '05', '06']);
    expect(numbers('TT03/2025')).toEqual(['01', '02', '03', '04', '05', '06', '07']);
    expect(formTemplate('TT03/2025', 'apology')).toMatchObject({ number: '04', title: 'Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết' });
    expect(formTemplate('TT03/2025', 'stop-notice')).toMatchObject({ number: '05', title: 'Thông báo dừng giải quyết hồ sơ' });
    expect(formTemplate('TT01/2018', 'control-sheet').number).toBe('05');
    expect(formTemplate('TT03/2025', 'control-sheet').number).toBe('06');
    expect(formTemplate('TT01/2018', 'stop-notice').number).toBeUndefined();
  });
});
