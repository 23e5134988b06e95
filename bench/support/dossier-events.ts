/**
 * Realistic dossier event streams, written fast: every dossier's whole stream (5 events:
 * reception, assignment, then a supplement asked and received, an apology, deadline alerts,
 * a resolution or withdrawal, a rating) and many dossiers per SQL statement ("multi-row appends", the
 * rows `es_append` would write, in one transaction per chunk). For seeding benchmarks and tests
 * with 100k–1M events; the events are what the decider emits for such lifecycles.
 */
import { randomUUID } from 'node:crypto';
import { DOSSIER_EVENT_SCHEMA_VERSIONS, dossierStreamName, type DossierEvent } from '@motcua/domain';
import type { EventStore, EventToAppend } from '@motcua/event-store/port';
import { SqlDriver } from '@motcua/sql';

const DAY = 86_400_000;
const HOUR = 3_600_000;
/** 2024-01-02 08:00 +07:00: receptions are spread from here, a few minutes apart. */
const FIRST = Date.parse('2024-01-02T08:00:00+07:00');
const NAMES = ['Nguyễn Văn An', 'Trần Thị Bích Ngọc', 'Lê Hoàng Phúc', 'Phạm Thị Thu Hương', 'Hoàng Minh Đức', 'Vũ Thị Lan Anh'];
const PROCEDURES = [
  { code: '1.001612', name: 'Đăng ký khai sinh', field: 'Hộ tịch', days: 3 },
  { code: '1.000003', name: 'Chứng thực bản sao từ bản chính', field: 'Chứng thực', days: 1 },
  { code: '1.004227', name: 'Cấp giấy phép xây dựng', field: 'Xây dựng', days: 15 },
];

export interface SeedOptions {
  /** Unit codes the dossiers are spread over (round robin). */
  units: readonly string[];
  /** Number of the first dossier (for codes and times), to seed in several calls. */
  offset?: number;
}

const iso = (t: number) => new Date(t).toISOString();

/** The events of dossier number `n` (5 events, four kinds of lifecycle in turn). */
export function dossierLifecycle(n: number, units: readonly string[]): { id: string; events: DossierEvent[] } {
  const id = randomUUID();
  const unitCode = units[n % units.length];
  const p = PROCEDURES[n % PROCEDURES.length];
  const receivedAt = FIRST + n * 3 * 60_000;
  const dueAt = receivedAt + p.days * DAY;
  const assignee = `officer-${n % 17}`;
  const events: DossierEvent[] = [
    {
      type: 'DossierReceived',
      data: {
        dossierId: id,
        code: `${unitCode}-${String(n).padStart(8, '0')}`,
        unitCode,
        procedureCode: p.code,
        procedureName: p.name,
        field: p.field,
        channel: n % 3 === 0 ? 'online' : 'direct',
        onlineLevel: n % 3 === 0 ? 'full' : 'partial',
        applicant: { name: NAMES[n % NAMES.length], idNumber: '079203001234', phone: '0901234567', address: 'Số 1 Lê Lợi, Phường Bến Nghé' },
        processingTime: { amount: p.days, unit: 'working_day' },
        timeZone: 'Asia/Ho_Chi_Minh',
        receivedAt: iso(receivedAt),
        dueAt: iso(dueAt),
        calendarVersion: '2024.1',
      },
    } as DossierEvent,
    {
      type: 'DossierAssigned',
      data: { assignee, assigneeName: `Cán bộ ${n % 17}`, department: 'Phòng Tư pháp', assignedAt: iso(receivedAt + HOUR) },
    } as DossierEvent,
  ];
  const rated = (at: number) => ({ type: 'SatisfactionRated', data: { rating: n % 5 === 0 ? 'unsatisfied' : 'satisfied', ratedAt: iso(at) } }) as DossierEvent;
  switch (n % 4) {
    case 0: {
      // supplement asked and received (the clock restarts), resolved on time
      const asked = receivedAt + 2 * HOUR;
      const back = asked + DAY;
      const newDue = back + p.days * DAY;
      events.push(
        { type: 'SupplementRequested', data: { reason: 'Thiếu bản sao giấy tờ tùy thân', requestedAt: iso(asked) } } as DossierEvent,
        {
          type: 'SupplementReceived',
          data: { receivedAt: iso(back), dueAt: iso(newDue), calendarVersion: '2024.1', previousDueAt: iso(dueAt) },
        } as DossierEvent,
        { type: 'DossierResolved', data: { outcome: 'approved', resolvedAt: iso(newDue - HOUR) } } as DossierEvent,
      );
      break;
    }
    case 1: {
      // apology and re-appointment, resolved late, rated
      events.push(
        {
          type: 'ApologyIssued',
          data: { reason: 'Cần xác minh thêm', newDueAt: iso(dueAt + 2 * DAY), letterNumber: `${n}/TB`, issuedAt: iso(dueAt - DAY), previousDueAt: iso(dueAt) },
        } as DossierEvent,
        { type: 'DossierResolved', data: { outcome: 'approved', resolvedAt: iso(dueAt + DAY) } } as DossierEvent,
        rated(dueAt + 2 * DAY),
      );
      break;
    }
    case 2: {
      // a deadline warning, resolved early (refused one time in ten), rated
      events.push(
        {
          type: 'DeadlineWarningRaised',
          data: { kind: 'near-deadline', dueAt: iso(dueAt), raisedAt: iso(dueAt - 4 * HOUR), unitCode, assignee },
        } as DossierEvent,
        { type: 'DossierResolved', data: { outcome: n % 10 === 2 ? 'refused' : 'approved', resolvedAt: iso(dueAt - 2 * HOUR) } } as DossierEvent,
        rated(dueAt),
      );
      break;
    }
    default: {
      // withdrawn while awaiting a supplement, or still open past its due time (three alerts)
      const warning = {
        type: 'DeadlineWarningRaised',
        data: { kind: 'near-deadline', dueAt: iso(dueAt), raisedAt: iso(dueAt - 4 * HOUR), unitCode, assignee },
      } as DossierEvent;
      if (n % 8 === 3) {
        events.push(
          warning,
          { type: 'SupplementRequested', data: { reason: 'Thiếu tờ khai', requestedAt: iso(dueAt - 3 * HOUR) } } as DossierEvent,
          { type: 'DossierWithdrawn', data: { reason: 'Công dân rút hồ sơ', withdrawnAt: iso(dueAt + DAY) } } as DossierEvent,
        );
      } else {
        events.push(
          warning,
          {
            type: 'ApologyCutoffReached',
            data: { kind: 'apology-cutoff', dueAt: iso(dueAt), raisedAt: iso(dueAt - 2 * HOUR), unitCode, assignee },
          } as DossierEvent,
          { type: 'DossierOverdue', data: { kind: 'overdue', dueAt: iso(dueAt), raisedAt: iso(dueAt), unitCode, assignee } } as DossierEvent,
        );
      }
      break;
    }
  }
  return { id, events };
}

function eventOccurredAt(e: DossierEvent): string {
  const d = e.data as Record<string, unknown>;
  return String(d.receivedAt ?? d.assignedAt ?? d.requestedAt ?? d.issuedAt ?? d.resolvedAt ?? d.withdrawnAt ?? d.ratedAt ?? d.raisedAt);
}

/** A seeded event as appended: a new id, the actor a clerk (by the dossier's number `n`), the business time from its data. */
function toAppend(e: DossierEvent, n: number, correlationId: string): EventToAppend {
  return {
    id: randomUUID(),
    type: e.type,
    data: e.data,
    metadata: {
      actor: { id: `clerk-${n % 7}`, name: 'Cán bộ một cửa' },
      correlationId,
      causationId: randomUUID(),
      occurredAt: eventOccurredAt(e),
      schemaVersion: DOSSIER_EVENT_SCHEMA_VERSIONS[e.type],
    },
  };
}

const INSERT = `
WITH s AS (
  INSERT INTO es_streams (stream_id, revision)
  SELECT x.stream, max(x.revision) FROM jsonb_to_recordset($1::jsonb) AS x(stream text, revision bigint) GROUP BY x.stream
)
INSERT INTO es_events (event_id, stream_id, revision, type, data, metadata)
SELECT (e.v->>'id')::uuid, e.v->>'stream', (e.v->>'revision')::bigint, e.v->>'type', e.v->'data', e.v->'metadata'
FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS e(v, ord)
ORDER BY e.ord`;

/** One new dossier stream: its id and its events, in order. */
export interface NewDossierStream {
  id: string;
  events: DossierEvent[];
}

/**
 * Writes new dossier streams (a SqlEventStore's tables, migrated) with one multi-row statement in
 * one transaction: the rows `es_append` would write. Returns the number of events written.
 */
export async function insertDossierStreams(driver: SqlDriver, dossiers: readonly NewDossierStream[]): Promise<number> {
  const rows: Record<string, unknown>[] = [];
  dossiers.forEach(({ id, events }, n) => {
    const correlationId = randomUUID();
    events.forEach((e, revision) => rows.push({ ...toAppend(e, n, correlationId), stream: dossierStreamName(id), revision }));
  });
  if (rows.length) await driver.transaction((tx) => tx.query(INSERT, [JSON.stringify(rows)]));
  return rows.length;
}

/**
 * Appends `dossiers` new dossier streams (a SqlEventStore's tables, migrated) in chunks of
 * `chunk` dossiers per statement and transaction. Returns the number of events written.
 */
export async function seedDossierEvents(
  driver: SqlDriver,
  dossiers: number,
  options: SeedOptions & { chunk?: number; onChunk?: (events: number) => void },
): Promise<number> {
  const chunk = options.chunk ?? 1000;
  const offset = options.offset ?? 0;
  let written = 0;
  for (let done = 0; done < dossiers; done += chunk) {
    const streams: NewDossierStream[] = [];
    for (let n = done; n < Math.min(dossiers, done + chunk); n++) streams.push(dossierLifecycle(offset + n, options.units));
    written += await insertDossierStreams(driver, streams);
    options.onChunk?.(written);
  }
  return written;
}

/**
 * Appends the lifecycles of `dossiers` new dossiers (numbers `offset`…) interleaved, through the
 * store: every dossier's first event, then every dossier's second, and so on, one append of all
 * the streams per round. Each dossier's events then lie about `dossiers` events apart in the log,
 * as in real life, where a dossier's steps are days apart (`seedDossierEvents` writes each stream
 * in one piece). Returns the number of events written.
 */
export async function appendInterleavedDossiers(store: EventStore, dossiers: number, options: SeedOptions): Promise<number> {
  const offset = options.offset ?? 0;
  const streams = Array.from({ length: dossiers }, (_, n) => ({ ...dossierLifecycle(offset + n, options.units), correlationId: randomUUID(), n: offset + n }));
  let written = 0;
  for (let round = 0; ; round++) {
    const parts = streams
      .filter((d) => d.events.length > round)
      .map((d) => ({ stream: dossierStreamName(d.id), events: [toAppend(d.events[round], d.n, d.correlationId)] }));
    if (parts.length === 0) return written;
    await store.appendMany!(parts);
    written += parts.length;
  }
}
