/** Side-by-side rows: one figure, ours against a peer's, with the ratio. */
import { fmtInt, fmtMs, markdownTable } from '../support';

export interface PeerRow {
  scenario: string;
  metric: string;
  ours: number;
  peer: number;
  /** 'higher' when a bigger figure is better (throughput), 'lower' for latencies and sizes. */
  better: 'higher' | 'lower';
  unit: 'int' | 'ms' | 'bytes';
  note?: string;
}

const fmt = (v: number, unit: PeerRow['unit']) => (!Number.isFinite(v) ? '–' : unit === 'ms' ? fmtMs(v) : fmtInt(v));

/** Ratio ours ÷ peer, and who wins. */
export function ratioText(r: PeerRow): string {
  if (!(r.ours > 0) || !(r.peer > 0)) return '–';
  const x = r.ours / r.peer;
  const wins = r.better === 'higher' ? x >= 1 : x <= 1;
  return `${x >= 10 || x < 0.1 ? x.toPrecision(2) : x.toFixed(2)}× (${wins ? 'ours better' : 'peer better'})`;
}

export function peerTable(peerName: string, rows: readonly PeerRow[]): string {
  return markdownTable<PeerRow>(
    [
      { header: 'Scenario', value: (r) => r.scenario },
      { header: 'Figure', value: (r) => r.metric },
      { header: 'Ours', align: 'right', value: (r) => fmt(r.ours, r.unit) },
      { header: peerName, align: 'right', value: (r) => fmt(r.peer, r.unit) },
      { header: 'Ours ÷ peer', align: 'right', value: ratioText },
      { header: 'Notes', value: (r) => r.note ?? '' },
    ],
    [...rows],
  );
}
