/**
 * `simulate`: generates a realistic province (units with validity dates, a few hundred procedures)
 * and a year of dossiers as NDJSON for `POST /imports`, seeded (same options → same bytes). Writes
 * the lines to --out (or stdout) and the reference data to --units-out; or, with --url, PUTs the
 * reference data and pushes the lines into a running service through the import route.
 */
import * as fs from 'node:fs';
import { MIN_SECRET_LENGTH, mintToken } from '@motcua/platform/auth';
import { simulate, type Simulation } from '@motcua/simulator';
import { parseArgs } from '../args';
import { CliCommand, CliIo, UsageError } from '../command';
import { cliTokenLifetime } from './token.command';

const CHUNK = 2_000;

function intFlag(value: string | true | undefined, name: string, def: number, min: number, max: number): number {
  if (value === undefined) return def;
  const n = Number(value);
  if (typeof value !== 'string' || !Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be a whole number from ${min} to ${max}`);
  return n;
}

function monthsFlag(value: string | true | undefined): [number, number] | undefined {
  if (value === undefined) return undefined;
  const m = typeof value === 'string' ? /^(\d{1,2})(?:-(\d{1,2}))?$/.exec(value.trim()) : null;
  const a = m ? Number(m[1]) : NaN;
  const b = m ? Number(m[2] ?? m[1]) : NaN;
  if (!(a >= 1 && b <= 12 && a <= b)) throw new UsageError('--months must be a month or a range of months, e.g. 3 or 1-6');
  return [a, b];
}

interface Progress {
  update(done: number): void;
  stop(): void;
}

function progressBar(io: CliIo, total: number): Progress {
  if (!process.stderr.isTTY) {
    let last = 0;
    return {
      update(done) {
        if (Date.now() - last < 5_000) return;
        last = Date.now();
        io.err(`progress: ${done.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} dossiers\n`);
      },
      stop: () => undefined,
    };
  }
  const { SingleBar } = require('cli-progress') as typeof import('cli-progress');
  const bar = new SingleBar({
    format: 'simulating [{bar}] {percentage}% | {value}/{total} dossiers | ETA {eta_formatted}',
    barCompleteChar: '█',
    barIncompleteChar: '░',
    hideCursor: true,
    stream: process.stderr,
  });
  bar.start(total, 0);
  return { update: (done) => bar.update(done), stop: () => bar.stop() };
}

async function token(flags: Record<string, string | true>, env: NodeJS.ProcessEnv, unit: string): Promise<string> {
  if (typeof flags.token === 'string' && flags.token.trim()) return flags.token.trim();
  if (env.MOTCUA_TOKEN?.trim()) return env.MOTCUA_TOKEN.trim();
  const secret = env.JWT_SECRET;
  if (!secret) throw new UsageError('--url needs credentials: pass --token, set MOTCUA_TOKEN, or set JWT_SECRET to mint an admin token');
  if (secret.length < MIN_SECRET_LENGTH) throw new UsageError(`JWT_SECRET must be at least ${MIN_SECRET_LENGTH} characters long`);
  return mintToken(
    {
      sub: 'cli-simulate',
      name: 'CLI simulate',
      roles: ['admin'],
      units: [unit],
      expiresIn: cliTokenLifetime(env),
      issuer: env.JWT_ISSUER || undefined,
      audience: env.JWT_AUDIENCE || undefined,
    },
    secret,
  );
}

async function push(sim: Simulation, base: string, bearer: string, io: CliIo, progress: Progress): Promise<number> {
  const headers = { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' };
  const ref = sim.referenceData();
  for (const { code, ...body } of ref.units) {
    const res = await fetch(`${base}/units/${encodeURIComponent(code)}`, { method: 'PUT', headers, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`PUT /units/${code} answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
  }
  for (const { code, ...body } of ref.procedures) {
    const res = await fetch(`${base}/procedures/${encodeURIComponent(code)}`, { method: 'PUT', headers, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`PUT /procedures/${code} answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
  }
  io.err(`reference data: ${ref.units.length} units, ${ref.procedures.length} procedures\n`);
  let chunk: string[] = [];
  let first = 1;
  let line = 0;
  let rejected = 0;
  const send = async () => {
    if (!chunk.length) return;
    const res = await fetch(`${base}/imports`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/x-ndjson', 'x-first-line': String(first) },
      body: chunk.join('\n') + '\n',
    });
    if (res.status !== 200) throw new Error(`POST /imports answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
    const r = (await res.json()) as { accepted: number; rejected: number; errors: { line: number; status: number; detail: string }[] };
    rejected += r.rejected;
    for (const e of r.errors.slice(0, Math.max(0, 20 - (rejected - r.rejected)))) io.err(`line ${e.line}: ${e.status} ${e.detail}\n`);
    first = line + 1;
    chunk = [];
    progress.update(sim.stats.dossiers);
  };
  for (const l of sim.lines()) {
    line++;
    chunk.push(l);
    if (chunk.length >= CHUNK) await send();
  }
  await send();
  // the 2025 merge through the API: each old commune passes its dossiers still open to its new commune
  for (const { code, successorCode, effectiveDate } of ref.successions) {
    const res = await fetch(`${base}/units/${encodeURIComponent(code)}/succession`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ successorCode, effectiveDate }),
    });
    if (!res.ok) throw new Error(`POST /units/${code}/succession answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
  }
  if (ref.successions.length > 0) io.err(`2025 merge: ${ref.successions.length} successions\n`);
  return rejected;
}

export const simulateCommand: CliCommand = {
  name: 'simulate',
  summary: 'generate a realistic province and a year of dossiers (NDJSON for POST /imports), seeded',
  usage: [
    'simulate [--seed 42] [--year 2025] [--dossiers 100000] [--months 1-12] [--scope <unit code>]',
    '         [--out dossiers.ndjson] [--units-out reference.json] [--url http://127.0.0.1:3000/api/v1 [--token <jwt>]]',
    '',
    '  Units: province → districts → communes until 30 June 2025, new (merged) communes directly under',
    '  the province from 1 July 2025, with validity dates; ~270 procedures over 14 sectors with their',
    '  legal processing times (1 working hour … 30 working days) and online levels.',
    '  Dossiers: receptions in office hours (online also evenings) on working days, ~45 % online, ~50 %',
    '  direct, ~5 % postal; ~8 % supplements, ~6.5 % late (most with an apology), ~2 % withdrawn, ~60 %',
    '  rated (~98 % satisfied). Lines are in time order; steps after the end of the year are left out.',
    '  The same options always give the same bytes.',
    '',
    '  --out        the NDJSON file (default: standard output)',
    '  --units-out  the reference data as JSON: {units: [{code, ...PUT /units body}], procedures: [...]}',
    '  --months     receptions only in these months, e.g. 3 or 1-6',
    '  --scope      only this unit and its descendants, e.g. one district (000.00.12.H99)',
    '  --url        instead of files: PUT the units and procedures, then POST the lines to <url>/imports',
    '               (token: --token, MOTCUA_TOKEN, or minted from JWT_SECRET for the province)',
    'Example: npm run cli -- simulate --seed 42 --dossiers 45730 --months 3 --scope 000.00.12.H99 --out march.ndjson --units-out units.json',
  ].join('\n'),

  async run(args, io) {
    const parsed = parseArgs(args, { values: ['seed', 'year', 'dossiers', 'out', 'units-out', 'url', 'token', 'months', 'scope'] });
    if (parsed.positionals.length) throw new UsageError(`unexpected argument "${parsed.positionals[0]}"`);
    const f = parsed.flags;
    const seed = intFlag(f.seed, 'seed', 42, 0, 2 ** 32 - 1);
    const year = intFlag(f.year, 'year', 2025, 2000, 2100);
    const dossiers = intFlag(f.dossiers, 'dossiers', 100_000, 0, 50_000_000);
    const months = monthsFlag(f.months);
    const scope = typeof f.scope === 'string' ? f.scope.trim() : undefined;
    const url = typeof f.url === 'string' ? f.url.trim().replace(/\/+$/, '') : undefined;
    if (f.url === true || f.out === true || f['units-out'] === true) throw new UsageError('--url, --out and --units-out need a value');
    if (url && f.out) throw new UsageError('--url and --out exclude each other');
    let sim: Simulation;
    try {
      sim = simulate({ seed, year, dossiers, months, scope });
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    if (typeof f['units-out'] === 'string') fs.writeFileSync(f['units-out'], JSON.stringify(sim.referenceData(), null, 2) + '\n');
    const started = Date.now();
    const progress = progressBar(io, dossiers);
    let rejected = 0;
    try {
      if (url) {
        rejected = await push(sim, url, await token(f, io.env, sim.province.province.code), io, progress);
      } else {
        const out = typeof f.out === 'string' ? fs.openSync(f.out, 'w') : 1;
        let buf: string[] = [];
        let size = 0;
        for (const line of sim.lines()) {
          buf.push(line);
          size += line.length + 1;
          if (size > 1 << 20) {
            fs.writeSync(out, buf.join('\n') + '\n');
            buf = [];
            size = 0;
          }
        }
        if (buf.length) fs.writeSync(out, buf.join('\n') + '\n');
        if (out !== 1) fs.closeSync(out);
      }
    } finally {
      progress.stop();
    }
    const s = sim.stats;
    const pct = (a: number, b: number) => (b ? ((a * 100) / b).toFixed(1) : '0.0') + ' %';
    io.err(
      `${s.dossiers.toLocaleString('en-US')} dossiers, ${s.lines.toLocaleString('en-US')} lines in ${((Date.now() - started) / 1000).toFixed(1)} s` +
        `${typeof f.out === 'string' ? ` → ${f.out}` : ''}${url ? ` → ${url}/imports (${rejected} rejected)` : ''}\n` +
        `channels: online ${pct(s.byChannel.online, s.dossiers)}, direct ${pct(s.byChannel.direct, s.dossiers)}, postal ${pct(s.byChannel.postal, s.dossiers)}; ` +
        `supplements ${pct(s.supplements, s.dossiers)}, withdrawn ${pct(s.withdrawn, s.dossiers)}; late ${pct(s.late, s.resolved)} of resolved, ` +
        `apologies for ${pct(s.apologies, s.late)} of them; rated ${pct(s.rated, s.resolved)}, satisfied ${pct(s.satisfied, s.rated)}; open at year end ${s.openAtEnd}\n`,
    );
    return rejected ? 1 : 0;
  },
};
