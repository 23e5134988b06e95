/**
 * The unit tree as it was over a report period (api-v1 "The report": "the unit and all its
 * descendants (as the tree was in the period)"; domain.md "Units": since 1 July 2025 districts
 * are abolished and communes hang directly from the province, old data still rolls up through
 * the districts).
 *
 * Two pieces of reference data say how the tree changed, and both are honoured:
 *
 * 1. **Effective-dated definitions.** A `PUT /units/{code}` may carry `effectiveFrom` (a local
 *    date): the new definition (e.g. a new `parentCode`) is in force from that date, the previous
 *    one before it. A definition without `effectiveFrom` corrects the definition in force: it
 *    takes the effective date of the one it replaces (the unit's first definition applies from
 *    the beginning). On a date, the definition with the latest effective date on or before it is
 *    in force (on a tie, the one recorded last).
 * 2. **Validity.** A unit is in force from `validFrom` to `validTo` (inclusive, when set). On a
 *    date where a unit's parent is not in force, the unit hangs from the nearest ancestor that is
 *    (so closing a district with `validTo: 2025-06-30` moves its communes under the province from
 *    1 July 2025 without redefining each of them). A unit's own validity never hides its own
 *    dossiers: the report root, and any unit reached through the tree, counts whatever it holds.
 *
 * Over a period the tree can change (a year that straddles 1 July 2025): a unit belongs to the
 * report of `root` when it is in `root`'s subtree on at least one day of the period, and its row
 * (`groupBy=unit`) is the child of `root` it falls under on the last such day. Its dossiers are
 * attributed whole (by unit, not by the reception date of each dossier): over such a straddling
 * period a moved commune counts fully in the report of its old district as well as in that of
 * its new parent.
 */
import type { LocalDate } from '@motcua/domain';
import { addDays } from '@motcua/domain';
import type { UnitDefinition } from './events';

export interface UnitWithHistory {
  code: string;
  /** Every definition, in the order recorded (the last is the current one). */
  history: readonly UnitDefinition[];
}

export interface PeriodTree {
  /** The root and every unit that was under it on some day of the period. */
  units: string[];
  /** Parent of a unit (among `units`) on the last day of the period it was under the root. */
  parentOf(code: string): string | undefined;
}

const MIN_DATE = '0000-01-01';

/** The definition of a unit in force on `date` (local date), by the `effectiveFrom` rule above. */
export function definitionOn(history: readonly UnitDefinition[], date: LocalDate): UnitDefinition | undefined {
  let eff: string = MIN_DATE;
  let found: UnitDefinition | undefined;
  let foundEff = '';
  history.forEach((h, i) => {
    if (i > 0 && h.effectiveFrom !== undefined) eff = h.effectiveFrom;
    // the latest effective date on or before `date` wins; on a tie, the later definition
    if (eff <= date && eff >= foundEff) {
      found = h;
      foundEff = eff;
    }
  });
  return found;
}

const inForce = (d: UnitDefinition | undefined, date: LocalDate) =>
  d !== undefined && (d.validFrom === undefined || d.validFrom <= date) && (d.validTo === undefined || date <= d.validTo);

/** Parent of every unit on `date`: the nearest ancestor in force on that date. */
export function parentsOn(units: Iterable<UnitWithHistory>, date: LocalDate): Map<string, string | undefined> {
  const defs = new Map<string, UnitDefinition | undefined>();
  for (const u of units) defs.set(u.code, definitionOn(u.history, date) ?? u.history[u.history.length - 1]);
  const out = new Map<string, string | undefined>();
  for (const [code, def] of defs) {
    const seen = new Set([code]);
    let p = def?.parentCode;
    while (p !== undefined && !seen.has(p) && defs.has(p) && !inForce(defs.get(p), date)) {
      seen.add(p);
      p = defs.get(p)?.parentCode;
    }
    out.set(code, p !== undefined && seen.has(p) ? undefined : p);
  }
  return out;
}

/** The days of [from, to] on which the tree may differ from the day before (always `from`). */
export function treeChangeDays(units: Iterable<UnitWithHistory>, from: LocalDate, to: LocalDate): LocalDate[] {
  const days = new Set<string>([from]);
  const add = (d: string | undefined) => {
    if (d !== undefined && d > from && d <= to) days.add(d);
  };
  for (const u of units) {
    u.history.forEach((h, i) => {
      if (i > 0) add(h.effectiveFrom);
      add(h.validFrom);
      if (h.validTo !== undefined) add(addDays(h.validTo, 1));
    });
  }
  return [...days].sort();
}

/** `root`'s subtree over the period [from, to] (local dates, inclusive). */
export function periodTree(units: Iterable<UnitWithHistory>, root: string, from: LocalDate, to: LocalDate): PeriodTree {
  const list = [...units];
  const parentAtLast = new Map<string, string | undefined>([[root, undefined]]);
  for (const day of treeChangeDays(list, from, to)) {
    const parents = parentsOn(list, day);
    const children = new Map<string, string[]>();
    for (const [c, p] of parents) if (p !== undefined) children.set(p, [...(children.get(p) ?? []), c]);
    const stack = [...(children.get(root) ?? [])];
    const seen = new Set([root]);
    while (stack.length) {
      const c = stack.pop()!;
      if (seen.has(c)) continue;
      seen.add(c);
      parentAtLast.set(c, parents.get(c)); // later days overwrite: the last day wins
      stack.push(...(children.get(c) ?? []));
    }
  }
  return { units: [...parentAtLast.keys()], parentOf: (c) => parentAtLast.get(c) };
}

/**
 * A period tree with the units merged into its units (issue #16: "reports for a unit include its
 * predecessors' dossiers"): each unit's `predecessors`, transitively. A predecessor already in the
 * tree keeps its place; one that is not hangs under the unit that took it over, so its dossiers
 * roll up there (in the successor's own report it is a row of its own).
 */
export function withPredecessors(units: ReadonlyMap<string, { predecessors?: readonly string[] }>, tree: PeriodTree): PeriodTree {
  const inTree = new Set(tree.units);
  const extra = new Map<string, string>();
  const queue = [...tree.units];
  while (queue.length) {
    const code = queue.shift()!;
    for (const p of units.get(code)?.predecessors ?? []) {
      if (inTree.has(p) || extra.has(p)) continue;
      extra.set(p, code);
      queue.push(p);
    }
  }
  if (extra.size === 0) return tree;
  return { units: [...tree.units, ...extra.keys()], parentOf: (c) => (extra.has(c) ? extra.get(c) : tree.parentOf(c)) };
}
