import fc from 'fast-check';
import { DossierFacts, factsFromEvents } from './dossier-facts';
import { computeReport, emptyCounts, percent, reportBlocks, unitRowOf } from './report';
import { oracleBlocks, oracleCounts, oraclePercent, oracleUnitRows, subtreeOf, worldArb, type World } from './__tests__/report-fixtures';

function factsOf(world: World): DossierFacts[] {
  return world.dossiers.map((d) => factsFromEvents(d.events, d.id)!);
}

function pureReport(world: World, perspective: 'competent' | 'receiving' = 'competent') {
  const parent = new Map(world.units.map((u) => [u.code, u.parentCode]));
  return computeReport(factsOf(world), {
    perspective,
    unitCode: world.root,
    units: subtreeOf(world.units, world.root),
    from: world.from,
    to: world.to,
    rowOf: unitRowOf(
      world.root,
      (c) => parent.get(c),
      (c) => c,
    ),
  });
}

describe('the official report, pure function', () => {
  it('matches the brute-force oracle (fold of raw events) field by field, with its identities', () => {
    fc.assert(
      fc.property(worldArb(), fc.constantFrom('competent' as const, 'receiving' as const), (world, perspective) => {
        const report = pureReport(world, perspective);
        const units = subtreeOf(world.units, world.root);
        const { rows, unitCode, from, to, ...blocks } = report;
        expect({ unitCode, from, to }).toEqual({ unitCode: world.root, from: world.from, to: world.to });
        expect(blocks).toEqual(oracleBlocks(oracleCounts(world, units, world.from, world.to, undefined, perspective)));
        expect(rows.map(({ key, own, name: _n, ...b }) => ({ key, ...(own ? { own } : {}), blocks: b }))).toEqual(oracleUnitRows(world, perspective));

        for (const r of [report, ...rows]) {
          expect(r.received.total).toBe(r.received.newInPeriod + r.received.carriedOver);
          expect(r.received.total).toBe(r.resolved.total + r.pending.total + r.withdrawn);
          expect(r.received.newInPeriod).toBe(r.received.byChannel.direct + r.received.byChannel.online + r.received.byChannel.postal);
          expect(r.resolved.early + r.resolved.onTime + r.resolved.late).toBe(r.resolved.total);
          expect(r.pending.withinTime + r.pending.overdue).toBe(r.pending.total);
          expect(r.pending.inside + r.pending.outside).toBe(r.pending.total);
          expect(r.apologies.required).toBe(r.resolved.late + r.pending.overdue);
          expect(r.apologies.issuedInTime).toBeLessThanOrEqual(r.apologies.issued);
          expect(r.apologies.issued).toBeLessThanOrEqual(r.apologies.required);
        }
        // rows partition the total
        const sum = (f: (r: (typeof rows)[number]) => number) => rows.reduce((a, r) => a + f(r), 0);
        expect(sum((r) => r.received.total)).toBe(report.received.total);
        expect(sum((r) => r.satisfaction.responses)).toBe(report.satisfaction.responses);
      }),
      { numRuns: 300 },
    );
  });

  it('the generated worlds exercise every counter (guards the generator)', () => {
    const seen = emptyCounts();
    for (const world of fc.sample(worldArb(), { numRuns: 300, seed: 42 })) {
      const c = oracleCounts(world, subtreeOf(world.units, world.root), world.from, world.to);
      for (const k of Object.keys(seen) as (keyof typeof seen)[]) seen[k] += c[k] > 0 ? 1 : 0;
    }
    for (const [k, n] of Object.entries(seen)) expect([k, n > 5]).toEqual([k, true]);
  });

  it('the worked example: 3,839 received, 3,477 resolved (90.57%), 3,196 in time (91.92%), 281 late (8.08%), 362 pending (9.43%)', () => {
    const c = {
      ...emptyCounts(),
      newInPeriod: 3500,
      carriedOver: 339,
      direct: 2000,
      online: 1400,
      postal: 100,
      early: 1196,
      onTime: 2000,
      late: 281,
      withinTime: 362,
    };
    const b = reportBlocks(c);
    expect(b.received.total).toBe(3839);
    expect(b.resolved).toEqual({ total: 3477, early: 1196, onTime: 2000, late: 281, rate: 90.57, withinDeadlineRate: 91.92, earlyRate: 34.4, lateRate: 8.08 });
    expect(b.pending).toEqual({ total: 362, withinTime: 362, overdue: 0, rate: 9.43, inside: 362, outside: 0 });
    expect(b.apologies.coverageRate).toBeNull();
    expect(b.satisfaction.satisfiedRate).toBeNull();
    // "64.888/65.334 lượt, tỷ lệ 99,32%"
    expect(percent(64888, 65334)).toBe(99.32);
  });

  it('rounds half up exactly, null over zero', () => {
    expect(percent(1, 8)).toBe(12.5);
    expect(percent(1, 16)).toBe(6.25);
    expect(percent(1, 32)).toBe(3.13); // 3.125 → 3.13
    expect(percent(1, 3)).toBe(33.33);
    expect(percent(2, 3)).toBe(66.67);
    expect(percent(0, 0)).toBeNull();
    fc.assert(fc.property(fc.nat(100000), fc.integer({ min: 1, max: 100000 }), (a, b) => percent(a, b) === oraclePercent(a, b)));
  });

  it('a supplement received resets the legal due; the apology re-appointment never makes a late dossier on time', () => {
    const base = {
      dossierId: 'd',
      code: 'X',
      unitCode: 'U',
      procedureCode: 'P',
      field: 'F',
      channel: 'direct' as const,
      onlineLevel: 'none' as const,
      applicant: { name: 'A' },
      processingTime: { amount: 1, unit: 'working_day' as const },
      timeZone: 'Asia/Ho_Chi_Minh',
      calendarVersion: 'v',
    };
    const late = factsFromEvents(
      [
        { type: 'DossierReceived', data: { ...base, receivedAt: '2025-03-03T02:00:00.000Z', dueAt: '2025-03-04T10:00:00.000Z' } },
        {
          type: 'ApologyIssued',
          data: { reason: 'r', newDueAt: '2025-03-10T10:00:00.000Z', issuedAt: '2025-03-03T09:00:00.000Z', previousDueAt: '2025-03-04T10:00:00.000Z' },
        },
        { type: 'DossierResolved', data: { outcome: 'approved', resolvedAt: '2025-03-06T02:00:00.000Z' } },
      ],
      'd',
    )!;
    const r = computeReport([late], { unitCode: 'U', units: ['U'], from: '2025-03-01', to: '2025-03-31' });
    expect(r.resolved.late).toBe(1);
    expect(r.apologies).toEqual({ required: 1, issued: 1, issuedInTime: 1, coverageRate: 100 });

    const supplemented = factsFromEvents(
      [
        { type: 'DossierReceived', data: { ...base, receivedAt: '2025-03-03T02:00:00.000Z', dueAt: '2025-03-04T10:00:00.000Z' } },
        { type: 'SupplementRequested', data: { reason: 'r', requestedAt: '2025-03-03T03:00:00.000Z' } },
        {
          type: 'SupplementReceived',
          data: { receivedAt: '2025-03-05T02:00:00.000Z', dueAt: '2025-03-06T10:00:00.000Z', calendarVersion: 'v', previousDueAt: '2025-03-04T10:00:00.000Z' },
        },
        { type: 'DossierResolved', data: { outcome: 'approved', resolvedAt: '2025-03-06T02:00:00.000Z' } },
      ],
      'd',
    )!;
    expect(computeReport([supplemented], { unitCode: 'U', units: ['U'], from: '2025-03-01', to: '2025-03-31' }).resolved.onTime).toBe(1);
    // at the end of 4 March the clock was stopped: pending within time, not overdue
    const mid = computeReport([supplemented], { unitCode: 'U', units: ['U'], from: '2025-03-01', to: '2025-03-04' });
    expect(mid.pending).toEqual({ total: 1, withinTime: 1, overdue: 0, rate: 100, inside: 1, outside: 0 });
  });

  it('day mode (unit policy frozen into DossierResolved): classified by date only', () => {
    const base = {
      dossierId: 'd',
      code: 'X',
      unitCode: 'U',
      procedureCode: 'P',
      field: 'F',
      channel: 'direct' as const,
      onlineLevel: 'none' as const,
      applicant: { name: 'A' },
      processingTime: { amount: 1, unit: 'working_day' as const },
      timeZone: 'Asia/Ho_Chi_Minh',
      calendarVersion: 'v',
    };
    const received = { type: 'DossierReceived' as const, data: { ...base, receivedAt: '2025-03-03T02:00:00.000Z', dueAt: '2025-03-04T10:00:00.000Z' } };
    // 4 March 20:00 local: after the due time (17:00) but on the due day
    const evening = '2025-03-04T13:00:00.000Z';
    const exact = factsFromEvents([received, { type: 'DossierResolved', data: { outcome: 'approved', resolvedAt: evening } }], 'd')!;
    const day = factsFromEvents([received, { type: 'DossierResolved', data: { outcome: 'approved', resolvedAt: evening, timingMode: 'day' } }], 'd')!;
    const nextDay = factsFromEvents(
      [received, { type: 'DossierResolved', data: { outcome: 'approved', resolvedAt: '2025-03-04T17:00:00.000Z', timingMode: 'day' } }],
      'd',
    )!;
    expect([exact.timing, day.timing, nextDay.timing]).toEqual(['late', 'on-time', 'late']);
    const r = computeReport([exact, day, nextDay], { unitCode: 'U', units: ['U'], from: '2025-03-01', to: '2025-03-31' });
    expect(r.resolved).toMatchObject({ total: 3, onTime: 1, late: 2 });
  });

  it('rejects a malformed period and one that ends before it starts', () => {
    expect(() => computeReport([], { unitCode: 'U', units: [], from: '2025-02-30', to: '2025-03-01' })).toThrow(/from must be a date/);
    expect(() => computeReport([], { unitCode: 'U', units: [], from: '2025-03-02', to: '2025-03-01' })).toThrow(/before it starts/);
  });
});
