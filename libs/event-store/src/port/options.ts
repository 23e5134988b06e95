import { EventToAppend } from './events';
import { Position } from './position';

/** `any`: no check; `no-stream`: the stream must not exist; a number: the last event's revision. */
export type ExpectedRevision = bigint | 'no-stream' | 'any' | 'stream-exists';

export interface AppendOptions {
  expectedRevision?: ExpectedRevision;
}

/** One stream's part of a multi-stream append (`EventStore.appendMany`). */
export interface StreamAppend {
  stream: string;
  events: EventToAppend[];
  expectedRevision?: ExpectedRevision;
}

export interface AppendResult {
  /** Revision of the last event appended. */
  nextExpectedRevision: bigint;
  /** Global position of the last event appended. */
  position: Position;
}

export type Direction = 'forwards' | 'backwards';

export interface ReadStreamOptions {
  /** Inclusive. Default: the first event (forwards) or the last (backwards). */
  fromRevision?: bigint;
  direction?: Direction;
  limit?: number;
}

export interface AllFilter {
  /** Keep events whose stream name starts with one of these. */
  streamPrefixes?: string[];
  /** Keep events of one of these types. */
  eventTypes?: string[];
}

/** The filter applied client side (an empty or missing list means "no condition"). */
export function matchesFilter(stream: string, type: string, filter: AllFilter | undefined): boolean {
  if (filter?.streamPrefixes?.length && !filter.streamPrefixes.some((p) => stream.startsWith(p))) return false;
  if (filter?.eventTypes?.length && !filter.eventTypes.includes(type)) return false;
  return true;
}

export interface ReadAllOptions {
  /** Exclusive: events strictly after this position. Default: the start of the log. */
  fromPosition?: Position;
  limit?: number;
  filter?: AllFilter;
}

export interface SubscribeAllOptions {
  /** Exclusive (a checkpoint: the last position already handled). Default: the start. */
  fromPosition?: Position;
  filter?: AllFilter;
  /** Largest batch handed to the handler at once. */
  batchSize?: number;
}
