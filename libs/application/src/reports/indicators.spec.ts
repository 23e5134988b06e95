import fc from 'fast-check';
import type { DossierEvent } from '@motcua/domain';
import { DossierFacts, factsFromEvents } from './dossier-facts';
import { computeIndicatorTable, meanWorkingDays, withIndicators } from './indicators';
import { computeReport, unitRowOf, type ComputeReportOptions } from './report';
import { oracleCounts, oracleIndicatorCounts, oracleIndicatorRows, oracleIndicators, subtreeOf, worldArb, type World } from './__tests__/report-fixtures';

function pure(world: World, groupBy: 'unit' | 'procedure') {
  const parent = new Map(world.units.map((u) => [u.code, u.parentCode]));
  const facts: DossierFacts[] = world.dossiers.map((d) => factsFromEvents(d.events, d.id)!);
  const o: ComputeReportOptions = {
    unitCode: world.root,
    units: subtreeOf(world.units, world.root),
    from: world.from,
    to: world.to,
    rowOf:
      groupBy === 'unit'
        ? unitRowOf(
            world.root,
            (c) => parent.get(c),
            (c) => c,
          )
        : (f) => ({ key: f.procedureCode, name: f.procedureCode }),
  };
  return withIndicators(computeReport(facts, o), computeIndicatorTable(facts, o));
}

describe('QĐ 766 indicators, pure function (issue #18)', () => {
  it('every indicator matches the brute-force oracle, overall and per row (unit and procedure), and Biểu 06 does not move', () => {
    fc.assert(
      fc.property(worldArb(), (world) => {
        const units = subtreeOf(world.units, world.root);
        for (const groupBy of ['unit', 'procedure'] as const) {
          const report = pure(world, groupBy);
          expect(report.indicators).toEqual(
            oracleIndicators(oracleCounts(world, units, world.from, world.to), oracleIndicatorCounts(world, units, world.from, world.to)),
          );
          expect(new Map(report.rows.map((r) => [r.key, r.indicators]))).toEqual(oracleIndicatorRows(world, groupBy));
          // the rows still partition the total
          expect(report.rows.reduce((a, r) => a + r.indicators!.refusedAtReception, 0)).toBe(report.indicators!.refusedAtReception);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('the generated worlds exercise every indicator (guards the generator)', () => {
    const seen: Record<string, number> = {};
    for (const world of fc.sample(worldArb(), { numRuns: 300, seed: 7 })) {
      const units = subtreeOf(world.units, world.root);
      const i = oracleIndicatorCounts(world, units, world.from, world.to);
      for (const [k, n] of Object.entries(i)) seen[k] = (seen[k] ?? 0) + (n > 0 ? 1 : 0);
    }
    for (const [k, n] of Object.entries(seen)) expect([k, n > 5]).toEqual([k, true]);
  });

  it('the mean of working days is exact and rounds half up to one decimal, null over zero', () => {
    expect(meanWorkingDays(new Map(), 0)).toBeNull();
    // 1.25 days → 1.3; 1.24… → 1.2
    expect(meanWorkingDays(new Map([[480, 600]]), 1)).toBe(1.3);
    expect(meanWorkingDays(new Map([[480, 599]]), 1)).toBe(1.2);
    // 0.05 day of a 480-minute day (24 min) → 0.1 exactly, no drift
    expect(meanWorkingDays(new Map([[480, 24]]), 1)).toBe(0.1);
    // two units with different day lengths: (420/420 + 960/480) / 2 = 1.5
    expect(
      meanWorkingDays(
        new Map([
          [420, 420],
          [480, 960],
        ]),
        2,
      ),
    ).toBe(1.5);
  });

  it('processing time: from the last supplement’s arrival, a pause left out, in the unit’s working days', () => {
    const iso = (s: string) => new Date(s).toISOString();
    const events: DossierEvent[] = [
      {
        type: 'DossierReceived',
        data: {
          dossierId: 'd1',
          code: 'X-1',
          unitCode: 'U0',
          procedureCode: 'P1',
          field: 'Hộ tịch',
          channel: 'direct',
          onlineLevel: 'none',
          applicant: { name: 'A' },
          processingTime: { amount: 5, unit: 'working_day' },
          timeZone: 'Asia/Ho_Chi_Minh',
          receivedAt: iso('2026-11-02T08:00:00+07:00'), // Monday
          dueAt: iso('2026-11-09T08:00:00+07:00'),
          calendarVersion: 't',
        },
      },
      { type: 'SupplementRequested', data: { reason: 'thiếu', requestedAt: iso('2026-11-02T10:00:00+07:00'), withinLegalTime: true, sequence: 1 } },
      {
        type: 'SupplementReceived',
        data: {
          receivedAt: iso('2026-11-04T07:30:00+07:00'),
          dueAt: iso('2026-11-11T07:30:00+07:00'),
          calendarVersion: 't',
          previousDueAt: iso('2026-11-09T08:00:00+07:00'),
        },
      },
      { type: 'ProcessingPaused', data: { kind: 'fee', reason: 'phí', pausedAt: iso('2026-11-04T13:00:00+07:00') } },
      {
        type: 'ProcessingResumed',
        data: {
          resumedAt: iso('2026-11-05T13:00:00+07:00'),
          dueAt: iso('2026-11-12T07:30:00+07:00'),
          previousDueAt: iso('2026-11-11T07:30:00+07:00'),
          pausedWorkingMinutes: 480,
          calendarVersion: 't',
        },
      },
      // Friday 17:00: Wed morning (4 h) + Thu afternoon (4 h) + Fri (8 h) = 16 h = 2 working days
      { type: 'DossierResolved', data: { outcome: 'approved', resolvedAt: iso('2026-11-06T17:00:00+07:00'), electronicResult: true } },
    ];
    const f = factsFromEvents(events, 'd1')!;
    expect([f.processingWorkingMinutes, f.workingDayMinutes, f.electronicResult]).toEqual([960, 480, true]);
    const o = { unitCode: 'U0', units: ['U0'], from: '2026-11-01', to: '2026-11-30' };
    expect(withIndicators(computeReport([f], o), computeIndicatorTable([f], o)).indicators).toMatchObject({
      averageProcessingWorkingDays: 2,
      processingMeasured: 1,
      electronicResults: 1,
      electronicResultShare: 100,
      awaitingCollection: 1,
      earlyOrOnTimeRate: 100,
      onlineShare: 0,
    });
  });
});
