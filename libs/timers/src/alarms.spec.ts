import { alarmData, alarmJobId, alarmJobOptions, alarmsOf, dossierIdOfJob, parseAlarmJob, TimerData } from './index';

describe('alarms: one job per dossier (or transfer) and due time', () => {
  const due = 1_700_000_000_000;
  const dueAt = new Date(due).toISOString();
  const timers: TimerData[] = [
    { dossierId: 'd-1', kind: 'near-deadline', dueAt, fireAt: due - 5_000 },
    { dossierId: 'd-1', kind: 'apology-cutoff', dueAt, fireAt: due - 9_000 },
    { dossierId: 'd-1', kind: 'overdue', dueAt, fireAt: due },
    { dossierId: 'd-1', transferId: 't-1', kind: 'overdue', dueAt: new Date(due + 1).toISOString(), fireAt: due + 1 },
    { dossierId: 'd-2', kind: 'overdue', dueAt, fireAt: due, store: 'abc' },
  ];

  it('groups the timers and rings at the earliest', () => {
    const alarms = alarmsOf(timers);
    expect(alarms.map((a) => [alarmJobId(a.dossierId, a.dueMs, a.transferId), a.fireAt, a.timers.length])).toEqual([
      ['d-1.1700000000000', due - 9_000, 3],
      ['d-1.t-1.1700000000001', due + 1, 1],
      ['d-2.1700000000000', due, 1],
    ]);
    expect(alarms.map(alarmData)).toEqual([{}, { x: 't-1' }, { s: 'abc' }]);
    expect(alarmJobOptions(alarms[0], due - 10_000)).toEqual({ jobId: 'd-1.1700000000000', delay: 1_000 });
    expect(alarmJobOptions(alarms[0], due)).toEqual({ jobId: 'd-1.1700000000000', delay: 0 });
  });

  it('parses an alarm job back (ids with dots too) and never mistakes another id for one', () => {
    expect(parseAlarmJob('d-1.1700000000000', {})).toEqual({ dossierId: 'd-1', dueMs: due });
    expect(parseAlarmJob('a.b.1700000000000', {})).toEqual({ dossierId: 'a.b', dueMs: due });
    expect(parseAlarmJob('a.b.t-1.1700000000001', { x: 't-1' })).toEqual({ dossierId: 'a.b', transferId: 't-1', dueMs: due + 1 });
    expect(parseAlarmJob('d-1.other.1700000000001', { x: 't-1' })).toBeUndefined();
    expect(parseAlarmJob('d-1.overdue', {})).toBeUndefined();
    expect(parseAlarmJob(undefined, {})).toBeUndefined();
    expect(dossierIdOfJob({ id: 'd-1.1700000000000', data: { s: 'abc' } })).toBe('d-1');
    expect(dossierIdOfJob({ id: 'whatever', data: timers[0] })).toBe('d-1');
  });
});
