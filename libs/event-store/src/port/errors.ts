import { ExpectedRevision } from './options';

/** The stream's revision was not the one the writer expected (optimistic concurrency). */
export class WrongExpectedRevisionError extends Error {
  readonly code = 'wrong-expected-revision';
  constructor(
    readonly stream: string,
    readonly expected: ExpectedRevision,
    /** The stream's current revision, or `'no-stream'` when it does not exist. */
    readonly actual: bigint | 'no-stream',
  ) {
    super(`Stream "${stream}": expected revision ${String(expected)}, but the stream is at ${String(actual)}`);
    this.name = 'WrongExpectedRevisionError';
  }
}

/** The store could not be reached or did not answer in time. Safe to retry reads. */
export class EventStoreUnavailableError extends Error {
  readonly code = 'event-store-unavailable';
  constructor(
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'EventStoreUnavailableError';
  }
}

/** EVENT_STORE_URL is missing or not understood. */
export class EventStoreConfigError extends Error {
  readonly code = 'event-store-config';
  constructor(message: string) {
    super(message);
    this.name = 'EventStoreConfigError';
  }
}
