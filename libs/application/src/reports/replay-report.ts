import { dossierStreamName, toDossierEvent } from '@motcua/domain';
import { EventStore } from '@motcua/event-store/port';
import { ApologyCutoffFn, DossierFacts, factsFromEvents } from './dossier-facts';
import { computeReport, Report, ReportPerspective, RowKey, unitRowOf } from './report';
import { computeIndicatorTable, IndicatorTable, withIndicators } from './indicators';
import type { WorkingTimeMeasure } from '@motcua/domain';

export interface ReplayReportOptions {
  unitCode: string;
  /** Units whose dossiers count (the subtree as it was in the period). */
  units: readonly string[];
  /** Candidate dossier ids (a superset is fine: e.g. every dossier of those units known now). */
  dossierIds: Iterable<string>;
  from: string;
  to: string;
  timeZone: string;
  groupBy: 'unit' | 'field' | 'procedure';
  parentOf: (code: string) => string | undefined;
  unitName: (code: string) => string;
  procedureName: (code: string) => string | undefined;
  /** Only events recorded at or before this moment count (bitemporal: "as the system knew it then"). */
  asRecordedAt: Date;
  apologyCutoff?: ApologyCutoffFn;
  /** Only the dossiers received under this campaign window. */
  campaignId?: string;
  perspective?: ReportPerspective;
  /** Add the QĐ 766 indicators (issue #18), the processing time measured with this working time. */
  indicators?: boolean;
  workingTime?: WorkingTimeMeasure;
  /** Receives the indicator tallies (for level subtotals). */
  onIndicatorTable?: (table: IndicatorTable) => void;
}

/**
 * The report exactly as the system would have answered at `asRecordedAt`: every candidate dossier's
 * stream is replayed from the event store, keeping only the events recorded by then (a backdated
 * entry recorded later is ignored even though its business time falls in the period). Slower than
 * the read model (one stream read per dossier), meant for audits of a published report.
 */
export async function replayReport(store: EventStore, o: ReplayReportOptions): Promise<Report> {
  const limit = o.asRecordedAt.getTime();
  const facts: DossierFacts[] = [];
  const ids = [...o.dossierIds];
  const concurrency = 16;
  for (let i = 0; i < ids.length; i += concurrency) {
    const batch = await Promise.all(
      ids.slice(i, i + concurrency).map(async (id) => {
        const events = (await store.readStream(dossierStreamName(id))).filter((e) => Date.parse(e.recordedAt) <= limit);
        return events.length
          ? factsFromEvents(
              events.map((e) => toDossierEvent(e)),
              id,
              o.apologyCutoff,
              o.workingTime,
            )
          : undefined;
      }),
    );
    for (const f of batch) if (f && (o.campaignId === undefined || f.campaignId === o.campaignId)) facts.push(f);
  }
  const rowOf: (f: DossierFacts) => RowKey | undefined =
    o.groupBy === 'unit'
      ? unitRowOf(o.unitCode, o.parentOf, o.unitName)
      : o.groupBy === 'field'
        ? (f) => ({ key: f.field, name: f.field })
        : (f) => ({ key: f.procedureCode, name: o.procedureName(f.procedureCode) ?? f.procedureName ?? f.procedureCode });
  const options = { unitCode: o.unitCode, units: o.units, from: o.from, to: o.to, timeZone: o.timeZone, rowOf, perspective: o.perspective };
  const report = computeReport(facts, options);
  if (!o.indicators) return report;
  const table = computeIndicatorTable(facts, options);
  o.onIndicatorTable?.(table);
  return withIndicators(report, table);
}
