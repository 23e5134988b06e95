import { randomUUID } from 'node:crypto';
import { EventStore, merkleRoot, Position, RecordedEvent } from '@motcua/event-store/audit-api';
import { eventMetadata } from '../event-metadata';

export const ANCHOR_STREAM_PREFIX = 'audit-anchor-';
export const anchorStream = (day: string) => `${ANCHOR_STREAM_PREFIX}${day}`;

export interface LogAnchor {
  day: string;
  /** Events recorded that (UTC) day, excluding anchors themselves. */
  events: number;
  root: string;
  firstEventId?: string;
  lastEventId?: string;
}

export interface AnchorCheck {
  day: string;
  ok: boolean;
  anchored?: LogAnchor;
  recomputed: LogAnchor;
}

/**
 * The daily anchor over the global log: a Merkle root of the hashes of every event recorded on a
 * day, in log order, stored as its own event (`LogAnchored`). Per-stream chains catch an edited or
 * reordered event; the anchor also catches a deleted one (even the last of its stream) or one
 * slipped in afterwards with an old recorded time.
 */
export class AnchorService {
  constructor(private readonly store: EventStore) {}

  async compute(day: string): Promise<LogAnchor> {
    const start = Date.parse(`${day}T00:00:00Z`);
    const end = start + 86_400_000;
    const leaves: string[] = [];
    let first: RecordedEvent | undefined;
    let last: RecordedEvent | undefined;
    let from: Position | undefined;
    for (;;) {
      const page = await this.store.readAll({ fromPosition: from, limit: 5_000 });
      for (const e of page) {
        const t = Date.parse(e.recordedAt);
        if (t < start || t >= end || e.stream.startsWith(ANCHOR_STREAM_PREFIX)) continue;
        leaves.push(String(e.metadata.hash ?? ''));
        first ??= e;
        last = e;
      }
      if (page.length < 5_000) break;
      from = page[page.length - 1].position;
    }
    return { day, events: leaves.length, root: merkleRoot(leaves), firstEventId: first?.id, lastEventId: last?.id };
  }

  /** Anchors a finished day once (a second call returns the existing anchor). */
  async anchor(day: string, now: Date): Promise<LogAnchor> {
    const existing = await this.stored(day);
    if (existing) return existing;
    if (Date.parse(`${day}T00:00:00Z`) + 86_400_000 > now.getTime()) throw new Error(`Day ${day} is not over yet (UTC): anchor it tomorrow`);
    const a = await this.compute(day);
    const id = randomUUID();
    await this.store
      .append(
        anchorStream(day),
        [
          {
            id,
            type: 'LogAnchored',
            data: a,
            metadata: eventMetadata({ actor: { id: 'system:audit' }, correlationId: id, causationId: id }, { occurredAt: now, schemaVersion: 1 }),
          },
        ],
        { expectedRevision: 'no-stream' },
      )
      .catch(async (err) => {
        if ((await this.stored(day)) === undefined) throw err; // a concurrent anchor won: fine
      });
    return (await this.stored(day)) ?? a;
  }

  async stored(day: string): Promise<LogAnchor | undefined> {
    const [e] = await this.store.readStream(anchorStream(day), { limit: 1 });
    return e ? (e.data as LogAnchor) : undefined;
  }

  async check(day: string): Promise<AnchorCheck> {
    const anchored = await this.stored(day);
    const recomputed = await this.compute(day);
    return { day, ok: !!anchored && anchored.root === recomputed.root && anchored.events === recomputed.events, anchored, recomputed };
  }
}
