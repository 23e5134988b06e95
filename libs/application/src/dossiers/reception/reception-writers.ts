import { decide, DossierEvent, DossierState, initialDossierState } from '@motcua/domain';
import { WrongExpectedRevisionError } from '@motcua/event-store/port';
import { CommandContext } from '../../context';
import { DuplicateError, VersionConflictError } from '../../errors';
import { DossierCodeAllocator } from '../code-allocator';
import { DossierRepository } from '../dossier-repository';
import { placeholderCode, Reception, receptionCommand } from './reception';

const CODE_ATTEMPTS = 200;

/** What writing a reception came to: its events were appended with a fresh code, or the dossier id was taken. */
export type Written = { events: DossierEvent[] } | { taken: DossierState | undefined };

/** Allocates a reception's code and appends the dossier's first events. */
export interface ReceptionWriter {
  write(r: Reception, ctx: CommandContext): Promise<Written>;
}

/** The writer the repository's store supports: one transaction for code and dossier when it can. */
export function receptionWriter(repository: DossierRepository, codes: DossierCodeAllocator): ReceptionWriter {
  return repository.store.appendMany ? new AtomicReceptionWriter(repository, codes) : new SequentialReceptionWriter(repository, codes);
}

/** The decider's verdict before any code is used up: a refused reception throws here. */
function refuseEarly(r: Reception, ctx: CommandContext): void {
  decide(receptionCommand(r, placeholderCode(r)), initialDossierState, ctx.now);
}

/**
 * The code and the dossier in one transaction: no code is ever used up by a reception that did
 * not happen, and (the counter's head being remembered) usually one statement in all. Another
 * process taking the planned number makes it plan again (bounded, with jitter).
 */
export class AtomicReceptionWriter implements ReceptionWriter {
  constructor(
    private readonly repository: DossierRepository,
    private readonly codes: DossierCodeAllocator,
  ) {}

  async write(r: Reception, ctx: CommandContext): Promise<Written> {
    refuseEarly(r, ctx);
    for (let attempt = 0; attempt < CODE_ATTEMPTS; attempt++) {
      const planned = await this.codes.plan(r.unit.code, r.unit.timeZone, r.occurredAt, r.id, ctx);
      let outcome: 'committed' | 'conflicted' | 'failed' = 'failed';
      let clash = false;
      let events: DossierEvent[] = [];
      try {
        events = decide(receptionCommand(r, planned.code), initialDossierState, ctx.now);
        await this.repository.store.appendMany!([planned.part, this.repository.newStream(r.id, events, ctx)]);
        outcome = 'committed';
      } catch (err) {
        if (!(err instanceof WrongExpectedRevisionError)) throw err;
        if (err.stream === planned.part.stream)
          outcome = 'conflicted'; // another process took this number
        else clash = true; // the dossier id exists (nothing was written; the counter is as it was)
      } finally {
        planned.settle(clash ? 'failed' : outcome);
      }
      if (outcome === 'committed') return { events };
      if (clash) return { taken: undefined };
      await new Promise((res) => setTimeout(res, Math.random() * Math.min(2 + attempt * 2, 50)));
    }
    throw new VersionConflictError(`Could not allocate a dossier code for unit ${r.unit.code}: too much contention, retry`, 0);
  }
}

/** Stores without multi-stream appends: read the id, allocate a code, then append the dossier. */
export class SequentialReceptionWriter implements ReceptionWriter {
  constructor(
    private readonly repository: DossierRepository,
    private readonly codes: DossierCodeAllocator,
  ) {}

  async write(r: Reception, ctx: CommandContext): Promise<Written> {
    const existing = await this.repository.load(r.id);
    if (existing.state.status !== 'none') return { taken: existing.state };
    refuseEarly(r, ctx); // before allocating, so that a refused reception does not consume a code
    const code = await this.codes.allocate(r.unit.code, r.unit.timeZone, r.occurredAt, r.id, ctx);
    const events = decide(receptionCommand(r, code), initialDossierState, ctx.now);
    try {
      await this.repository.append(r.id, events, 'no-stream', ctx);
    } catch (err) {
      if (err instanceof WrongExpectedRevisionError) throw new DuplicateError(`Dossier id ${r.id} was received concurrently`);
      throw err;
    }
    return { events };
  }
}
