/**
 * Finding a dossier (infra/migrations/0013_dossier_search.sql): `dossier_search` holds, per
 * dossier, its code, the applicant's name, identity number and phone normalised for look-ups, and
 * the citizen's look-up PIN. The `dossier-summary` projection writes a row from each reception in
 * the same transaction as the summary row (so a rebuild fills it too); the work list
 * (`GET /dossiers?code=` / `?q=`) filters through it, and the public status page reads a dossier by
 * code with its PIN.
 */
import { DOSSIER_STREAM_PREFIX, type DossierReceived } from '@motcua/domain';
import type { RecordedEvent } from '@motcua/event-store/port';
import type { SqlExecutor } from '@motcua/sql';
import { DOSSIER_SUMMARY_SELECT, factsFromRow } from './dossier-summary.projection';
import type { DossierFacts } from '@motcua/application';

/** Lower case, accents and other combining marks removed, đ → d (Vietnamese names typed without accents). */
export function foldText(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').replace(/[đĐ]/g, 'd').toLowerCase();
}

/** The words of a name or a query, folded ({@link foldText}): letters and digits, split on anything else. */
export function searchWords(text: string): string[] {
  return foldText(text)
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0);
}

/**
 * The digits of an identity or phone number as typed (spaces, dots, dashes and brackets dropped),
 * a phone's country prefix (+84 or 0084) written as the national 0; undefined when anything else is left.
 */
export function numberKey(text: string): string | undefined {
  const compact = text.replace(/[\s.\-()]/g, '');
  if (!/^\+?\d+$/.test(compact)) return undefined;
  if (compact.startsWith('+84')) return `0${compact.slice(3)}`;
  if (compact.startsWith('0084')) return `0${compact.slice(4)}`;
  return compact.replace(/^\+/, '');
}

/** A dossier code as stored for look-ups (codes compare without regard to case). */
export function codeKey(code: string): string {
  return code.trim().toLowerCase();
}

/** The `dossier_search` row of a reception. */
export function searchRow(dossierId: string, data: Pick<DossierReceived['data'], 'code' | 'unitCode' | 'applicant' | 'lookupPin'>): Record<string, unknown> {
  const a = data.applicant ?? { name: '' };
  return {
    dossier_id: dossierId,
    code_key: codeKey(data.code),
    unit_code: data.unitCode,
    name_words: searchWords(a.name ?? ''),
    id_number: a.idNumber !== undefined ? (numberKey(a.idNumber) ?? a.idNumber.trim().toLowerCase()) : null,
    phone: a.phone !== undefined ? (numberKey(a.phone) ?? a.phone.trim()) : null,
    lookup_pin: data.lookupPin ?? null,
  };
}

/** `json`, not `jsonb`: read once, no binary form built (half the time of `jsonb` for the same rows). */
const INSERT_SEARCH = `
INSERT INTO dossier_search (dossier_id, code_key, unit_code, name_words, id_number, phone, lookup_pin)
SELECT dossier_id, code_key, unit_code, ARRAY(SELECT json_array_elements_text(name_words)), id_number, phone, lookup_pin
FROM json_to_recordset($1::json) AS x(dossier_id text, code_key text, unit_code text, name_words json, id_number text, phone text, lookup_pin text)
ON CONFLICT (dossier_id) DO NOTHING`;

/**
 * The search row of `e` if it is a reception (or a refusal at reception) on a dossier stream. These
 * are the only events carrying the applicant and the PIN, so a row never changes once written.
 */
export function searchRowOf(e: RecordedEvent): Record<string, unknown> | undefined {
  // a refusal at the counter is found by its code and applicant too (it has no look-up PIN)
  if ((e.type !== 'DossierReceived' && e.type !== 'DossierRefusedAtReception') || !e.stream.startsWith(DOSSIER_STREAM_PREFIX)) return undefined;
  return searchRow(e.stream.slice(DOSSIER_STREAM_PREFIX.length), e.data as DossierReceived['data']);
}

/** Inserts search rows; a dossier that has one keeps it (the first reception wins, a replay changes nothing). */
export async function insertSearchRows(tx: SqlExecutor, rows: readonly Record<string, unknown>[]): Promise<void> {
  if (rows.length > 0) await tx.query(INSERT_SEARCH, [JSON.stringify(rows)]);
}

/**
 * Writes the search rows of the receptions (and refusals at reception) among `events` (dossier
 * streams): a replay or a redelivered batch changes nothing.
 */
export async function writeSearchRows(tx: SqlExecutor, events: readonly RecordedEvent[]): Promise<void> {
  const rows: Record<string, unknown>[] = [];
  for (const e of events) {
    const row = searchRowOf(e);
    if (row) rows.push(row);
  }
  await insertSearchRows(tx, rows);
}

/** LIKE pattern of a prefix (`%`, `_` and `\` taken literally). */
function prefixPattern(prefix: string): string {
  return `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Shortest code or number prefix a free-text search matches on (shorter ones match names only). */
export const MIN_PREFIX_LENGTH = 3;

/**
 * A SQL condition on `dossier_summary` (its `id`) for a look-up: `code` exact (case-insensitive),
 * or free text `q`: a code prefix, an identity-number or phone prefix (digits), or every word of
 * it among the applicant name's words (accents and case ignored). `param` adds a bind value and
 * returns its placeholder. Undefined when the text has nothing to look for (matches nothing).
 */
export function searchCondition(look: { code?: string; q?: string }, param: (v: unknown) => string): string | undefined {
  const parts: string[] = [];
  if (look.code !== undefined) parts.push(`code_key = ${param(codeKey(look.code))}`);
  if (look.q !== undefined) {
    const any: string[] = [];
    const text = look.q.trim();
    if (text.length >= MIN_PREFIX_LENGTH) any.push(`code_key LIKE ${param(prefixPattern(codeKey(text)))} ESCAPE '\\'`);
    const digits = numberKey(text);
    if (digits !== undefined && digits.length >= MIN_PREFIX_LENGTH) {
      const p = param(prefixPattern(digits));
      any.push(`id_number LIKE ${p} ESCAPE '\\'`, `phone LIKE ${p} ESCAPE '\\'`);
    }
    const words = searchWords(text);
    if (words.length > 0 && digits === undefined) any.push(`name_words @> ${param(words)}::text[]`);
    if (any.length === 0) return undefined;
    parts.push(`(${any.join(' OR ')})`);
  }
  if (parts.length === 0) return undefined;
  return `id IN (SELECT dossier_id FROM dossier_search WHERE ${parts.join(' AND ')})`;
}

/** A dossier found by its code for the public status page, with its look-up PIN (null: none). */
export interface PublicLookupRow {
  facts: DossierFacts;
  lookupPin: string | null;
}

/** The dossier of that code (case-insensitive) and its PIN, or undefined. */
export async function findDossierByCode(db: SqlExecutor, code: string): Promise<PublicLookupRow | undefined> {
  const { rows } = await db.query(
    `SELECT ${DOSSIER_SUMMARY_SELECT.split(', ')
      .map((c) => `s.${c}`)
      .join(', ')}, x.lookup_pin
     FROM dossier_search x JOIN dossier_summary s ON s.id = x.dossier_id
     WHERE x.code_key = $1 LIMIT 1`,
    [codeKey(code)],
  );
  const r = rows[0];
  if (!r) return undefined;
  return { facts: factsFromRow(r), lookupPin: typeof r.lookup_pin === 'string' ? r.lookup_pin : null };
}
