/**
 * Pure conversions between the port's types and `@eventstore/db-client` v6 types.
 * No I/O here: everything is unit-tested without a server.
 */
import { ANY, END, eventTypeFilter, excludeSystemEvents, NO_STREAM, START as ESDB_START, STREAM_EXISTS, streamNameFilter } from '@eventstore/db-client';
import type {
  AllStreamSubscription,
  AppendExpectedRevision,
  Filter,
  Position as EsdbPosition,
  ReadPosition,
  ReadRevision,
  RecordedEvent as EsdbRecordedEvent,
} from '@eventstore/db-client';
import { EventMetadata, RecordedEvent } from '../../port/events';
import { AllFilter, Direction, ExpectedRevision, matchesFilter } from '../../port/options';
import { comparePositions, Position } from '../../port/position';

/** Port expected revision → client expected revision (default `any`). */
export function toEsdbExpectedRevision(expected: ExpectedRevision | undefined): AppendExpectedRevision {
  switch (expected) {
    case undefined:
    case 'any':
      return ANY;
    case 'no-stream':
      return NO_STREAM;
    case 'stream-exists':
      return STREAM_EXISTS;
    default:
      return expected;
  }
}

/**
 * The client's "actual revision" of a `WrongExpectedVersionError` → the port's: `no_stream`,
 * a negative number or nothing mean the stream does not exist.
 */
export function fromEsdbActualRevision(actual: unknown): bigint | 'no-stream' {
  if (typeof actual === 'bigint') return actual < 0n ? 'no-stream' : actual;
  if (typeof actual === 'number' && Number.isInteger(actual)) return actual < 0 ? 'no-stream' : BigInt(actual);
  if (typeof actual === 'string' && /^-?\d+$/.test(actual)) return fromEsdbActualRevision(BigInt(actual));
  return 'no-stream';
}

/** True for the client's WrongExpectedVersionError (checked by its `type`, not `instanceof`). */
export function isWrongExpectedVersion(err: unknown): err is { actualVersion: unknown } {
  return !!err && (err as { type?: unknown }).type === 'wrong-expected-version';
}

/** True for the client's StreamNotFoundError (an unknown or soft-deleted stream). */
export function isStreamNotFound(err: unknown): boolean {
  return !!err && (err as { type?: unknown }).type === 'stream-not-found';
}

/** Port position (exclusive checkpoint) → where the client starts reading; START when absent. */
export function toEsdbReadPosition(position: Position | undefined): ReadPosition {
  if (!position || position.commit < 0n || position.prepare < 0n) return ESDB_START;
  return { commit: position.commit, prepare: position.prepare };
}

/**
 * For an event whose global position the server did not give: some server versions send
 * none, or 2^64-1, for events read from a stream (the stream index does not hold it; `$all`
 * reads always carry it).
 */
export const UNKNOWN_POSITION: Position = Object.freeze({ commit: -1n, prepare: -1n });

const NO_POSITION = 2n ** 63n; // unsigned "-1" (2^64-1) and anything else that is not a real offset

export function fromEsdbPosition(position: EsdbPosition | undefined): Position {
  if (!position) return UNKNOWN_POSITION;
  const commit = BigInt(position.commit);
  const prepare = BigInt(position.prepare);
  if (commit < 0n || prepare < 0n || commit >= NO_POSITION || prepare >= NO_POSITION) return UNKNOWN_POSITION;
  return { commit, prepare };
}

/** Strictly after `from` (no `from` = everything): the port's exclusive semantics. */
export function isAfter(position: Position, from: Position | undefined): boolean {
  return !from || from.commit < 0n || comparePositions(position, from) > 0;
}

/** Where a stream read starts: the given revision, else the first (forwards) or last (backwards). */
export function toEsdbReadRevision(fromRevision: bigint | undefined, direction: Direction | undefined): ReadRevision {
  if (fromRevision !== undefined) return fromRevision < 0n ? ESDB_START : fromRevision;
  return direction === 'backwards' ? END : ESDB_START;
}

/** EventStoreDB's own events: `$`-types (`$metadata`, `$>` links, `$statsCollected`...) and `$`-streams. */
export function isSystemEvent(stream: string, type: string): boolean {
  return stream.startsWith('$') || type.startsWith('$');
}

/** Whether readAll/subscribeAll may hand this event out. */
export function isVisible(stream: string, type: string, filter: AllFilter | undefined): boolean {
  return !isSystemEvent(stream, type) && matchesFilter(stream, type, filter);
}

export function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A regex (.NET and JS compatible) matching exactly one of these event types. */
export function eventTypesRegex(types: string[]): string {
  return `^(?:${types.map(escapeRegex).join('|')})$`;
}

export interface ServerFilterPlan {
  /** Filter the server applies to the subscription. */
  server: Filter;
  /** What is left to check client side (besides system events, always skipped). */
  clientSide: AllFilter | undefined;
}

/**
 * Splits the port's filter for `subscribeToAll`: the server filters on one dimension (stream
 * prefixes when given, else event types, else "no `$` event types"); when both dimensions are
 * given, event types are checked client side.
 */
export function toServerFilter(
  filter: AllFilter | undefined,
  checkpointReached?: (subscription: AllStreamSubscription, position: EsdbPosition) => void | Promise<void>,
): ServerFilterPlan {
  const prefixes = filter?.streamPrefixes?.length ? filter.streamPrefixes : undefined;
  const types = filter?.eventTypes?.length ? filter.eventTypes : undefined;
  if (prefixes) {
    return {
      server: streamNameFilter({ prefixes, checkpointReached }),
      clientSide: types ? { eventTypes: types } : undefined,
    };
  }
  if (types) return { server: eventTypeFilter({ regex: eventTypesRegex(types), checkpointReached }), clientSide: undefined };
  return { server: excludeSystemEvents({ checkpointReached }), clientSide: undefined };
}

/** A client recorded event → the port's `RecordedEvent` (`created` → ISO `recordedAt`). */
export function fromEsdbEvent(e: EsdbRecordedEvent): RecordedEvent {
  return {
    id: e.id,
    stream: e.streamId,
    revision: BigInt(e.revision),
    position: fromEsdbPosition(e.position),
    type: e.type,
    data: e.data,
    metadata: (e.metadata ?? {}) as EventMetadata,
    recordedAt: e.created.toISOString(),
  };
}
