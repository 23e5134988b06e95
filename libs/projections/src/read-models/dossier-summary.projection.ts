/**
 * The `dossier_summary` read model (infra/migrations/0004_dossier_summary.sql): one row per
 * dossier for the work lists and the official report, plus the legal clock's history in
 * `dossier_clock` (also copied onto the row as arrays once there is more than the reception entry,
 * for the report: infra/migrations/0007_report_clock_history.sql). Each batch loads the rows it
 * touches, applies the events in memory with `applyToFacts` (the same derivation the pure report
 * reads) and writes them back. Idempotent by stream version: an event at or below a row's version
 * changes nothing, so a redelivered batch or an overlapping replay is harmless even outside the
 * runner's exactly-once checkpoint.
 */
import { ApologyCutoffFn, applyToFacts, defaultApologyCutoff, DossierFacts, ClockEntry } from '@motcua/application';
import type { WorkingTimeMeasure } from '@motcua/domain';
import { DOSSIER_STREAM_PREFIX, isDeadlineAlertEvent, isDossierEventType, toDossierEvent } from '@motcua/domain';
import { RecordedEvent } from '@motcua/event-store/port';
import { SqlExecutor } from '@motcua/sql';
import { Projection } from '../projection';
import { writeSearchRows } from './dossier-search';

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
const SET_CLOCK_HISTORY = `
UPDATE dossier_summary s
SET clock_history_at = h.at, clock_history_due_at = h.due_at, clock_history_stopped = h.stopped
FROM (
  SELECT dossier_id,
         array_agg(at ORDER BY at, version) AS at,
         array_agg(due_at ORDER BY at, version) AS due_at,
         array_agg(stopped ORDER BY at, version) AS stopped
  FROM dossier_clock
  WHERE dossier_id = ANY($1::text[])
  GROUP BY dossier_id
  HAVING count(*) > 1
) h
WHERE s.id = h.dossier_id`;

export function dossierSummaryProjection(options: DossierSummaryOptions = {}): Projection {
  const cutoff = options.apologyCutoff ?? defaultApologyCutoff;
  return {
    name: DOSSIER_SUMMARY_PROJECTION,
    // alerts too: they change nothing but the row's version (= the stream's version)
    filter: { streamPrefixes: [DOSSIER_STREAM_PREFIX] },
    tables: ['dossier_summary', 'dossier_clock', 'dossier_search'],
    async apply(tx: SqlExecutor, events: RecordedEvent[]): Promise<void> {
      const byId = new Map<string, RecordedEvent[]>();
      for (const e of events) {
        if (!e.stream.startsWith(DOSSIER_STREAM_PREFIX) || !isDossierEventType(e.type)) continue;
        const id = e.stream.slice(DOSSIER_STREAM_PREFIX.length);
        byId.set(id, [...(byId.get(id) ?? []), e]);
      }
      if (byId.size === 0) return;
      // the look-up row of each reception (finding a dossier: dossier-search.ts)
      await writeSearchRows(tx, events);
      const ids = [...byId.keys()];
      const { rows } = await tx.query(`SELECT ${DOSSIER_SUMMARY_SELECT} FROM dossier_summary WHERE id = ANY($1::text[])`, [ids]);
      const current = new Map(rows.map((r) => [String(r.id), factsFromRow(r)]));
      const upserts: Record<string, unknown>[] = [];
      const clock: (ClockEntry & { dossierId: string })[] = [];
      // dossiers whose clock gained an entry other than the reception one
      const history = new Set<string>();
      for (const [id, list] of byId) {
        const before = current.get(id);
        let f = before;
        for (const e of list) {
          const event = toDossierEvent(e);
          if (isDeadlineAlertEvent(event) || event.type === 'TransferAlertRaised') {
            if (f && Number(e.revision) + 1 > f.version) f = { ...f, version: Number(e.revision) + 1 };
            continue;
          }
          f = applyToFacts(f, event, Number(e.revision) + 1, id, cutoff, options.workingTime);
        }
        if (!f || f === before) continue;
        const known = new Set(before?.clock.map((c) => c.version));
        for (const c of f.clock) {
          if (known.has(c.version) || (before && c.version <= before.version)) continue;
          clock.push({ ...c, dossierId: id });
          if (before || f.clock.length > 1) history.add(id);
        }
        const row: Record<string, unknown> = {};
        for (const [column, field] of COLUMNS) row[column] = f[field] ?? null;
        upserts.push(row);
      }
      if (upserts.length > 0) await tx.query(UPSERT, [JSON.stringify(upserts)]);
      if (clock.length > 0) {
        await tx.query(INSERT_CLOCK, [
          JSON.stringify(clock.map((c) => ({ dossier_id: c.dossierId, version: c.version, at: c.at, due_at: c.dueAt, stopped: c.stopped }))),
        ]);
      }
      // after the upsert (a dossier received in this batch has its row by now) and the clock entries
      if (history.size > 0) await tx.query(SET_CLOCK_HISTORY, [[...history]]);
    },
  };
}
