/**
 * The `dossier_summary` read model (infra/migrations/0004_dossier_summary.sql): one row per
 * dossier for the work lists and the official report, plus the legal clock's history in
 * `dossier_clock` (also copied onto the row as arrays once there is more than the reception entry,
 * for the report: infra/migrations/0007_report_clock_history.sql). Each batch loads the rows it
 * touches, applies the events in memory with `applyToFacts` (the same derivation the pure report
 * reads) and writes them back. Idempotent by stream version: an event at or below a row's version
 * changes nothing, so a redelivered batch or an overlapping replay is harmless even outside the
 * runner's exactly-once checkpoint. A rebuild's catch-up folds the same way but keeps the rows in
 * memory between batches and writes each once (`inMemoryReplay`, SummaryInMemoryReplay below).
 */
import { ApologyCutoffFn, applyToFacts, defaultApologyCutoff, DossierFacts, ClockEntry } from '@motcua/application';
import type { WorkingTimeMeasure } from '@motcua/domain';
import { DOSSIER_STREAM_PREFIX, isDeadlineAlertEvent, isDossierEventType, toDossierEvent } from '@motcua/domain';
import { RecordedEvent } from '@motcua/event-store/port';
import { SqlExecutor } from '@motcua/sql';
import { InMemoryReplay, Projection } from '../projection';
import { insertSearchRows, searchRowOf, writeSearchRows } from './dossier-search';
import { applyRollup } from './report-rollup';

export const DOSSIER_SUMMARY_PROJECTION = 'dossier-summary';

export interface DossierSummaryOptions {
  /**
   * The apology cut-off for a unit (its office hours and the calendars in force): processes pass
   * `ReferenceData.apologyCutoff` (see readModelProjections). Default, for tests without reference
   * data: the dossier's zone, default office hours, shipped calendars.
   */
  apologyCutoff?: ApologyCutoffFn;
  /** The unit's working time for the processing time at resolution (`ReferenceData.workingTimeMeasure`); default like `apologyCutoff`. */
  workingTime?: WorkingTimeMeasure;
}

/** Column ↔ field, in table order. */
const COLUMNS: [
  column: string,
  field: keyof DossierFacts,
  type: 'text' | 'timestamptz' | 'integer' | 'jsonb' | 'bigint' | 'boolean' | 'text[]' | 'timestamptz[]',
][] = [
  ['id', 'id', 'text'],
  ['code', 'code', 'text'],
  ['unit_code', 'unitCode', 'text'],
  ['procedure_code', 'procedureCode', 'text'],
  ['procedure_name', 'procedureName', 'text'],
  ['field', 'field', 'text'],
  ['channel', 'channel', 'text'],
  ['online_level', 'onlineLevel', 'text'],
  ['time_zone', 'timeZone', 'text'],
  ['received_at', 'receivedAt', 'timestamptz'],
  ['original_due_at', 'originalDueAt', 'timestamptz'],
  ['due_at', 'dueAt', 'timestamptz'],
  ['appointed_due_at', 'appointedDueAt', 'timestamptz'],
  ['effective_due_at', 'effectiveDueAt', 'timestamptz'],
  ['clock_stopped_at', 'clockStoppedAt', 'timestamptz'],
  ['apology_issued_at', 'apologyIssuedAt', 'timestamptz'],
  ['apology_due_at', 'apologyDueAt', 'timestamptz'],
  ['apology_cutoff_at', 'apologyCutoffAt', 'timestamptz'],
  ['resolved_at', 'resolvedAt', 'timestamptz'],
  ['outcome', 'outcome', 'text'],
  ['timing', 'timing', 'text'],
  ['withdrawn_at', 'withdrawnAt', 'timestamptz'],
  ['rating', 'rating', 'text'],
  ['rated_at', 'ratedAt', 'timestamptz'],
  ['assignee', 'assignee', 'text'],
  ['status', 'status', 'text'],
  ['version', 'version', 'integer'],
  ['returned_at', 'returnedAt', 'timestamptz'],
  ['previous_assignees', 'previousAssignees', 'jsonb'],
  ['refused_at', 'refusedAt', 'timestamptz'],
  ['supplement_requests_late', 'supplementRequestsLate', 'integer'],
  ['supplement_requests_repeated', 'supplementRequestsRepeated', 'integer'],
  ['campaign_id', 'campaignId', 'text'],
  ['competent_unit_code', 'competentUnitCode', 'text'],
  ['current_unit_code', 'currentUnitCode', 'text'],
  ['transfer_ids', 'transferIds', 'text[]'],
  ['transfer_out_at', 'transferOutAt', 'timestamptz[]'],
  ['transfer_back_at', 'transferBackAt', 'timestamptz[]'],
  // issue #18 (infra/migrations/0016_report_indicators.sql)
  ['work_start_at', 'workStartAt', 'timestamptz'],
  ['worked_ms', 'workedMs', 'bigint'],
  ['processing_working_minutes', 'processingWorkingMinutes', 'integer'],
  ['working_day_minutes', 'workingDayMinutes', 'integer'],
  ['supplement_late_at', 'supplementLateAt', 'jsonb'],
  ['digitised', 'digitised', 'boolean'],
  ['fee_due', 'feeDue', 'boolean'],
  ['fee_paid_online', 'feePaidOnline', 'boolean'],
  ['electronic_result', 'electronicResult', 'boolean'],
];

export const DOSSIER_SUMMARY_SELECT = COLUMNS.map(([c]) => c).join(', ');

/**
 * The columns the report's roll-up reads from a row (`report_rollup_apply` in 0022: its key and the
 * arguments of `report_contributions`), besides the clock history, which changes only when the
 * dossier's clock gains an entry. A batch that changes none of them in a row (an assignment, an
 * alert, a search field) leaves that row's contributions as they were: the projection skips it.
 * The projection's spec checks this list against the function's source.
 */
export const ROLLUP_INPUT_COLUMNS = [
  'competent_unit_code',
  'unit_code',
  'working_day_minutes',
  'received_at',
  'refused_at',
  'channel',
  'resolved_at',
  'timing',
  'withdrawn_at',
  'original_due_at',
  'apology_issued_at',
  'apology_cutoff_at',
  'rated_at',
  'rating',
  'transfer_out_at',
  'transfer_back_at',
  'returned_at',
  'supplement_late_at',
  'digitised',
  'fee_due',
  'fee_paid_online',
  'electronic_result',
  'processing_working_minutes',
] as const;

const ROLLUP_INPUT_FIELDS: readonly (keyof DossierFacts)[] = ROLLUP_INPUT_COLUMNS.map((c) => {
  const entry = COLUMNS.find(([column]) => column === c);
  if (!entry) throw new Error(`the roll-up reads ${c}, which is not a dossier_summary column`);
  return entry[1];
});

/** Whether `after` differs from `before` in anything the roll-up reads (besides the clock history); when unsure (a value written another way), yes. */
function rollupInputsChanged(before: DossierFacts, after: DossierFacts): boolean {
  for (const field of ROLLUP_INPUT_FIELDS) {
    const a = before[field] ?? null;
    const b = after[field] ?? null;
    if (a === b) continue;
    if (a === null || b === null || JSON.stringify(a) !== JSON.stringify(b)) return true;
  }
  return false;
}

function iso(v: unknown): string | undefined {
  if (v === null || v === undefined) return undefined;
  return (v instanceof Date ? v : new Date(String(v))).toISOString();
}

/** An array column as the driver gives it (an array; or PostgreSQL's text form, should a driver not parse it). */
function pgArray(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  const text = String(v);
  if (text === '{}') return [];
  return text
    .slice(1, -1)
    .split(',')
    .map((x) => (x === 'NULL' ? null : x.replace(/^"|"$/g, '')));
}

/** A `dossier_summary` row as facts (without its clock history). */
export function factsFromRow(row: Record<string, unknown>): DossierFacts {
  const f: Record<string, unknown> = { clock: [] };
  for (const [column, field, type] of COLUMNS) {
    const v = row[column];
    if (v === null || v === undefined) continue;
    if (type === 'timestamptz[]') f[field] = pgArray(v).map((x) => iso(x) ?? null);
    else if (type === 'text[]') f[field] = pgArray(v).map((x) => (x === null ? null : String(x)));
    else
      f[field] =
        type === 'timestamptz' ? iso(v) : type === 'integer' || type === 'bigint' ? Number(v) : type === 'jsonb' && typeof v === 'string' ? JSON.parse(v) : v;
  }
  return f as unknown as DossierFacts;
}

const UPSERT = `
INSERT INTO dossier_summary (${DOSSIER_SUMMARY_SELECT})
SELECT ${DOSSIER_SUMMARY_SELECT} FROM jsonb_to_recordset($1::jsonb) AS x(${COLUMNS.map(([c, , t]) => `${c} ${t}`).join(', ')})
ON CONFLICT (id) DO UPDATE SET ${COLUMNS.filter(([c]) => c !== 'id')
  .map(([c]) => `${c} = EXCLUDED.${c}`)
  .join(', ')}
WHERE dossier_summary.version < EXCLUDED.version`;

const INSERT_CLOCK = `
INSERT INTO dossier_clock (dossier_id, version, at, due_at, stopped)
SELECT dossier_id, version, at, due_at, stopped
FROM jsonb_to_recordset($1::jsonb) AS x(dossier_id text, version integer, at timestamptz, due_at timestamptz, stopped boolean)
ON CONFLICT (dossier_id, version) DO NOTHING`;

/**
 * The clock history on the summary row (infra/migrations/0007_report_clock_history.sql), from
 * `dossier_clock`, for dossiers with more than their reception entry: what the report reads.
 */
/**
 * The clock history of each dossier with more than one clock entry among `source` (rows of
 * `dossier_clock`'s shape), in the order the report's `width_bucket` needs: one definition for the
 * live update below and the rebuild's insert (INSERT_NEW).
 */
const clockHistoryOf = (source: string) => `
  SELECT dossier_id,
         array_agg(at ORDER BY at, version) AS at,
         array_agg(due_at ORDER BY at, version) AS due_at,
         array_agg(stopped ORDER BY at, version) AS stopped
  FROM ${source}
  GROUP BY dossier_id
  HAVING count(*) > 1`;

const SET_CLOCK_HISTORY = `
UPDATE dossier_summary s
SET clock_history_at = h.at, clock_history_due_at = h.due_at, clock_history_stopped = h.stopped
FROM (${clockHistoryOf('dossier_clock WHERE dossier_id = ANY($1::text[])')}
) h
WHERE s.id = h.dossier_id`;

/** The dossier events among `events` by dossier id, each list in log order (other streams and event types are not the summary's). */
function eventsByDossier(events: readonly RecordedEvent[]): Map<string, RecordedEvent[]> {
  const byId = new Map<string, RecordedEvent[]>();
  for (const e of events) {
    if (!e.stream.startsWith(DOSSIER_STREAM_PREFIX) || !isDossierEventType(e.type)) continue;
    const id = e.stream.slice(DOSSIER_STREAM_PREFIX.length);
    const list = byId.get(id);
    if (list) list.push(e);
    else byId.set(id, [e]);
  }
  return byId;
}

/** The fold both paths share: a dossier's facts after its `events` (in order), from `before` (its row; undefined: none). */
type FoldDossier = (before: DossierFacts | undefined, events: readonly RecordedEvent[], id: string) => DossierFacts | undefined;

function dossierFold(options: DossierSummaryOptions): FoldDossier {
  const cutoff = options.apologyCutoff ?? defaultApologyCutoff;
  return (before, events, id) => {
    let f = before;
    for (const e of events) {
      const event = toDossierEvent(e);
      if (isDeadlineAlertEvent(event) || event.type === 'TransferAlertRaised') {
        if (f && Number(e.revision) + 1 > f.version) f = { ...f, version: Number(e.revision) + 1 };
        continue;
      }
      f = applyToFacts(f, event, Number(e.revision) + 1, id, cutoff, options.workingTime);
    }
    return f;
  };
}

/** A dossier's row as written: column → value. */
function summaryRow(f: DossierFacts): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const [column, field] of COLUMNS) row[column] = f[field] ?? null;
  return row;
}

/** A `dossier_clock` row as INSERT_CLOCK and INSERT_NEW read it. */
function clockRow(dossierId: string, c: ClockEntry): Record<string, unknown> {
  return { dossier_id: dossierId, version: c.version, at: c.at, due_at: c.dueAt, stopped: c.stopped };
}

/**
 * Dossiers whose rows may already exist: each folded from its row as read (`before`, undefined:
 * none) to `after`. Upserts the rows (guarded by version), inserts the clock entries that are new,
 * and recomputes the clock history on the row from `dossier_clock` where it gained an entry.
 */
async function writeOverRows(tx: SqlExecutor, changes: readonly { id: string; before: DossierFacts | undefined; after: DossierFacts }[]): Promise<void> {
  const upserts: Record<string, unknown>[] = [];
  const clock: Record<string, unknown>[] = [];
  // dossiers whose clock gained an entry other than the reception one
  const history = new Set<string>();
  for (const { id, before, after } of changes) {
    const known = new Set(before?.clock.map((c) => c.version));
    for (const c of after.clock) {
      if (known.has(c.version) || (before && c.version <= before.version)) continue;
      clock.push(clockRow(id, c));
      if (before || after.clock.length > 1) history.add(id);
    }
    upserts.push(summaryRow(after));
  }
  // the report's daily roll-up: the rows' contributions as they were come out, as they are go in;
  // a row whose report inputs did not change (an assignment, an alert) contributes as it did
  const out: string[] = [];
  const into: string[] = [];
  for (const { id, before, after } of changes) {
    if (!before) into.push(id);
    else if (history.has(id) || rollupInputsChanged(before, after)) {
      out.push(id);
      into.push(id);
    }
  }
  await applyRollup(tx, out, -1);
  if (upserts.length > 0) await tx.query(UPSERT, [JSON.stringify(upserts)]);
  if (clock.length > 0) await tx.query(INSERT_CLOCK, [JSON.stringify(clock)]);
  // after the upsert (a dossier received in this batch has its row by now) and the clock entries
  if (history.size > 0) await tx.query(SET_CLOCK_HISTORY, [[...history]]);
  await applyRollup(tx, into, 1);
}

/**
 * New dossiers (no row, no clock entry, no search row yet), in one statement: plain inserts (no
 * conflict to look for: a conflict is a bug and fails the rebuild), and the clock history computed
 * from the inserted clock entries exactly as SET_CLOCK_HISTORY computes it, so the row is written
 * once. `json`, not `jsonb`: the text is read once, and PostgreSQL skips building the binary form
 * (a third less time for the same rows).
 */
const INSERT_NEW = `
WITH c AS (
  INSERT INTO dossier_clock (dossier_id, version, at, due_at, stopped)
  SELECT dossier_id, version, at, due_at, stopped
  FROM json_to_recordset($2::json) AS x(dossier_id text, version integer, at timestamptz, due_at timestamptz, stopped boolean)
  RETURNING dossier_id, version, at, due_at, stopped
), h AS (${clockHistoryOf('c')}
)
INSERT INTO dossier_summary (${DOSSIER_SUMMARY_SELECT}, clock_history_at, clock_history_due_at, clock_history_stopped)
SELECT ${COLUMNS.map(([c]) => `x.${c}`).join(', ')}, h.at, h.due_at, h.stopped
FROM json_to_recordset($1::json) AS x(${COLUMNS.map(([c, , t]) => `${c} ${t}`).join(', ')})
LEFT JOIN h ON h.dossier_id = x.id`;

/** Rows per statement when writing held dossiers (bounds the JSON of one statement to a few MB). */
const WRITE_CHUNK = 5_000;

/** A dossier held in memory by the in-memory replay: its facts so far and its search row. */
interface Held {
  facts: DossierFacts;
  search: Record<string, unknown> | undefined;
}

/**
 * The rebuild's in-memory replay of the summary (see `InMemoryReplay`). A dossier whose stream
 * starts (revision 0) within the replay has no row yet: it is folded with `apply`'s fold and held
 * until written, once, by `takeOut` with plain inserts. Every other dossier's events (one written
 * out earlier, or whose stream started before this replay) go back to `apply`, which reads its
 * row. Held rows: a `Map` in least-recently-touched order (touching moves a dossier to the end),
 * so `takeOut(keep)` writes out the dossiers least likely to see another event.
 */
class SummaryInMemoryReplay implements InMemoryReplay {
  private readonly rows = new Map<string, Held>();
  /** Rows written out and not yet in the report's roll-up (`finish` adds them). */
  private unrolled: string[] = [];

  constructor(private readonly foldDossier: FoldDossier) {}

  get held(): number {
    return this.rows.size;
  }

  fold(events: RecordedEvent[]): RecordedEvent[] {
    const rest = new Set<string>();
    for (const [id, list] of eventsByDossier(events)) {
      const held = this.rows.get(id);
      if (!held && Number(list[0].revision) !== 0) {
        rest.add(id);
        continue;
      }
      const facts = this.foldDossier(held?.facts, list, id);
      if (!facts) {
        rest.add(id); // no row after all (no reception yet): `apply` does what it does with it
        continue;
      }
      let search = held?.search;
      for (const e of list) search ??= searchRowOf(e);
      this.rows.delete(id);
      this.rows.set(id, { facts, search });
    }
    if (rest.size === 0) return [];
    return events.filter((e) => e.stream.startsWith(DOSSIER_STREAM_PREFIX) && rest.has(e.stream.slice(DOSSIER_STREAM_PREFIX.length)));
  }

  takeOut(keep: number): (tx: SqlExecutor) => Promise<void> {
    const out: [string, Held][] = [];
    for (const entry of this.rows) {
      if (this.rows.size - out.length <= keep) break;
      out.push(entry);
    }
    for (const [id] of out) this.rows.delete(id);
    // out of the map: no fold sees them again (their next events come back from `fold`)
    return async (tx) => {
      for (let i = 0; i < out.length; i += WRITE_CHUNK) {
        const chunk = out.slice(i, i + WRITE_CHUNK);
        await insertSearchRows(
          tx,
          chunk.flatMap(([, h]) => (h.search ? [h.search] : [])),
        );
        const clock = chunk.flatMap(([id, h]) => h.facts.clock.map((c) => clockRow(id, c)));
        await tx.query(INSERT_NEW, [JSON.stringify(chunk.map(([, h]) => summaryRow(h.facts))), JSON.stringify(clock)]);
        for (const [id] of chunk) this.unrolled.push(id);
      }
    };
  }

  /**
   * The report's roll-up of the rows written out since the last call, added in one statement: the
   * writes run side by side on PostgreSQL, and their upserts of the same units' days would wait on
   * each other. The replay calls it before `apply` reads or changes a written row (which takes the
   * row's contributions out and puts them back) and once all rows are written.
   */
  async finish(tx: SqlExecutor): Promise<void> {
    const ids = this.unrolled;
    this.unrolled = [];
    try {
      await applyRollup(tx, ids, 1);
    } catch (err) {
      this.unrolled = ids.concat(this.unrolled);
      throw err;
    }
  }
}

export function dossierSummaryProjection(options: DossierSummaryOptions = {}): Projection {
  const fold = dossierFold(options);
  return {
    name: DOSSIER_SUMMARY_PROJECTION,
    // alerts too: they change nothing but the row's version (= the stream's version)
    filter: { streamPrefixes: [DOSSIER_STREAM_PREFIX] },
    tables: ['dossier_summary', 'dossier_clock', 'dossier_search', 'report_daily', 'report_monthly'],
    async apply(tx: SqlExecutor, events: RecordedEvent[]): Promise<void> {
      const byId = eventsByDossier(events);
      if (byId.size === 0) return;
      // the look-up row of each reception (finding a dossier: dossier-search.ts)
      await writeSearchRows(tx, events);
      const ids = [...byId.keys()];
      const { rows } = await tx.query(`SELECT ${DOSSIER_SUMMARY_SELECT} FROM dossier_summary WHERE id = ANY($1::text[])`, [ids]);
      const current = new Map(rows.map((r) => [String(r.id), factsFromRow(r)]));
      const changes: { id: string; before: DossierFacts | undefined; after: DossierFacts }[] = [];
      for (const [id, list] of byId) {
        const before = current.get(id);
        const after = fold(before, list, id);
        if (after && after !== before) changes.push({ id, before, after });
      }
      await writeOverRows(tx, changes);
    },
    inMemoryReplay: () => new SummaryInMemoryReplay(fold),
  };
}
