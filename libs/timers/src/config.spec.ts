import { createWorkingTimeContext } from '@motcua/domain';
import { parseNearDeadlinePolicies, parseNearDeadlinePolicy, policyFor, timerJobId, timersConfigFromEnv, timerJobOptions } from './index';

describe('timers config and ids', () => {
  it('parses the near-deadline policy with unit and procedure overrides', () => {
    expect(parseNearDeadlinePolicy('fraction:0.75')).toEqual({ kind: 'fraction-used', fraction: 0.75 });
    expect(parseNearDeadlinePolicy('working-days-before:1')).toEqual({ kind: 'working-days-before', days: 1 });
    expect(() => parseNearDeadlinePolicy('fraction:1.5')).toThrow();
    expect(() => parseNearDeadlinePolicy('soon')).toThrow();
    const p = parseNearDeadlinePolicies('fraction:0.8; unit:H29=working-days-before:1; procedure:1.001=fraction:0.5');
    expect(policyFor(p, 'X', 'Y')).toEqual({ kind: 'fraction-used', fraction: 0.8 });
    expect(policyFor(p, 'H29', 'Y')).toEqual({ kind: 'working-days-before', days: 1 });
    expect(policyFor(p, 'H29', '1.001')).toEqual({ kind: 'fraction-used', fraction: 0.5 });
    expect(timersConfigFromEnv({}).policies.default).toEqual({ kind: 'fraction-used', fraction: 0.75 });
    expect(timersConfigFromEnv({}).sweepEveryMs).toBe(60_000);
    void createWorkingTimeContext;
  });

  it('job ids are deterministic, have no ":", and past times fire at once', () => {
    const id = timerJobId('d-1', 'overdue', 1_700_000_000_000);
    expect(id).toBe('d-1.overdue.1700000000000');
    expect(id).not.toContain(':');
    const t = { dossierId: 'd-1', kind: 'overdue' as const, dueAt: new Date(1_700_000_000_000).toISOString(), fireAt: 1_700_000_000_000 };
    expect(timerJobOptions(t, 1_700_000_100_000)).toEqual({ jobId: id, delay: 0, timestamp: 1_700_000_100_000 });
    expect(timerJobOptions(t, 1_699_999_990_000)).toEqual({ jobId: id, delay: 10_000, timestamp: 1_699_999_990_000 });
  });
});
