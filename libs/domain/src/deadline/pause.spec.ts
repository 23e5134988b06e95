import { createWorkingTimeContext } from './context';
import { resumedDueAt } from './pause';

const ctx = createWorkingTimeContext(); // Asia/Ho_Chi_Minh, 07:30–11:30 and 13:00–17:00, shipped calendars

describe('resumedDueAt: the due time moves later by the working time paused', () => {
  it('a pause across the 30 April / 1 May holidays and a weekend counts only the office hours around them', () => {
    // paused Wed 29 Apr 2026 15:00; Thu 30 Apr and Fri 1 May are holidays, 2–3 May a weekend; resumed Mon 4 May 09:00
    const r = resumedDueAt(ctx, new Date('2026-04-29T08:00:00Z'), new Date('2026-05-04T02:00:00Z'), new Date('2026-05-05T10:00:00Z'));
    // Wed 15:00–17:00 (120) + Mon 07:30–09:00 (90) = 210 working minutes
    expect(r.pausedWorkingMinutes).toBe(210);
    // due Tue 5 May 17:00 + 210 min: Wed 6 May 07:30 + 3 h 30 = 11:00 (+07)
    expect(r.dueAt.toISOString()).toBe('2026-05-06T04:00:00.000Z');
    expect(r.calendarVersion).toBe('2026:official-2026-v1');
  });

  it('a pause over a lunch break and an evening counts neither', () => {
    // paused Mon 4 May 2026 11:00, resumed Tue 5 May 08:00: 30 + 240 + 30 = 300 minutes
    const r = resumedDueAt(ctx, new Date('2026-05-04T04:00:00Z'), new Date('2026-05-05T01:00:00Z'), new Date('2026-05-08T10:00:00Z'));
    expect(r.pausedWorkingMinutes).toBe(300);
    // Fri 8 May 17:00 + 300 min → Mon 11 May: 07:30–11:30 (240) + 13:00–14:00 (60) = 14:00 (+07)
    expect(r.dueAt.toISOString()).toBe('2026-05-11T07:00:00.000Z');
  });

  it('a pause entirely outside office hours moves nothing', () => {
    const due = new Date('2026-05-08T10:00:00Z');
    const r = resumedDueAt(ctx, new Date('2026-05-02T03:00:00Z'), new Date('2026-05-03T03:00:00Z'), due);
    expect(r.pausedWorkingMinutes).toBe(0);
    expect(r.dueAt.toISOString()).toBe(due.toISOString());
  });

  it('refuses a resume before the pause', () => {
    expect(() => resumedDueAt(ctx, new Date('2026-05-04T04:00:00Z'), new Date('2026-05-04T03:00:00Z'), new Date('2026-05-08T10:00:00Z'))).toThrow(RangeError);
  });
});
