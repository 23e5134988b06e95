import { createWorkingTimeContext } from './context';
import { isSupplementRequestWithinLegalTime, supplementRequestLimit } from './supplement-request';

/** An HCMC wall time `YYYY-MM-DDTHH:MM` as an instant (+07:00). */
const hcm = (local: string): Date => new Date(`${local}:00+07:00`);
const HCMC = createWorkingTimeContext();

describe('supplement request within 3 working days of reception (one rule, libs/domain)', () => {
  it('given a dossier received on Wed 5 Mar 2025, when the limit is computed, then it is the close of Mon 10 Mar (weekend not counted)', () => {
    expect(supplementRequestLimit(HCMC, hcm('2025-03-05T09:00')).toISOString()).toBe(hcm('2025-03-10T17:00').toISOString());
  });

  it('given exactly the limit, then it is within the legal time; one minute later, then it is late', () => {
    const received = hcm('2025-03-05T09:00');
    expect(isSupplementRequestWithinLegalTime(HCMC, received, hcm('2025-03-10T17:00'))).toBe(true);
    expect(isSupplementRequestWithinLegalTime(HCMC, received, hcm('2025-03-10T17:01'))).toBe(false);
    expect(isSupplementRequestWithinLegalTime(HCMC, received, hcm('2025-03-05T09:00'))).toBe(true);
  });

  it('given a reception before the National Day holiday (1–2 Sep 2025), then the holiday is skipped', () => {
    const received = hcm('2025-08-28T10:00'); // Thu; Fri 29 counts, Sat–Tue off
    expect(supplementRequestLimit(HCMC, received).toISOString()).toBe(hcm('2025-09-04T17:00').toISOString());
    expect(isSupplementRequestWithinLegalTime(HCMC, received, hcm('2025-09-04T16:59'))).toBe(true);
    expect(isSupplementRequestWithinLegalTime(HCMC, received, hcm('2025-09-05T07:30'))).toBe(false);
  });

  it('given a reception on a Saturday, then counting starts on the next working day', () => {
    expect(supplementRequestLimit(HCMC, hcm('2025-03-08T10:00')).toISOString()).toBe(hcm('2025-03-12T17:00').toISOString());
  });
});
