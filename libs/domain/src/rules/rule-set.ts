/**
 * Rule sets by reception date (issue #14). A dossier is handled under the rules in force on the
 * local date (the unit's time zone) it was received, never under today's rules applied to the past:
 *
 * - **'2018'**: Nghị định 61/2018/NĐ-CP (one-stop work), forms of Thông tư 01/2018/TT-VPCP
 *   (Mẫu 01–06).
 * - **'2025'**: Nghị định 118/2025/NĐ-CP, which replaces Nghị định 61/2018 from 1 July 2025
 *   (two-tier local government), forms of Thông tư 03/2025/TT-VPCP (Mẫu 01–07).
 *
 * The switch dates are settings (platform config, README "Configuration"):
 * - `RULES_2025_FROM` (default 2025-07-01): first local date of rule set '2025'; source: the date
 *   Nghị định 118/2025/NĐ-CP takes effect (1 July 2025).
 * - `TT03_2025_FORMS_FROM` (default 2025-07-01): first local date on which a '2025' dossier is
 *   printed on the Thông tư 03/2025 forms. **UNVERIFIED**: the effective date of Thông tư
 *   03/2025/TT-VPCP could not be checked against the official text; 1 July 2025 (the decree's
 *   date) is assumed. A '2025' dossier received before it keeps the Thông tư 01/2018 forms (the
 *   only ones in force then). It may not be earlier than `RULES_2025_FROM`.
 *
 * The rule set is frozen into `DossierReceived.ruleSet` at reception; events recorded before it
 * existed are given one from their `receivedAt` ({@link ruleSetOfReception}).
 */
import type { LocalDate } from '../shared/types';
import { localDateOf } from '../time';

export type RuleSetId = '2018' | '2025';
export const RULE_SET_IDS: readonly RuleSetId[] = ['2018', '2025'];

/** The form sets: Thông tư 01/2018/TT-VPCP and Thông tư 03/2025/TT-VPCP. */
export type FormSetId = 'TT01/2018' | 'TT03/2025';

/** The named switch dates (local dates, YYYY-MM-DD). */
export interface RuleSetSwitches {
  /** RULES_2025_FROM: Nghị định 118/2025/NĐ-CP in force (source: the decree, effective 1 July 2025). */
  rules2025From: LocalDate;
  /** TT03_2025_FORMS_FROM: forms of Thông tư 03/2025/TT-VPCP in use. UNVERIFIED effective date (assumed 1 July 2025). */
  tt03FormsFrom: LocalDate;
}

export const DEFAULT_RULES_2025_FROM: LocalDate = '2025-07-01';
/** UNVERIFIED: the effective date of Thông tư 03/2025/TT-VPCP is assumed to be that of Nghị định 118/2025. */
export const DEFAULT_TT03_2025_FORMS_FROM: LocalDate = '2025-07-01';

export const DEFAULT_RULE_SET_SWITCHES: Readonly<RuleSetSwitches> = Object.freeze({
  rules2025From: DEFAULT_RULES_2025_FROM,
  tt03FormsFrom: DEFAULT_TT03_2025_FORMS_FROM,
});

/** What a rule set is made of. */
export interface RuleSet {
  id: RuleSetId;
  /** The decree on one-stop work, as cited on the forms. */
  decree: string;
  /** The circular whose forms the rule set uses (once in force, see TT03_2025_FORMS_FROM). */
  circular: string;
  formSet: FormSetId;
}

export const RULE_SETS: Readonly<Record<RuleSetId, RuleSet>> = {
  '2018': {
    id: '2018',
    decree: 'Nghị định số 61/2018/NĐ-CP ngày 23 tháng 4 năm 2018 của Chính phủ',
    circular: 'Thông tư số 01/2018/TT-VPCP',
    formSet: 'TT01/2018',
  },
  '2025': {
    id: '2025',
    decree: 'Nghị định số 118/2025/NĐ-CP của Chính phủ',
    circular: 'Thông tư số 03/2025/TT-VPCP',
    formSet: 'TT03/2025',
  },
};

export function isRuleSetId(value: unknown): value is RuleSetId {
  return value === '2018' || value === '2025';
}

/** The rule set of a dossier received at `at`, by the local date in `timeZone` (00:00 local on the switch date is '2025'). */
export function ruleSetOn(at: Date, timeZone: string, switches: RuleSetSwitches = DEFAULT_RULE_SET_SWITCHES): RuleSetId {
  return localDateOf(at, timeZone) >= switches.rules2025From ? '2025' : '2018';
}

/** The rule set of a reception: the frozen one, else (events older than the field) derived from `receivedAt`. */
export function ruleSetOfReception(
  received: { ruleSet?: RuleSetId; receivedAt: string; timeZone: string },
  switches: RuleSetSwitches = DEFAULT_RULE_SET_SWITCHES,
): RuleSetId {
  return received.ruleSet ?? ruleSetOn(new Date(received.receivedAt), received.timeZone, switches);
}

/**
 * The forms a dossier is printed on: those of its rule set, except a '2025' dossier received before
 * TT03_2025_FORMS_FROM, which keeps the Thông tư 01/2018 forms.
 */
export function formSetOf(ruleSet: RuleSetId, receivedAt: Date, timeZone: string, switches: RuleSetSwitches = DEFAULT_RULE_SET_SWITCHES): FormSetId {
  if (ruleSet === '2018') return 'TT01/2018';
  return localDateOf(receivedAt, timeZone) >= switches.tt03FormsFrom ? 'TT03/2025' : 'TT01/2018';
}

/** Checks a pair of switch dates; returns the problems (empty when fine). */
export function ruleSetSwitchProblems(s: RuleSetSwitches): string[] {
  return s.tt03FormsFrom < s.rules2025From ? [`TT03_2025_FORMS_FROM (${s.tt03FormsFrom}) may not be earlier than RULES_2025_FROM (${s.rules2025From})`] : [];
}
