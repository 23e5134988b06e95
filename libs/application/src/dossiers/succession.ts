/**
 * Reorganisation (issue #16; domain.md "Since 1 July 2025"): `POST /units/{code}/succession` closes
 * a unit and passes each of its open dossiers to the successor, one `DossierPassedToSuccessor` event
 * each (the code does not change). Idempotent and resumable: the unit is closed once, and a dossier
 * already passed (or closed meanwhile) gives no event, so a repeat does nothing and a run that
 * stopped midway (a crash) finishes on the next one.
 */
import { instantAt } from '@motcua/domain';
import { CommandContext } from '../context';
import { ReferenceService } from '../reference/reference-service';
import { DossierService } from './dossier-service';

export interface SuccessionResult {
  unitCode: string;
  successorCode: string;
  effectiveDate: string;
  validTo: string;
  /** Dossiers passed by this run (0 on a repeat). */
  passed: number;
  dossierIds: string[];
}

export class UnitSuccession {
  constructor(
    private readonly reference: ReferenceService,
    private readonly dossiers: DossierService,
    /** The open dossiers whose competent unit is now `unitCode` (the read model). */
    private readonly openDossiersOf: (unitCode: string) => Promise<string[]>,
  ) {}

  async execute(code: string, successorCode: string, effectiveDate: string, ctx: CommandContext): Promise<SuccessionResult> {
    const { unit, successor } = await this.reference.closeForSuccession(code, successorCode, effectiveDate, ctx);
    const passed: string[] = [];
    // business time of each hand-over: the successor's first day (its local midnight), or the
    // dossier's last step if later, never after now
    const start = instantAt(effectiveDate, '00:00', successor.timeZone).getTime();
    for (const id of await this.openDossiersOf(code)) {
      const view = await this.dossiers.getDossier(id, ctx);
      const at = new Date(Math.min(ctx.now.getTime(), Math.max(start, Date.parse(view.lastOccurredAt))));
      const action = { action: 'pass-to-successor' as const, fromUnitCode: code, toUnitCode: successorCode, effectiveDate };
      const r = await this.dossiers.execute(id, action, { ...ctx, occurredAt: at, expectedVersion: undefined });
      if (r.appended > 0) passed.push(id);
    }
    return { unitCode: code, successorCode, effectiveDate, validTo: unit.validTo!, passed: passed.length, dossierIds: passed };
  }
}
