/**
 * Import benchmark (issue: "import throughput (lines/s) for 100k NDJSON lines"): 50k receptions and
 * their 50k resolutions posted in order, in chunks of 2,000 lines, to `POST /imports` of the real app
 * on PGlite and on PostgreSQL, as the CLI `import` command does.
 */
import { randomUUID } from 'node:crypto';
import { Column, fmtInt, fmtMs, LatencyRecorder, markdownTable, nowMs, settle, summarize } from './support';
import { BenchTarget, PROCEDURE, startBenchService, TARGETS, WARDS } from './http.bench';
import { IMPORT_BATCH_LINES } from '../apps/api/src/imports/imports.controller';

export const IMPORT_CHUNK = 2_000;

export function importSizes(quick: boolean): { lines: number } {
  return { lines: quick ? 20_000 : 100_000 };
}

const APPLICANTS = ['Nguyễn Văn An', 'Trần Thị Bích Ngọc', 'Lê Hoàng Phúc', 'Phạm Thị Thu Hương', 'Hoàng Minh Đức', 'Vũ Thị Lan Anh'];
/** 2024-01-02 08:00 +07:00 (a working day): receptions are spread from here, 10 minutes apart. */
const FIRST_RECEPTION = Date.parse('2024-01-02T08:00:00+07:00');

/**
 * The NDJSON text of `lines` lines in chunks of IMPORT_CHUNK: each chunk holds 1,000 receptions
 * (round-robin over 20 wards, 10 minutes apart, so about 7 a ward a day) followed by their 1,000
 * resolutions a day later. Historical data: every `occurredAt` is in the past.
 */
export function importChunks(lines: number): string[] {
  const chunks: string[] = [];
  let n = 0;
  for (let done = 0; done < lines; done += IMPORT_CHUNK) {
    const size = Math.min(IMPORT_CHUNK, lines - done);
    const half = Math.ceil(size / 2);
    const receives: string[] = [];
    const resolves: string[] = [];
    for (let i = 0; i < half; i++, n++) {
      const id = randomUUID();
      const at = new Date(FIRST_RECEPTION + n * 10 * 60_000);
      receives.push(
        JSON.stringify({
          command: 'receive',
          dossierId: id,
          unitCode: WARDS[n % WARDS.length],
          procedureCode: PROCEDURE,
          channel: n % 3 === 0 ? 'online' : 'direct',
          applicant: { name: APPLICANTS[n % APPLICANTS.length], idNumber: '079203001234', phone: '0901234567' },
          occurredAt: at.toISOString(),
        }),
      );
      resolves.push(
        JSON.stringify({
          command: 'resolve',
          dossierId: id,
          outcome: n % 10 === 0 ? 'refused' : 'approved',
          occurredAt: new Date(at.getTime() + 86_400_000).toISOString(),
        }),
      );
    }
    chunks.push([...receives, ...resolves].slice(0, size).join('\n') + '\n');
  }
  return chunks;
}

export interface ImportRow {
  target: BenchTarget;
  lines: number;
  chunks: number;
  seconds: number;
  linesPerSec: number;
  accepted: number;
  rejected: number;
  p50ChunkMs: number;
  p99ChunkMs: number;
  queriesPerLine: number;
  note?: string;
}

export interface ImportBenchOptions {
  quick: boolean;
  targets?: readonly BenchTarget[];
  log?: (line: string) => void;
}

export async function runImportBench(opts: ImportBenchOptions): Promise<ImportRow[]> {
  const log = opts.log ?? ((l: string) => console.log(l));
  const { lines } = importSizes(opts.quick);
  const rows: ImportRow[] = [];
  for (const target of opts.targets ?? TARGETS) {
    const chunks = importChunks(lines);
    const svc = await startBenchService(target, 'import');
    try {
      const post = async (body: string, firstLine: number) => {
        const res = await fetch(`${svc.baseUrl}/imports`, {
          method: 'POST',
          headers: { authorization: `Bearer ${svc.adminToken}`, 'content-type': 'application/x-ndjson', 'x-first-line': String(firstLine) },
          body,
        });
        if (res.status !== 200) throw new Error(`POST /imports answered ${res.status}: ${await res.text()}`);
        return (await res.json()) as { accepted: number; rejected: number; errors: { line: number; status: number; detail: string }[] };
      };
      // untimed warm-up: 200 lines of the same shape (other dossiers)
      await post(importChunks(200)[0], 1);
      await settle();
      svc.takeQueryCount();
      const latency = new LatencyRecorder();
      let accepted = 0;
      let rejected = 0;
      let firstError: string | undefined;
      const started = nowMs();
      let line = 1;
      let lastLog = started;
      for (const chunk of chunks) {
        const r = await latency.measure(() => post(chunk, line));
        accepted += r.accepted;
        rejected += r.rejected;
        if (r.errors.length && !firstError) firstError = `line ${r.errors[0].line}: ${r.errors[0].status} ${r.errors[0].detail}`;
        line += IMPORT_CHUNK;
        if (nowMs() - lastLog > 10_000) {
          lastLog = nowMs();
          log(`  ${target}: ${fmtInt(accepted + rejected)} lines, ${fmtInt(((accepted + rejected) * 1000) / (lastLog - started))} lines/s`);
        }
      }
      const ms = nowMs() - started;
      const queries = svc.takeQueryCount();
      const s = summarize(latency.values());
      const row: ImportRow = {
        target,
        lines,
        chunks: chunks.length,
        seconds: ms / 1000,
        linesPerSec: (lines * 1000) / ms,
        accepted,
        rejected,
        p50ChunkMs: s.p50,
        p99ChunkMs: s.p99,
        queriesPerLine: queries / lines,
        note: rejected ? `first error: ${firstError}` : undefined,
      };
      rows.push(row);
      log(
        `${target} import: ${fmtInt(row.linesPerSec)} lines/s (${fmtInt(lines)} lines in ${row.seconds.toFixed(1)} s), ` +
          `${fmtInt(accepted)} accepted, ${fmtInt(rejected)} rejected, ${row.queriesPerLine.toFixed(1)} SQL/line`,
      );
    } finally {
      await svc.close();
    }
  }
  return rows;
}

export const IMPORT_COLUMNS: Column<ImportRow>[] = [
  { header: 'Store', value: (r) => r.target },
  { header: 'Lines', align: 'right', value: (r) => fmtInt(r.lines) },
  { header: 'Requests', align: 'right', value: (r) => fmtInt(r.chunks) },
  { header: 'Time (s)', align: 'right', value: (r) => r.seconds.toFixed(1) },
  { header: 'Lines/s', align: 'right', value: (r) => fmtInt(r.linesPerSec) },
  { header: 'Accepted', align: 'right', value: (r) => fmtInt(r.accepted) },
  { header: 'Rejected', align: 'right', value: (r) => fmtInt(r.rejected) },
  { header: 'p50 per request (ms)', align: 'right', value: (r) => fmtMs(r.p50ChunkMs) },
  { header: 'p99 per request (ms)', align: 'right', value: (r) => fmtMs(r.p99ChunkMs) },
  { header: 'SQL/line', align: 'right', value: (r) => r.queriesPerLine.toFixed(1) },
  { header: 'Notes', value: (r) => r.note ?? '' },
];

export function importTable(rows: ImportRow[]): string {
  return markdownTable(IMPORT_COLUMNS, rows);
}

export function importMethod(quick: boolean): string[] {
  const { lines } = importSizes(quick);
  return [
    `${fmtInt(lines)} NDJSON lines: ${fmtInt(lines / 2)} receptions and their ${fmtInt(lines / 2)} resolutions, ` +
      `posted in order to \`POST /imports\` in ${fmtInt(lines / IMPORT_CHUNK)} requests of ${fmtInt(IMPORT_CHUNK)} lines ` +
      `(each: 1,000 receptions, then their resolutions), one request at a time, as the CLI \`import\` command sends them.`,
    `Historical data: receptions 10 minutes apart from 2 January 2024, round-robin over 20 wards (about 7 per ` +
      `ward and day), each resolved a day later. Every line is a full command (validation, due-time ` +
      `computation, dossier code allocation, decision against the dossier's events).`,
    `The service decides a request's lines in batches of ${IMPORT_BATCH_LINES} against a unit of work (the store plus the ` +
      `batch's earlier lines: one query loads the batch's dossier streams) and commits each batch with one ` +
      `multi-stream append (\`es_append_many\`: one transaction, every stream's expected revision checked); a refused ` +
      `line is rolled back alone, and a batch that lost a race with another writer is applied again line by line. ` +
      `Before November 2026 every line was its own command and transaction (4 statements and 2 commits a reception): ` +
      `286 lines/s on PGlite and 315 on PostgreSQL on this machine.`,
    `Same app and stores as the HTTP benchmark (PGlite in a fresh directory with the worker and its ` +
      `projections in process; PostgreSQL in a fresh schema, api only), after an untimed warm-up import of 200 lines. ` +
      `SQL/line counts every statement the process sent during the import, divided by the lines (on PGlite this ` +
      `includes the in-process projections and timers, which share its one connection and its CPU).`,
  ];
}

/** The entry for bench/run.ts (`--only=import`); rows are ImportRow, drawn by importTable. */
export const importBenchDefinition = {
  name: 'import',
  title: 'Bulk import (NDJSON)',
  run: (opts: { quick: boolean }) => runImportBench(opts) as Promise<unknown[]> as Promise<never[]>,
  table: (rows: readonly unknown[]) => importTable(rows as ImportRow[]),
  method: importMethod,
};
