import { Column, fmtInt, fmtMs, markdownTable } from './markdown';

/** One measured configuration: what every benchmark returns, one row of a report table. */
export interface BenchRow {
  /** What ran the operation: `pglite`, `postgres`, `memory`... */
  target: string;
  /** What was measured, e.g. `append, single events`. */
  scenario: string;
  /** Concurrent async loops issuing operations. */
  writers?: number;
  /** Events per operation (1: one event per append). */
  batchSize?: number;
  /** Operations timed (appends, pages read...). */
  operations: number;
  /** Events written or read by those operations. */
  events: number;
  /** Wall time of the timed part (ms). */
  ms: number;
  opsPerSec: number;
  eventsPerSec: number;
  /** Latency of one operation (ms). */
  p50Ms?: number;
  p99Ms?: number;
  note?: string;
}

export const BENCH_COLUMNS: Column<BenchRow>[] = [
  { header: 'Store', value: (r) => r.target },
  { header: 'Scenario', value: (r) => r.scenario },
  { header: 'Writers', align: 'right', value: (r) => (r.writers === undefined ? '–' : String(r.writers)) },
  { header: 'Events/op', align: 'right', value: (r) => (r.batchSize === undefined ? '–' : fmtInt(r.batchSize)) },
  { header: 'Events', align: 'right', value: (r) => fmtInt(r.events) },
  { header: 'Time (s)', align: 'right', value: (r) => (r.ms / 1000).toFixed(1) },
  { header: 'Events/s', align: 'right', value: (r) => fmtInt(r.eventsPerSec) },
  { header: 'Ops/s', align: 'right', value: (r) => fmtInt(r.opsPerSec) },
  { header: 'p50 (ms)', align: 'right', value: (r) => fmtMs(r.p50Ms) },
  { header: 'p99 (ms)', align: 'right', value: (r) => fmtMs(r.p99Ms) },
  { header: 'Notes', value: (r) => r.note ?? '' },
];

export function benchTable(rows: BenchRow[]): string {
  return markdownTable(BENCH_COLUMNS, rows);
}
