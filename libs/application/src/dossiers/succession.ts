/**
 * Reorganisation (issue #16; domain.md "Since 1 July 2025"): `POST /units/{code}/succession` closes
 * a unit and passes each of its open dossiers to the successor, one `DossierPassedToSuccessor` event
 * each (the code does not change). Idempotent and resumable: the unit is closed once, and a dossier
 * already passed (or closed meanwhile) gives no event, so a repeat does nothing and a run that
 * stopped midway (a crash) finishes on the next one.
 */
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
    const { unit } = await this.reference.closeForSuccession(code, successorCode, effectiveDate, ctx);
    const passed: string[] = [];
    for (const id of await this.openDossiersOf(code)) {
      const r = await this.dossiers.execute(
        id,
        { action: 'pass-to-successor', fromUnitCode: code, toUnitCode: successorCode, effectiveDate },
        { ...ctx, occurredAt: undefined, expectedVersion: undefined },
      );
      if (r.appended > 0) passed.push(id);
    }
    return { unitCode: code, successorCode, effectiveDate, validTo: unit.validTo!, passed: passed.length, dossierIds: passed };
  }
}
