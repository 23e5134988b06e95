import { spawnSync } from 'node:child_process';

/** Monotonic clock in milliseconds (sub-microsecond resolution). */
export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** Runs `fn` and returns its result with the elapsed wall time. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const start = nowMs();
  const result = await fn();
  return { result, ms: nowMs() - start };
}

/** Collects latencies (ms) of individual operations, e.g. one append each. */
export class LatencyRecorder {
  private samples: number[] = [];

  /** Times one operation and records its latency. */
  async measure<T>(fn: () => Promise<T>): Promise<T> {
    const start = nowMs();
    const result = await fn();
    this.samples.push(nowMs() - start);
    return result;
  }

  record(ms: number): void {
    this.samples.push(ms);
  }

  /** Merges other recorders (one per concurrent writer) into this one. */
  absorb(...others: LatencyRecorder[]): this {
    for (const o of others) for (const s of o.samples) this.samples.push(s);
    return this;
  }

  get count(): number {
    return this.samples.length;
  }

  values(): readonly number[] {
    return this.samples;
  }
}

/** Runs `n` async loops concurrently, each given its index; resolves when all are done. */
export async function concurrently(n: number, loop: (index: number) => Promise<void>): Promise<void> {
  await Promise.all(Array.from({ length: n }, (_, i) => loop(i)));
}

/**
 * Lets the machine settle between measurements: flushes the OS write-back cache (`sync`, so that
 * dirty pages left by the previous run are not written out during the next one and slow its
 * fsyncs), collects garbage when Node runs with --expose-gc, then pauses briefly.
 */
export async function settle(pauseMs = 300): Promise<void> {
  try {
    spawnSync('sync', { stdio: 'ignore', timeout: 30_000 });
  } catch {
    /* no sync(1) here: carry on */
  }
  (globalThis as { gc?: () => void }).gc?.();
  await new Promise((resolve) => setTimeout(resolve, pauseMs));
}
