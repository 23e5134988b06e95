/**
 * `npm run bench` (= `npm run build && node dist/bench/run.js`).
 *
 *   node dist/bench/run.js [--quick] [--only=<name>[,<name>...]] [--no-write]
 *
 * --quick     about a tenth of the sizes (smoke test; figures are marked as such)
 * --only      run only these benchmarks (names below, e.g. --only=event-store)
 * --no-write  print the sections instead of writing them into docs/performance.md
 *
 * Each benchmark owns one section of docs/performance.md, between
 * `<!-- bench:<name>:start -->` and `<!-- bench:<name>:end -->`; the rest of the document is
 * left alone.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BATCH_SIZE, benchEventBytes, eventStoreSizes, READ_PAGE, runEventStoreBench, STREAMS_PER_WRITER } from './event-store.bench';
import {
  BenchRow,
  benchTransport,
  benchTable,
  filesystemOf,
  fmtInt,
  machineInfo,
  packageVersion,
  postgresDurability,
  pgliteSettings,
  postgresVersion,
  writeSection,
} from './support';
import { httpBenchDefinition } from './http.bench';
import { importBenchDefinition } from './import.bench';
import { projectionsBenchDefinition } from './projections.bench';
import { statisticsBenchDefinition } from './statistics.bench';
interface BenchDefinition {
  /** Name for --only and the section markers. */
  name: string;
  title: string;
  run(opts: { quick: boolean }): Promise<BenchRow[]>;
  /** How it was measured: Markdown bullet points under the table. */
  method(quick: boolean): string[];
  /** The results table, for rows of another shape (default: benchTable). */
  table?(rows: readonly unknown[]): string;
}

const BENCHES: BenchDefinition[] = [
  {
    name: 'event-store',
    title: 'Event store',
    run: (opts) => runEventStoreBench(opts),
    method(quick) {
      const s = eventStoreSizes(quick);
      return [
        `Each append configuration runs in a fresh store: PGlite in a fresh temporary directory ` +
          `(file-backed, as users run it), PostgreSQL in a fresh schema (dropped afterwards).`,
        `${fmtInt(s.singleAppends)} single-event appends per configuration; ${fmtInt(s.batchedEvents)} events ` +
          `in appends of ${BATCH_SIZE} events. A short untimed warm-up on other streams comes first, and the ` +
          `OS write-back cache is flushed (\`sync\`) before each timed run.`,
        `Writers are concurrent async loops in one Node process; each appends round-robin to its own ` +
          `${STREAMS_PER_WRITER} streams with the exact expected revision, so no append ever conflicts. ` +
          `PostgreSQL uses a pool of 8 connections; PGlite has one connection, so its 8 writers are serialised.`,
        `Events are ~${benchEventBytes()} bytes of JSON (data + metadata: Vietnamese text, ISO dates, actor, ` +
          `correlationId, causationId, occurredAt, schemaVersion). Latencies are per append call ` +
          `(per page for read-all), as seen by the caller; Ops/s counts appends (pages for read-all).`,
        `Read-all: \`readAll\` from the start of the log in pages of ${fmtInt(READ_PAGE)}, each page from the ` +
          `last position of the previous one, over the store written by the last append run (8 writers, ` +
          `batches), including its warm-up events.`,
      ];
    },
  },
  httpBenchDefinition,
  importBenchDefinition,
  statisticsBenchDefinition,
  require('./timers.bench').timersBenchDefinition, // timers: end to end (scheduling subscription, alert lateness through DossierService, sweep after Redis loss)
  require('./peers/emmett.bench').emmettBenchDefinition, // peer-emmett: append throughput, ours vs Emmett
  require('./peers/pgboss.bench').pgBossBenchDefinition, // peer-pgboss: 400k timers, BullMQ vs pg-boss (scheduling rate, bytes/timer, lateness)
  require('./peers/import-sim.bench').importSimBenchDefinition, // import-district-month: 45,730 simulated dossiers
  require('./peers/import-sim.bench').importCampaignMonthBenchDefinition, // import-campaign-month: the same under a campaign window (issue #15)
  projectionsBenchDefinition,
  require('./service-cpu.bench').serviceCpuBenchDefinition, // service-cpu: the built service (npm start) idle, and CPU per POST /dossiers against a raw Node server (issue #20)
];

function parseArgs(argv: string[]): { quick: boolean; only?: string[]; write: boolean } {
  let quick = false;
  let write = true;
  let only: string[] | undefined;
  for (const arg of argv) {
    if (arg === '--quick') quick = true;
    else if (arg === '--no-write') write = false;
    else if (arg.startsWith('--only='))
      only = arg
        .slice('--only='.length)
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    else throw new Error(`Unknown argument "${arg}". Usage: run.js [--quick] [--only=<name>[,...]] [--no-write]`);
  }
  return { quick, only, write };
}

/** The repository root (the directory holding the package.json), from src or from dist. */
function repoRoot(): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'infra'))) return dir;
    dir = path.dirname(dir);
  }
  return process.cwd();
}

const INTRO = `# Performance

Figures measured by the benchmarks in \`bench/\`. Run them with

\`\`\`sh
npm run services:start   # the local PostgreSQL (and Redis) used by tests and benchmarks
npm run bench            # build, run every benchmark, rewrite the sections below
npm run bench -- --quick # about a tenth of the sizes, a smoke test
npm run bench -- --only=event-store
\`\`\`

Each benchmark rewrites only its own section (between its \`<!-- bench:... -->\` markers); the rest of
this document is written by hand. The figures are measured on the CI machine class: 2 cores. They are
orders of magnitude, not guarantees: rerun on your hardware before sizing a deployment.
`;

async function environment(quick: boolean, loadBefore: number): Promise<string> {
  const m = machineInfo();
  const pg = await postgresVersion();
  const durability = await postgresDurability();
  const settings = Object.entries(durability)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  const { server_version: pgliteServer, ...pgliteRest } = await pgliteSettings();
  const pgliteText = [pgliteServer ? `PostgreSQL ${pgliteServer}` : '', ...Object.entries(pgliteRest).map(([k, v]) => `${k}=${v}`)].filter(Boolean).join(', ');
  const when = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  return [
    `- Date: ${when}${quick ? ' (**quick run**: about a tenth of the sizes, for smoke testing only)' : ''}`,
    `- Machine: ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB RAM (${m.platform}); ` + `1-minute load average before the run: ${loadBefore.toFixed(2)}`,
    `- Node ${m.node}`,
    `- PostgreSQL ${pg ?? 'not reachable'}${settings ? ` (${settings})` : ''}, ${benchTransport()}`,
    `- PGlite ${packageVersion('@electric-sql/pglite')}${pgliteText ? ` (${pgliteText})` : ''}, in process, ` +
      `data directory in ${os.tmpdir()} (${filesystemOf(os.tmpdir())})`,
  ].join('\n');
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const selected = args.only ? BENCHES.filter((b) => args.only!.includes(b.name)) : BENCHES;
  if (args.only) {
    const unknown = args.only.filter((n) => !BENCHES.some((b) => b.name === n));
    if (unknown.length) throw new Error(`Unknown benchmark(s): ${unknown.join(', ')}. Known: ${BENCHES.map((b) => b.name).join(', ')}`);
  }
  const doc = path.join(repoRoot(), 'docs', 'performance.md');

  for (const bench of selected) {
    console.log(`== ${bench.name}${args.quick ? ' (quick)' : ''}`);
    const loadBefore = os.loadavg()[0];
    const started = Date.now();
    const rows = await bench.run({ quick: args.quick });
    const seconds = (Date.now() - started) / 1000;
    const section = [
      `## ${bench.title}`,
      '',
      await environment(args.quick, loadBefore),
      `- Whole benchmark: ${seconds.toFixed(0)} s`,
      '',
      (bench.table ?? benchTable)(rows),
      '',
      ...bench.method(args.quick).map((line) => `- ${line}`),
    ].join('\n');
    if (args.write) {
      writeSection(doc, bench.name, section, INTRO);
      console.log(`${bench.name}: ${rows.length} rows written to ${path.relative(process.cwd(), doc)} (${seconds.toFixed(0)} s)`);
    } else {
      console.log(`\n${section}\n`);
    }
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
