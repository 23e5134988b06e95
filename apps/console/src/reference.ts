/** Units and procedures (reference data), loaded once per sign-in. */
import { getJson } from './api';
import { DEFAULT_TIME_ZONE, fold } from './format';

export interface Unit {
  code: string;
  name: string;
  level: string;
  parentCode?: string;
  timeZone?: string;
  validTo?: string;
}

export interface Procedure {
  code: string;
  name: string;
  field: string;
  processingTime: { amount: number; unit: string };
}

export interface Reference {
  units: Map<string, Unit>;
  procedures: Procedure[];
}

let loaded: Promise<Reference> | undefined;

export function loadReference(): Promise<Reference> {
  loaded ??= Promise.all([getJson<{ items: Unit[] }>('/units'), getJson<{ items: Procedure[] }>('/procedures')]).then(([u, p]) => ({
    units: new Map(u.items.map((x) => [x.code, x])),
    procedures: p.items,
  }));
  loaded.catch(() => (loaded = undefined));
  return loaded;
}

export function forgetReference(): void {
  loaded = undefined;
}

export function timeZoneOf(ref: Reference | undefined, unitCode: string | undefined): string {
  let code = unitCode;
  for (let i = 0; code && i < 10; i++) {
    const u = ref?.units.get(code);
    if (u?.timeZone) return u.timeZone;
    code = u?.parentCode;
  }
  return DEFAULT_TIME_ZONE;
}

export function unitName(ref: Reference | undefined, code: string | undefined): string {
  if (!code) return '';
  return ref?.units.get(code)?.name ?? code;
}

/** The user's units and every descendant, in tree order (for unit pickers). */
export function unitsInScope(ref: Reference, roots: string[]): { unit: Unit; depth: number }[] {
  const children = new Map<string, Unit[]>();
  for (const u of ref.units.values()) {
    if (!u.parentCode) continue;
    const list = children.get(u.parentCode) ?? [];
    list.push(u);
    children.set(u.parentCode, list);
  }
  const out: { unit: Unit; depth: number }[] = [];
  const seen = new Set<string>();
  const walk = (code: string, depth: number) => {
    const u = ref.units.get(code);
    if (!u || seen.has(code)) return;
    seen.add(code);
    out.push({ unit: u, depth });
    for (const c of (children.get(code) ?? []).sort((a, b) => a.name.localeCompare(b.name, 'vi'))) walk(c.code, depth + 1);
  };
  for (const r of roots) walk(r, 0);
  return out;
}

/** Procedures matching what the clerk typed: code prefix first, then every word in the name (accents ignored). */
export function searchProcedures(list: Procedure[], text: string, max = 8): Procedure[] {
  const q = fold(text.trim());
  if (!q) return [];
  const words = q.split(/\s+/);
  const byCode = list.filter((p) => fold(p.code).startsWith(q));
  const byName = list.filter((p) => !byCode.includes(p) && words.every((w) => fold(`${p.name} ${p.field}`).includes(w)));
  return [...byCode, ...byName].slice(0, max);
}
