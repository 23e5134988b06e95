/**
 * Work lists (`GET /dossiers`): dossiers of some units from `dossier_summary`, by the due time
 * the desk works against (`effective_due_at`: the apology's re-appointed due, else the legal
 * one), then id; keyset paging with an opaque cursor.
 */
import { CLOCK_RUNNING_STATUSES, type DossierStatus } from '@motcua/domain';
import { SqlExecutor } from '@motcua/sql';
import { DOSSIER_SUMMARY_SELECT, factsFromRow } from './dossier-summary.projection';
import { cursorCodec } from './cursor';
import { searchCondition } from './dossier-search';

export interface WorkListQuery {
  units: readonly string[];
  statuses?: readonly DossierStatus[];
  /** true: open, clock running and past its due time at `now`; false: anything else. */
  overdue?: boolean;
  /** Due (effective) strictly before this instant. */
  dueBefore?: Date;
  assignee?: string;
  cursor?: string;
  limit: number;
  now: Date;
  /** This exact code (case-insensitive): a list of 0 or 1. */
  code?: string;
  /** Free text: code, identity-number or phone prefix, or the applicant name's words (dossier-search.ts). */
  q?: string;
}

export interface WorkListItem {
  id: string;
  code: string;
  unitCode: string;
  procedureCode: string;
  procedureName?: string;
  field: string;
  channel: string;
  status: DossierStatus;
  assignee?: string;
  receivedAt: string;
  dueAt: string;
  appointedDueAt?: string;
  effectiveDueAt: string;
  resolvedAt?: string;
  withdrawnAt?: string;
  /** Refused at reception: `receivedAt`/`dueAt`/`effectiveDueAt` then hold this time (list order only). */
  refusedAt?: string;
  overdue: boolean;
  version: number;
}

export interface WorkListPage {
  items: WorkListItem[];
  nextCursor: string | null;
}

const DOSSIER_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Work-list cursors: (effective due time, dossier id). */
export const workListCursor = cursorCodec('d', (id) => DOSSIER_ID.test(id));

export function encodeCursor(dueAt: string, id: string): string {
  return workListCursor.encode(dueAt, id);
}

export function decodeCursor(cursor: string): [string, string] {
  return workListCursor.decode(cursor);
}

/** SQL literal list of the statuses in which the legal clock runs (the domain's list, constants only). */
export function sqlStatusList(statuses: readonly string[]): string {
  for (const s of statuses) if (!/^[a-z-]+$/.test(s)) throw new Error(`not a dossier status: ${s}`);
  return statuses.map((s) => `'${s}'`).join(', ');
}

/** Overdue: the clock runs (domain `isClockRunning`) and the effective due time is past `$2`. */
export const OVERDUE_SQL = `(status IN (${sqlStatusList(CLOCK_RUNNING_STATUSES)}) AND effective_due_at < $2)`;
const OVERDUE = OVERDUE_SQL;

export async function queryWorkList(db: SqlExecutor, q: WorkListQuery): Promise<WorkListPage> {
  const params: unknown[] = [[...q.units], q.now.toISOString()];
  // the receiving unit's dossiers and the competent unit's (issue #16: users of either unit see it)
  const where = ['(unit_code = ANY($1::text[]) OR current_unit_code = ANY($1::text[]))'];
  const add = (sql: (n: string) => string, v: unknown) => {
    params.push(v);
    where.push(sql(`$${params.length}`));
  };
  if (q.statuses && q.statuses.length > 0) add((n) => `status = ANY(${n}::text[])`, [...q.statuses]);
  if (q.overdue === true) where.push(OVERDUE);
  if (q.overdue === false) where.push(`NOT ${OVERDUE}`);
  if (q.dueBefore) add((n) => `effective_due_at < ${n}::timestamptz`, q.dueBefore.toISOString());
  if (q.assignee !== undefined) add((n) => `assignee = ${n}`, q.assignee);
  if (q.code !== undefined || q.q !== undefined) {
    const found = searchCondition({ code: q.code, q: q.q }, (v) => {
      params.push(v);
      return `$${params.length}`;
    });
    if (found === undefined) return { items: [], nextCursor: null };
    where.push(found);
  }
  if (q.cursor !== undefined) {
    const [due, id] = decodeCursor(q.cursor);
    params.push(due, id);
    where.push(`(effective_due_at, id) > ($${params.length - 1}::timestamptz, $${params.length})`);
  }
  params.push(q.limit + 1);
  const { rows } = await db.query(
    `SELECT ${DOSSIER_SUMMARY_SELECT}, ${OVERDUE} AS overdue FROM dossier_summary WHERE ${where.join(' AND ')}
     ORDER BY effective_due_at, id LIMIT $${params.length}`,
    params,
  );
  const page = rows.slice(0, q.limit).map((r): WorkListItem => {
    const f = factsFromRow(r);
    return {
      id: f.id,
      code: f.code,
      unitCode: f.unitCode,
      procedureCode: f.procedureCode,
      ...(f.procedureName !== undefined ? { procedureName: f.procedureName } : {}),
      field: f.field,
      channel: f.channel,
      status: f.status,
      ...(f.assignee !== undefined ? { assignee: f.assignee } : {}),
      receivedAt: f.receivedAt,
      dueAt: f.dueAt,
      ...(f.appointedDueAt !== undefined ? { appointedDueAt: f.appointedDueAt } : {}),
      effectiveDueAt: f.effectiveDueAt,
      ...(f.resolvedAt !== undefined ? { resolvedAt: f.resolvedAt } : {}),
      ...(f.withdrawnAt !== undefined ? { withdrawnAt: f.withdrawnAt } : {}),
      ...(f.refusedAt !== undefined ? { refusedAt: f.refusedAt } : {}),
      overdue: r.overdue === true,
      version: f.version,
    };
  });
  const last = page[page.length - 1];
  return { items: page, nextCursor: rows.length > q.limit && last ? encodeCursor(last.effectiveDueAt, last.id) : null };
}
