import { randomUUID } from 'node:crypto';
import { DossierService, ReferenceService, SYSTEM_ACTOR } from '@motcua/application';
import { HashChainingEventStore, MemoryEventStore, StreamAppend } from '@motcua/event-store';
import { IMPORT_BATCH_LINES, MAX_LISTED_IMPORT_ERRORS, runImport } from './imports.controller';

const WARD = '000.27.01.H29';
const BIRTH = '1.001612';
const base = { actor: SYSTEM_ACTOR, correlationId: 'import-spec' };

async function setup() {
  const inner = new MemoryEventStore();
  const store = new HashChainingEventStore(inner);
  const reference = new ReferenceService(store);
  const ctx = { ...base, causationId: 'c', now: new Date() };
  await reference.putUnit('000.00.00.H29', { name: 'Tỉnh', level: 'province' } as never, ctx);
  await reference.putUnit('000.00.27.H29', { name: 'Huyện', level: 'district', parentCode: '000.00.00.H29' } as never, ctx);
  await reference.putUnit(WARD, { name: 'Xã', level: 'commune', parentCode: '000.00.27.H29' } as never, ctx);
  await reference.putProcedure(BIRTH, { name: 'Đăng ký khai sinh', field: 'Hộ tịch', processingTime: { amount: 3, unit: 'working_day' } } as never, ctx);
  return { inner, store, dossiers: new DossierService(store, reference) };
}

const receive = (id: string, i: number) =>
  JSON.stringify({
    command: 'receive',
    dossierId: id,
    unitCode: WARD,
    procedureCode: BIRTH,
    channel: 'direct',
    applicant: { name: `Công dân ${i}` },
    occurredAt: '2025-03-04T08:00:00+07:00',
  });
const resolve = (id: string) => JSON.stringify({ command: 'resolve', dossierId: id, outcome: 'approved', occurredAt: '2025-03-05T08:00:00+07:00' });

describe('runImport (batches of lines in one transaction)', () => {
  it('commits each batch with one multi-stream append; a refused line changes nothing and its batch still commits', async () => {
    const { inner, dossiers } = await setup();
    const calls: number[] = [];
    const appendMany = inner.appendMany.bind(inner);
    inner.appendMany = async (parts: StreamAppend[]) => {
      calls.push(parts.length);
      return appendMany(parts);
    };
    const ids = Array.from({ length: IMPORT_BATCH_LINES }, () => randomUUID());
    const lines = ids.flatMap((id, i) => [receive(id, i), resolve(id)]);
    // line 4: ids[1] resolved before it was received (refused); its reception on line 3 stays
    lines[3] = JSON.stringify({ command: 'resolve', dossierId: ids[1], outcome: 'approved', occurredAt: '2025-03-01T08:00:00+07:00' });
    lines.push(resolve(ids[0])); // line 501: a second resolution, refused
    const r = await runImport(dossiers, lines.join('\n'), base);
    expect(r.errors.map((e) => [e.line, e.status])).toEqual([
      [4, 422],
      [2 * IMPORT_BATCH_LINES + 1, 422],
    ]);
    expect(r.accepted).toBe(2 * IMPORT_BATCH_LINES - 1);
    expect(calls.length).toBe(2); // 501 lines: batches of 250, 250 and 1 (refused: nothing to write)
    const all = await inner.readAll({ filter: { streamPrefixes: ['dossier-'] } });
    expect(all.length).toBe(2 * IMPORT_BATCH_LINES - 1);
    expect((await inner.readStream(`dossier-${ids[1]}`)).map((e) => e.type)).toEqual(['DossierReceived']);
    const codes = all.filter((e) => e.type === 'DossierReceived').map((e) => (e.data as { code: string }).code);
    expect(codes.map((c) => Number(c.slice(-4)))).toEqual(ids.map((_, i) => i + 1));
  });

  it('a batch whose streams another writer moved meanwhile is written again line by line, with nothing lost or doubled', async () => {
    const { inner, store, dossiers } = await setup();
    const appendMany = inner.appendMany.bind(inner);
    let raced = false;
    const intruder = randomUUID();
    inner.appendMany = async (parts: StreamAppend[]) => {
      if (!raced) {
        raced = true; // a counter clerk receives a dossier in the same unit and day just before the commit
        await dossiers.receive(
          { id: intruder, unitCode: WARD, procedureCode: BIRTH, channel: 'direct', applicant: { name: 'Khách' } },
          { ...base, causationId: 'x', now: new Date(), occurredAt: new Date('2025-03-04T01:30:00Z') },
        );
      }
      return appendMany(parts);
    };
    const modes: string[] = [];
    const ids = Array.from({ length: 10 }, () => randomUUID());
    const r = await runImport(dossiers, ids.map((id, i) => receive(id, i)).join('\n'), base, 1, (m) => modes.push(m));
    expect(r).toEqual({ accepted: 10, rejected: 0, errors: [] });
    expect(modes).toEqual(['line-by-line']);
    const codes = (await inner.readAll({ filter: { eventTypes: ['DossierReceived'] } })).map((e) => (e.data as { code: string }).code);
    expect(codes.map((c) => Number(c.slice(-4))).sort((a, b) => a - b)).toEqual(Array.from({ length: 11 }, (_, i) => i + 1));
    expect(store.kind).toBe('memory');
  });

  it('lists the first 1,000 rejected lines and only counts the rest', async () => {
    const { dossiers } = await setup();
    const id = randomUUID();
    const lines = Array.from({ length: 3_000 }, (_, i) => (i === 1_500 ? receive(id, i) : `{"command": "nope", "n": ${i}}`));
    const r = await runImport(dossiers, lines.join('\n'), base);
    expect(r.accepted).toBe(1);
    expect(r.rejected).toBe(2_999);
    expect(r.errors.length).toBe(MAX_LISTED_IMPORT_ERRORS);
    expect(r.errors[0]).toMatchObject({ line: 1, status: 400 });
    expect(r.errors[MAX_LISTED_IMPORT_ERRORS - 1].line).toBe(MAX_LISTED_IMPORT_ERRORS);
    expect(r).toMatchObject({ errorsTruncated: true, omittedErrors: 1_999 });
  });
});
