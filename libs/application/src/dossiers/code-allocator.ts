import { randomUUID } from 'node:crypto';
import { localDateOf } from '@motcua/domain';
import { EventStore, EventToAppend, StreamAppend, WrongExpectedRevisionError } from '@motcua/event-store/port';
import { CommandContext } from '../context';
import { eventMetadata } from '../event-metadata';
import { VersionConflictError } from '../errors';

/**
 * Dossier codes `<unit code>-<YYMMDD>-<NNNN>` (Thông tư 01/2018 Art. 19): NNNN counts the
 * receptions of one unit on one local day. Each day of each unit has a small counter stream
 * (`code-counter-<unit>-<YYMMDD>`); a code is the revision at which the allocation was appended
 * with an exact expected revision, so two concurrent receptions can never get the same number and
 * numbers are consecutive. The allocation names the dossier: a retried reception of the same
 * dossier id gets its code back instead of a new one.
 */
/** The counter a reception at `receivedAt` takes its number from: one stream per unit and local day. */
function codeCounter(unitCode: string, timeZone: string, receivedAt: Date): { day: string; yymmdd: string; stream: string } {
  const day = localDateOf(receivedAt, timeZone); // YYYY-MM-DD
  const yymmdd = day.slice(2, 4) + day.slice(5, 7) + day.slice(8, 10);
  return { day, yymmdd, stream: `code-counter-${unitCode}-${yymmdd}` };
}

/** The code-counter stream of a reception of `unitCode` (in `timeZone`) at `receivedAt`. */
export function codeCounterStream(unitCode: string, timeZone: string, receivedAt: Date): string {
  return codeCounter(unitCode, timeZone, receivedAt).stream;
}

export class DossierCodeAllocator {
  /** Last revision seen of recent counter streams (`undefined`: none yet), so as not to re-read them. */
  private readonly heads = new Map<string, bigint | undefined>();

  constructor(
    private readonly store: EventStore,
    private readonly maxAttempts = 200,
    private readonly maxHeads = 5_000,
  ) {}

  /** Per counter stream, the tail of the queue of receptions planning a code (in this process). */
  private readonly queues = new Map<string, Promise<void>>();

  /**
   * The next code of the unit's day, as an append to commit together with the dossier's own events
   * (one multi-stream append). The caller commits `part` with the reception, then calls
   * `settle('committed')`, or `settle('conflicted')` if the counter moved meanwhile (and plans
   * again), or `settle('failed')`; it must call `settle` once whatever happens. The counter's head is
   * remembered between receptions, so a steady stream of receptions reads it only once; receptions
   * of one unit and day in this process take their turn (one commit each) instead of racing for
   * the same number (another process can still race: the exact expected revision catches it).
   */
  async plan(unitCode: string, timeZone: string, receivedAt: Date, dossierId: string, ctx: CommandContext): Promise<PlannedCode> {
    const { day, yymmdd, stream } = codeCounter(unitCode, timeZone, receivedAt);
    const before = this.queues.get(stream) ?? Promise.resolve();
    let release!: () => void;
    const turn = new Promise<void>((r) => (release = r));
    const tail = before.then(() => turn);
    this.queues.set(stream, tail);
    let settled = false;
    const settle = (outcome: 'committed' | 'conflicted' | 'failed', next?: bigint) => {
      if (settled) return;
      settled = true;
      if (outcome === 'committed') this.remember(stream, next!);
      else this.heads.delete(stream);
      release();
      if (this.queues.get(stream) === tail) this.queues.delete(stream);
    };
    await before;
    try {
      let current: bigint | undefined;
      if (this.heads.has(stream)) current = this.heads.get(stream);
      else current = (await this.store.readStream(stream, { direction: 'backwards', limit: 1 }))[0]?.revision;
      const seq = current === undefined ? 1 : Number(current) + 2;
      const event = allocationEvent(dossierId, unitCode, day, seq, receivedAt, ctx);
      return {
        code: format(unitCode, yymmdd, seq),
        part: { stream, events: [event], expectedRevision: current ?? 'no-stream' },
        settle: (outcome) => settle(outcome, current === undefined ? 0n : current + 1n),
      };
    } catch (err) {
      settle('failed');
      throw err;
    }
  }

  private remember(stream: string, revision: bigint): void {
    this.heads.delete(stream);
    this.heads.set(stream, revision);
    if (this.heads.size > this.maxHeads) this.heads.delete(this.heads.keys().next().value!);
  }

  async allocate(unitCode: string, timeZone: string, receivedAt: Date, dossierId: string, ctx: CommandContext): Promise<string> {
    const { day, yymmdd, stream } = codeCounter(unitCode, timeZone, receivedAt);
    for (let attempt = 0; attempt < this.maxAttempts; attempt++) {
      const existing = await this.store.readStream(stream, { direction: 'backwards', limit: 50 });
      const mine = existing.find((e) => (e.data as { dossierId: string }).dossierId === dossierId);
      if (mine) return format(unitCode, yymmdd, Number(mine.revision) + 1);
      const current = existing[0]?.revision;
      const seq = current === undefined ? 1 : Number(current) + 2;
      try {
        await this.store.append(stream, [allocationEvent(dossierId, unitCode, day, seq, receivedAt, ctx)], { expectedRevision: current ?? 'no-stream' });
        return format(unitCode, yymmdd, seq);
      } catch (err) {
        if (!(err instanceof WrongExpectedRevisionError)) throw err;
        // another reception took this number: back off a little (jitter) and take the next one
        await new Promise((r) => setTimeout(r, Math.random() * Math.min(2 + attempt * 2, 50)));
      }
    }
    throw new VersionConflictError(`Could not allocate a dossier code for unit ${unitCode} on ${day}: too much contention, retry`, 0);
  }
}

export interface PlannedCode {
  code: string;
  part: StreamAppend;
  /** Ends this reception's turn on the counter (call exactly once). */
  settle(outcome: 'committed' | 'conflicted' | 'failed'): void;
}

function allocationEvent(dossierId: string, unitCode: string, day: string, sequence: number, receivedAt: Date, ctx: CommandContext): EventToAppend {
  return {
    id: randomUUID(),
    type: 'DossierCodeAllocated',
    data: { dossierId, unitCode, day, sequence },
    metadata: eventMetadata({ ...ctx, actor: { id: ctx.actor.id, name: ctx.actor.name } }, { occurredAt: receivedAt, schemaVersion: 1 }),
  };
}

function format(unitCode: string, yymmdd: string, seq: number): string {
  return `${unitCode}-${yymmdd}-${String(seq).padStart(4, '0')}`;
}
