import { WrongExpectedRevisionError } from './errors';
import { ExpectedRevision, StreamAppend } from './options';

/** Does `expected` hold for a stream whose last revision is `current` (undefined: no stream)? */
export function expectationHolds(expected: ExpectedRevision, current: bigint | undefined): boolean {
  if (expected === 'any') return true;
  if (expected === 'no-stream') return current === undefined;
  if (expected === 'stream-exists') return current !== undefined;
  return current === expected;
}

/**
 * Walks the parts of a multi-stream append in order, checking each part's expectation against
 * the revision its stream will have when the part is applied (`current` gives the stored
 * revisions). Throws `WrongExpectedRevisionError` for the first part that fails. Returns the first
 * revision each part's events get and each stream's last stored revision.
 */
export function planAppendMany(
  appends: readonly StreamAppend[],
  current: (stream: string) => bigint | undefined,
): { firstRevisions: bigint[]; stored: Map<string, bigint | undefined> } {
  const running = new Map<string, bigint | undefined>();
  const stored = new Map<string, bigint | undefined>();
  const firstRevisions: bigint[] = [];
  for (const part of appends) {
    if (!running.has(part.stream)) {
      const c = current(part.stream);
      running.set(part.stream, c);
      stored.set(part.stream, c);
    }
    const now = running.get(part.stream);
    const expected = part.expectedRevision ?? 'any';
    if (!expectationHolds(expected, now)) throw new WrongExpectedRevisionError(part.stream, expected, now ?? 'no-stream');
    firstRevisions.push(now === undefined ? 0n : now + 1n);
    if (part.events.length > 0) running.set(part.stream, (now ?? -1n) + BigInt(part.events.length));
  }
  return { firstRevisions, stored };
}
