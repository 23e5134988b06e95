import { createHash } from 'node:crypto';
import { EventMetadata } from '../port/events';

/** The hash of the first event of a stream points at this. */
export const GENESIS_HASH = '0'.repeat(64);

/** JSON with sorted keys and no `undefined` members: the same value always hashes the same. */
export function canonical(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = sortKeys(v);
    }
    return out;
  }
  return value;
}

export interface HashInput {
  id: string;
  stream: string;
  revision: bigint;
  type: string;
  data: unknown;
  metadata: EventMetadata;
}

/** Metadata members that the hash itself lives in (not hashed). */
const HASH_FIELDS = ['hash', 'prevHash'];

/**
 * sha256 over the event's id, stream, revision, type, data, metadata (minus the hash fields) and
 * the previous event's hash in the same stream. `recordedAt` is stamped by the store after the
 * hash is computed, so it is not covered (the daily anchor covers the order of the log).
 */
export function eventHash(e: HashInput, prevHash: string): string {
  const metadata: Record<string, unknown> = { ...e.metadata };
  for (const f of HASH_FIELDS) delete metadata[f];
  return createHash('sha256')
    .update(canonical({ id: e.id, stream: e.stream, revision: e.revision.toString(), type: e.type, data: e.data, metadata, prevHash }))
    .digest('hex');
}
