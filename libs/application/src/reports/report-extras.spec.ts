import fc from 'fast-check';
import { computeReport, emptyCounts, reportBlocks, type Report } from './report';
import { countsOfBlocks, levelSubtotals, presetPeriod } from './report-extras';
import { emptyTally, type IndicatorTable } from './indicators';

describe('period presets and the Nghị định 09/2019 cut-off (issue #18)', () => {
  it('months, quarters and years, calendar or 15th-to-14th', () => {
    expect(presetPeriod('2026-11')).toEqual({ from: '2026-11-01', to: '2026-11-30' });
    expect(presetPeriod('2024-02')).toEqual({ from: '2024-02-01', to: '2024-02-29' });
    expect(presetPeriod('2026-Q4')).toEqual({ from: '2026-10-01', to: '2026-12-31' });
    expect(presetPeriod('2026')).toEqual({ from: '2026-01-01', to: '2026-12-31' });
    expect(presetPeriod('2026-11', 'nd09')).toEqual({ from: '2026-10-15', to: '2026-11-14' });
    expect(presetPeriod('2026-03', 'nd09')).toEqual({ from: '2026-02-15', to: '2026-03-14' });
    expect(presetPeriod('2026-01', 'nd09')).toEqual({ from: '2025-12-15', to: '2026-01-14' });
    expect(presetPeriod('2026-Q4', 'nd09')).toEqual({ from: '2026-09-15', to: '2026-12-14' });
    expect(presetPeriod('2026', 'nd09')).toEqual({ from: '2025-12-15', to: '2026-12-14' });
    for (const bad of ['2026-13', '2026-Q5', '26', '2026-1', '2026-11-01', '']) expect(() => presetPeriod(bad)).toThrow(RangeError);
  });

  it('consecutive nd09 months tile the year without gap or overlap', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2000, max: 2100 }), fc.integer({ min: 1, max: 11 }), (y, m) => {
        const a = presetPeriod(`${y}-${String(m).padStart(2, '0')}`, 'nd09');
        const b = presetPeriod(`${y}-${String(m + 1).padStart(2, '0')}`, 'nd09');
        const next = new Date(Date.parse(`${a.to}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
        expect(b.from).toBe(next);
      }),
    );
  });
});

describe('level subtotals (issue #18)', () => {
  const row = (key: string, n: number) => {
    const c = emptyCounts();
    c.newInPeriod = n;
    c.direct = n;
    c.early = n;
    return { key, name: key, ...reportBlocks(c) };
  };
  const report = (rows: ReturnType<typeof row>[]): Report => ({
    ...computeReport([], { unitCode: 'P', units: ['P'], from: '2025-03-01', to: '2025-03-31' }),
    rows,
  });
  const level = (c: string) => (c.startsWith('S') ? 'province' : c.startsWith('D') ? 'district' : c.startsWith('X') ? 'commune' : undefined);

  it('one per level in the order province, district, commune, adding the rows up; none for a single level', () => {
    const subs = levelSubtotals(report([row('X1', 2), row('S1', 1), row('D1', 4), row('X2', 3)]), level);
    expect(subs.map((s) => [s.level, s.keys, s.received.total, s.resolved.early])).toEqual([
      ['province', ['S1'], 1, 1],
      ['district', ['D1'], 4, 4],
      ['commune', ['X1', 'X2'], 5, 5],
    ]);
    expect(subs[2].name).toBe('Cộng cấp xã');
    expect(levelSubtotals(report([row('X1', 2), row('X2', 3)]), level)).toEqual([]);
  });

  it('the subtotal indicators come from the rows’ tallies (an exact mean, not a mean of means)', () => {
    const t1 = emptyTally();
    t1.counts.processingMeasured = 1;
    t1.processing.set(480, 480);
    const t2 = emptyTally();
    t2.counts.processingMeasured = 3;
    t2.processing.set(480, 480 * 3 * 3);
    const table: IndicatorTable = {
      total: emptyTally(),
      rows: new Map([
        ['X1', { key: { key: 'X1', name: 'X1' }, tally: t1 }],
        ['X2', { key: { key: 'X2', name: 'X2' }, tally: t2 }],
      ]),
    };
    const subs = levelSubtotals(report([row('X1', 1), row('X2', 3), row('S1', 1)]), level, table);
    // (1 + 9) working days over 4 dossiers = 2.5 (a mean of the row means would say 2)
    expect(subs.find((s) => s.level === 'commune')!.indicators!.averageProcessingWorkingDays).toBe(2.5);
  });

  it('countsOfBlocks inverts reportBlocks', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(1000), { minLength: 17, maxLength: 17 }), (ns) => {
        const c = emptyCounts();
        (Object.keys(c) as (keyof typeof c)[]).forEach((k, i) => (c[k] = ns[i]));
        expect(countsOfBlocks(reportBlocks(c))).toEqual(c);
      }),
    );
  });
});
