import { RecordedEvent } from '../port/events';
import { eventHash, GENESIS_HASH } from './hash';

export interface BrokenLink {
  stream: string;
  revision: string;
  eventId: string;
  type: string;
  reason: string;
}

export interface ChainVerifier {
  /** Feed events of any streams, each stream in revision order. */
  add(e: Pick<RecordedEvent, 'id' | 'stream' | 'revision' | 'type' | 'data' | 'metadata'>): BrokenLink | undefined;
  readonly checked: number;
  readonly streams: number;
  readonly firstBroken: BrokenLink | undefined;
}

/**
 * Walks hash chains: for each stream, every event's `prevHash` must be the previous event's hash,
 * revisions must follow each other from 0, and the stored hash must equal the recomputed one. The
 * first broken link is kept (the walk goes on, to count).
 */
export function createChainVerifier(): ChainVerifier {
  const last = new Map<string, { hash: string; revision: bigint }>();
  let checked = 0;
  let firstBroken: BrokenLink | undefined;
  return {
    add(e) {
      checked++;
      const prev = last.get(e.stream);
      const expectedRevision = prev ? prev.revision + 1n : 0n;
      const expectedPrev = prev?.hash ?? GENESIS_HASH;
      const link = (reason: string): BrokenLink => ({ stream: e.stream, revision: e.revision.toString(), eventId: e.id, type: e.type, reason });
      let broken: BrokenLink | undefined;
      const stored = e.metadata.hash as string | undefined;
      if (e.revision !== expectedRevision)
        broken = link(`revision ${e.revision} follows ${prev ? prev.revision : 'nothing'}: an event is missing or out of order`);
      else if (!stored) broken = link('the event carries no hash');
      else if ((e.metadata.prevHash ?? GENESIS_HASH) !== expectedPrev) broken = link('its prevHash is not the hash of the previous event of the stream');
      else if (eventHash(e, expectedPrev) !== stored) broken = link('its content does not match its hash (the event was altered)');
      last.set(e.stream, { hash: stored ?? '', revision: e.revision });
      if (broken && !firstBroken) firstBroken = broken;
      return broken;
    },
    get checked() {
      return checked;
    },
    get streams() {
      return last.size;
    },
    get firstBroken() {
      return firstBroken;
    },
  };
}
