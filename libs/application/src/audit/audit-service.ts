import { createHash } from 'node:crypto';
import { dossierStreamName } from '@motcua/domain';
import { BrokenLink, createChainVerifier, EventStore, Position, RecordedEvent } from '@motcua/event-store/audit-api';
import { CommandContext } from '../context';
import { AccessDeniedError, NotFoundError } from '../errors';
import { ReferenceService } from '../reference/reference-service';
import { unitStream } from '../reference/events';
import { assertUnitAccess, coveredUnits, coversEveryUnit, UnitScoped } from '../reference/unit-access';

export interface VerifyReport {
  ok: boolean;
  stream?: string;
  checked: number;
  streams: number;
  firstBroken?: BrokenLink;
  /** `all`: the whole log; `units`: the dossier and unit streams of the caller's units (`units`). */
  scope?: 'all' | 'units';
  units?: string[];
}

export const EXPORT_FORMAT = 'motcua-audit-export';

/** Tamper evidence: walks hash chains in the store, exports them, re-verifies exports offline. */
export class AuditService {
  constructor(
    private readonly store: EventStore,
    private readonly reference?: ReferenceService,
  ) {}

  async verifyStream(stream: string): Promise<VerifyReport> {
    const verifier = createChainVerifier();
    const events = await this.store.readStream(stream);
    if (events.length === 0) throw new NotFoundError(`Stream ${stream} does not exist`);
    for (const e of events) verifier.add(e);
    return { ok: !verifier.firstBroken, stream, checked: verifier.checked, streams: 1, firstBroken: verifier.firstBroken };
  }

  /** The whole log in global order (each stream's events come in revision order). */
  async verifyAll(onProgress?: (checked: number) => void, pageSize = 5_000): Promise<VerifyReport> {
    const verifier = createChainVerifier();
    let from: Position | undefined;
    for (;;) {
      const page = await this.store.readAll({ fromPosition: from, limit: pageSize });
      for (const e of page) verifier.add(e);
      onProgress?.(verifier.checked);
      if (page.length < pageSize) break;
      from = page[page.length - 1].position;
    }
    return { ok: !verifier.firstBroken, checked: verifier.checked, streams: verifier.streams, firstBroken: verifier.firstBroken };
  }

  /**
   * The walk a caller may ask for without naming a stream: the whole log when their units cover
   * every root unit (the whole tree: province auditors of a one-province deployment), else the
   * dossier streams received in their units' subtrees and those units' own streams. A caller
   * whose units cover no existing unit (`[]`, `["*"]`) is refused (403).
   */
  async verifyFor(who: UnitScoped): Promise<VerifyReport> {
    const ref = this.requireReference();
    if (coversEveryUnit(ref.data, who)) return { ...(await this.verifyAll()), scope: 'all' };
    const units = coveredUnits(ref.data, who).sort();
    if (units.length === 0) throw new AccessDeniedError(`your units (${who.units.join(', ') || 'none'}) cover no unit: there is nothing you may verify`);
    const verifier = createChainVerifier();
    const streams = [...units.map(unitStream), ...(await this.dossierIdsOf(new Set(units))).map(dossierStreamName)];
    for (const stream of streams) for (const e of await this.store.readStream(stream)) verifier.add(e);
    return { ok: !verifier.firstBroken, checked: verifier.checked, streams: verifier.streams, firstBroken: verifier.firstBroken, scope: 'units', units };
  }

  /** Who may walk the one stream `stream` (not a dossier's: those are scoped like the dossier). */
  assertMayVerifyStream(who: UnitScoped, stream: string): void {
    const ref = this.requireReference();
    if (stream.startsWith('unit-')) return assertUnitAccess(ref.data, who, stream.slice('unit-'.length));
    if (!coversEveryUnit(ref.data, who)) {
      throw new AccessDeniedError(`stream ${stream} is not a dossier's or a unit's: only a caller whose units cover every root unit may verify it`);
    }
  }

  private requireReference(): ReferenceService {
    if (!this.reference) throw new Error('AuditService needs reference data for unit scopes');
    return this.reference;
  }

  /** Ids of the dossiers received in `units`, optionally on local days [from, to]. */
  private async dossierIdsOf(units: ReadonlySet<string>, from?: string, to?: string): Promise<string[]> {
    const ids: string[] = [];
    let pos: Position | undefined;
    for (;;) {
      const page = await this.store.readAll({ fromPosition: pos, limit: 5_000, filter: { eventTypes: ['DossierReceived'] } });
      for (const e of page) {
        const d = e.data as { dossierId: string; unitCode: string; receivedAt: string; timeZone?: string };
        if (!units.has(d.unitCode)) continue;
        if (from !== undefined && to !== undefined) {
          const day = localDay(d.receivedAt, d.timeZone ?? 'Asia/Ho_Chi_Minh');
          if (day < from || day > to) continue;
        }
        ids.push(d.dossierId);
      }
      if (page.length < 5_000) break;
      pos = page[page.length - 1].position;
    }
    return ids;
  }

  /**
   * NDJSON export of the dossier streams of a unit subtree received in [from, to] (local dates of
   * reception): a header line, one line per event (with its hashes), and a closing line holding
   * the sha256 of every line before it, so that one changed byte anywhere is detected.
   */
  async *exportUnit(unitCode: string, from: string, to: string, ctx: CommandContext): AsyncGenerator<string> {
    const ref = this.requireReference();
    if (!ref.data.units.has(unitCode)) throw new NotFoundError(`Unit ${unitCode} does not exist`);
    assertUnitAccess(ref.data, ctx.actor, unitCode);
    const ids = await this.dossierIdsOf(new Set(ref.data.subtree(unitCode)), from, to);
    const digest = createHash('sha256');
    const emit = (obj: unknown) => {
      const line = JSON.stringify(obj);
      digest.update(line + '\n');
      return line + '\n';
    };
    yield emit({ format: EXPORT_FORMAT, version: 1, unitCode, from, to, exportedAt: new Date().toISOString(), exportedBy: ctx.actor.id, streams: ids.length });
    let events = 0;
    for (const id of ids) {
      for (const e of await this.store.readStream(dossierStreamName(id))) {
        events++;
        yield emit(toLine(e));
      }
    }
    yield JSON.stringify({ end: true, events, sha256: digest.digest('hex') }) + '\n';
  }
}

function toLine(e: RecordedEvent) {
  return { stream: e.stream, revision: e.revision.toString(), id: e.id, type: e.type, data: e.data, metadata: e.metadata, recordedAt: e.recordedAt };
}

const fmt = new Map<string, Intl.DateTimeFormat>();
function localDay(iso: string, tz: string): string {
  let f = fmt.get(tz);
  if (!f) fmt.set(tz, (f = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' })));
  return f.format(new Date(iso));
}

/**
 * Re-verifies an export offline: the closing digest over every line, then each stream's chain.
 */
export function verifyExport(text: string): VerifyReport & { digestOk: boolean; reason?: string } {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const fail = (reason: string) => ({ ok: false, digestOk: false, checked: 0, streams: 0, reason });
  if (lines.length < 2) return fail('not a motcua export: too short');
  let header: { format?: string };
  let closing: { end?: boolean; sha256?: string; events?: number };
  try {
    header = JSON.parse(lines[0]);
    closing = JSON.parse(lines[lines.length - 1]);
  } catch {
    return fail('not a motcua export: a header or closing line is not JSON');
  }
  if (header.format !== EXPORT_FORMAT || !closing.end) return fail('not a motcua export (format or closing line missing)');
  const digest = createHash('sha256');
  for (const line of lines.slice(0, -1)) digest.update(line + '\n');
  const digestOk = digest.digest('hex') === closing.sha256;
  const verifier = createChainVerifier();
  for (let i = 1; i < lines.length - 1; i++) {
    let e: ReturnType<typeof toLine>;
    try {
      e = JSON.parse(lines[i]);
    } catch {
      return { ...fail(`line ${i + 1} is not JSON`), checked: verifier.checked };
    }
    verifier.add({ ...e, revision: BigInt(e.revision) } as never);
  }
  const ok = digestOk && !verifier.firstBroken && closing.events === verifier.checked;
  return {
    ok,
    digestOk,
    checked: verifier.checked,
    streams: verifier.streams,
    firstBroken: verifier.firstBroken,
    reason: ok
      ? undefined
      : !digestOk
        ? 'the file was changed after export (digest mismatch)'
        : verifier.firstBroken
          ? verifier.firstBroken.reason
          : 'event count mismatch',
  };
}
