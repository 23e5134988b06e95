import { randomUUID } from 'node:crypto';
import { localDateOf } from '@motcua/domain';
import { EventStore, WrongExpectedRevisionError } from '@motcua/event-store/port';
import { CommandContext } from '../context';
import { VersionConflictError } from '../errors';

/**
 * Dossier codes `<unit code>-<YYMMDD>-<NNNN>` (Thông tư 01/2018 Art. 19): NNNN counts the
 * receptions of one unit on one local day. Each day of each unit has a small counter stream
 * (`code-counter-<unit>-<YYMMDD>`); a code is the revision at which the allocation was appended
 * with an exact expected revision, so two concurrent receptions can never get the same number and
 * numbers are consecutive. The allocation names the dossier: a retried reception of the same
 * dossier id gets its code back instead of a new one.
 */
export class DossierCodeAllocator {
  constructor(
    private readonly store: EventStore,
    private readonly maxAttempts = 200,
  ) {}

  async allocate(unitCode: string, timeZone: string, receivedAt: Date, dossierId: string, ctx: CommandContext): Promise<string> {
    const day = localDateOf(receivedAt, timeZone); // YYYY-MM-DD
    const yymmdd = day.slice(2, 4) + day.slice(5, 7) + day.slice(8, 10);
    const stream = `code-counter-${unitCode}-${yymmdd}`;
    for (let attempt = 0; attempt < this.maxAttempts; attempt++) {
      const existing = await this.store.readStream(stream, { direction: 'backwards', limit: 50 });
      const mine = existing.find((e) => (e.data as { dossierId: string }).dossierId === dossierId);
      if (mine) return format(unitCode, yymmdd, Number(mine.revision) + 1);
      const current = existing[0]?.revision;
      const seq = current === undefined ? 1 : Number(current) + 2;
      try {
        await this.store.append(
          stream,
          [
            {
              id: randomUUID(),
              type: 'DossierCodeAllocated',
              data: { dossierId, unitCode, day, sequence: seq },
              metadata: {
                actor: { id: ctx.actor.id, name: ctx.actor.name },
                correlationId: ctx.correlationId,
                causationId: ctx.causationId,
                occurredAt: receivedAt.toISOString(),
                schemaVersion: 1,
              },
            },
          ],
          { expectedRevision: current ?? 'no-stream' },
        );
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

function format(unitCode: string, yymmdd: string, seq: number): string {
  return `${unitCode}-${yymmdd}-${String(seq).padStart(4, '0')}`;
}
