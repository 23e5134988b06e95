/**
 * `import <file.ndjson>`: streams an NDJSON file to a running service's `POST /imports` in chunks
 * of N lines (in order: a later line may depend on an earlier one), with `X-First-Line` so that the
 * line numbers in the errors are the file's. Progress bar on a terminal, periodic progress lines
 * otherwise. Exit codes: 0 every line accepted, 1 some rejected (or the import stopped), 2 usage,
 * 3 service unreachable.
 */
import * as fs from 'node:fs';
import { MIN_SECRET_LENGTH, mintToken } from '@motcua/platform/auth';
import { parseArgs, splitList } from '../args';
import { CliCommand, CliIo, UsageError } from '../command';
import { cliTokenLifetime } from './token.command';

const DEFAULT_URL = 'http://127.0.0.1:3000/api/v1';
const DEFAULT_CHUNK = 1000;
const MAX_CHUNK = 100_000;
/** A chunk is also sent once it holds this many bytes (the service takes 64 MiB by default). */
const MAX_CHUNK_BYTES = 8 * 1024 * 1024;
const SHOWN_ERRORS = 50;
/** Without a terminal: one progress line at most this often. */
const PLAIN_PROGRESS_MS = 5_000;

export const EXIT_OK = 0;
export const EXIT_REJECTED = 1;
export const EXIT_UNREACHABLE = 3;

interface ImportResult {
  accepted: number;
  rejected: number;
  errors: { line: number; status: number; detail: string }[];
}

interface Line {
  text: string;
  /** Bytes of the file read up to the end of this line. */
  bytes: number;
}

/** Splits a byte stream at `\n` (safe in UTF-8: the byte never occurs inside a character). */
async function* readLines(file: string): AsyncGenerator<Line> {
  let rest: Buffer = Buffer.alloc(0);
  let bytes = 0;
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    const buf = rest.length ? Buffer.concat([rest, chunk]) : chunk;
    let start = 0;
    for (let nl = buf.indexOf(10, start); nl !== -1; nl = buf.indexOf(10, start)) {
      bytes += nl + 1 - start;
      yield { text: buf.toString('utf8', start, nl), bytes };
      start = nl + 1;
    }
    rest = start === buf.length ? Buffer.alloc(0) : Buffer.from(buf.subarray(start));
  }
  if (rest.length) yield { text: rest.toString('utf8'), bytes: bytes + rest.length };
}

/** The error code of a failed fetch (`ECONNREFUSED`...), looking through causes and aggregates. */
function networkCode(err: unknown, depth = 0): string | undefined {
  if (!err || typeof err !== 'object' || depth > 4) return undefined;
  const e = err as { code?: unknown; cause?: unknown; errors?: unknown[] };
  if (typeof e.code === 'string' && /^E[A-Z_]+$|^UND_ERR/.test(e.code)) return e.code;
  return networkCode(e.cause, depth + 1) ?? (Array.isArray(e.errors) ? e.errors.map((x) => networkCode(x, depth + 1)).find(Boolean) : undefined);
}

class Unreachable extends Error {}

/** The `detail` of a problem+json answer, else the start of the body. */
async function problemText(res: Response): Promise<string> {
  const text = await res.text().catch(() => '');
  try {
    const p = JSON.parse(text) as { title?: string; detail?: string };
    return p.detail || p.title || text.slice(0, 200);
  } catch {
    return text.slice(0, 200) || res.statusText;
  }
}

async function request(url: string, init: RequestInit, base: string): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (err) {
    const code = networkCode(err);
    const why = code ?? ((err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message);
    throw new Unreachable(`cannot reach the motcua service at ${base} (${why})`);
  }
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  if (seconds < 60) return `${Math.ceil(seconds)}s`;
  const m = Math.floor(seconds / 60);
  return m < 60 ? `${m}m${String(Math.round(seconds % 60)).padStart(2, '0')}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

interface Progress {
  update(p: { bytes: number; lines: number; rejected: number; linesPerSec: number }): void;
  stop(): void;
}

/** cli-progress on a terminal (bar over the bytes of the file, so no pre-count is needed). */
function barProgress(totalBytes: number): Progress {
  // Loaded only when drawn.
  const { SingleBar } = require('cli-progress') as typeof import('cli-progress');
  const bar = new SingleBar({
    format: 'importing [{bar}] {percentage}% | {lines} lines | {rate} lines/s | {rejected} rejected | ETA {eta_formatted}',
    barCompleteChar: '█',
    barIncompleteChar: '░',
    hideCursor: true,
    etaBuffer: 20,
    stream: process.stderr,
    noTTYOutput: false,
  });
  bar.start(Math.max(totalBytes, 1), 0, { lines: '0', rate: '–', rejected: '0' });
  return {
    update: (p) => bar.update(p.bytes, { lines: fmt(p.lines), rate: fmt(p.linesPerSec), rejected: fmt(p.rejected) }),
    stop: () => bar.stop(),
  };
}

/** Without a terminal (CI, redirected output): a plain line every few seconds. */
function plainProgress(io: CliIo, totalBytes: number, started: number): Progress {
  let last = started;
  return {
    update(p) {
      const now = Date.now();
      if (now - last < PLAIN_PROGRESS_MS) return;
      last = now;
      const done = totalBytes ? p.bytes / totalBytes : 1;
      const eta = done > 0 ? ((now - started) / 1000) * ((1 - done) / done) : Infinity;
      io.err(
        `progress: ${fmt(p.lines)} lines (${Math.floor(done * 100)}%), ${fmt(p.linesPerSec)} lines/s, ` + `${fmt(p.rejected)} rejected, ETA ${duration(eta)}\n`,
      );
    },
    stop: () => undefined,
  };
}

async function resolveToken(flags: Record<string, string | true>, env: NodeJS.ProcessEnv): Promise<{ token: string; source: string }> {
  if (typeof flags.token === 'string') {
    if (!flags.token.trim()) throw new UsageError('--token is empty');
    return { token: flags.token.trim(), source: '--token' };
  }
  if (env.MOTCUA_TOKEN?.trim()) return { token: env.MOTCUA_TOKEN.trim(), source: 'MOTCUA_TOKEN' };
  const secret = env.JWT_SECRET;
  if (!secret) throw new UsageError('no credentials: pass --token, set MOTCUA_TOKEN, or set JWT_SECRET (with --units) to mint an admin token');
  if (secret.length < MIN_SECRET_LENGTH) throw new UsageError(`JWT_SECRET is ${secret.length} characters long; it must be at least ${MIN_SECRET_LENGTH}`);
  const units = typeof flags.units === 'string' ? splitList(flags.units) : [];
  if (!units.length) throw new UsageError('--units is required when the token is minted from JWT_SECRET (the unit codes the imported dossiers belong to)');
  const token = await mintToken(
    {
      sub: 'cli-import',
      name: 'CLI import',
      roles: ['admin'],
      units,
      expiresIn: cliTokenLifetime(env),
      issuer: env.JWT_ISSUER || undefined,
      audience: env.JWT_AUDIENCE || undefined,
    },
    secret,
  );
  return { token, source: `minted from JWT_SECRET (admin "cli-import", units ${units.join(', ')})` };
}

function parseChunk(value: string | true | undefined): number {
  if (value === undefined) return DEFAULT_CHUNK;
  const n = Number(value);
  if (typeof value !== 'string' || !Number.isInteger(n) || n < 1 || n > MAX_CHUNK) {
    throw new UsageError(`--chunk must be a whole number from 1 to ${fmt(MAX_CHUNK)}`);
  }
  return n;
}

function parseUrl(value: string | true | undefined): string {
  const raw = typeof value === 'string' ? value.trim() : DEFAULT_URL;
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new UsageError(`--url "${raw}" is not a URL such as ${DEFAULT_URL}`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new UsageError(`--url "${raw}" must be http:// or https://`);
  return raw.replace(/\/+$/, '');
}

export const importCommand: CliCommand = {
  name: 'import',
  summary: 'bulk-import an NDJSON file of dossier commands into a running service',
  usage: [
    'import <file.ndjson> [--url http://127.0.0.1:3000/api/v1] [--token <jwt>] [--units <unit code,...>] [--chunk 1000]',
    '',
    '  One command a line: {"command": "receive"|"assign"|...|"rate", "dossierId": "<uuid>", ...same body as the route}.',
    '  The file is read as a stream and sent in order, in chunks of --chunk lines, to POST <url>/imports;',
    '  errors name the line of the file. A bad line is rejected and changes nothing else.',
    '',
    `  --url    the API base URL (default ${DEFAULT_URL})`,
    '  --token  an access token with the admin role. Without it: the MOTCUA_TOKEN variable; without that,',
    '           a token is minted from JWT_SECRET (the secret the service verifies with) for an admin',
    '           "cli-import" of the units given by --units (unit codes; each grants its descendants)',
    `  --chunk  lines per request (default ${fmt(DEFAULT_CHUNK)}, at most ${fmt(MAX_CHUNK)})`,
    '',
    'Prints accepted and rejected counts, lines/s and the first 50 errors as "line N: status detail".',
    'Exit status: 0 every line accepted, 1 some lines rejected (or the import stopped), 2 bad arguments,',
    '3 the service cannot be reached.',
    'Example: JWT_SECRET=… npm run cli -- import dossiers.ndjson --units 000.00.27.H29',
  ].join('\n'),

  async run(args, io) {
    const parsed = parseArgs(args, { values: ['url', 'token', 'units', 'chunk'] });
    if (parsed.positionals.length !== 1) {
      throw new UsageError(parsed.positionals.length ? `one file only, not ${parsed.positionals.length}` : 'the NDJSON file to import is required');
    }
    const file = parsed.positionals[0];
    const chunkLines = parseChunk(parsed.flags.chunk);
    const base = parseUrl(parsed.flags.url);
    let size: number;
    try {
      const st = fs.statSync(file);
      if (!st.isFile()) throw new UsageError(`"${file}" is not a file`);
      size = st.size;
    } catch (err) {
      if (err instanceof UsageError) throw err;
      throw new UsageError(`cannot read "${file}": ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    const { token, source } = await resolveToken(parsed.flags, io.env);

    try {
      // Fail early and clearly when nothing answers at that URL.
      const live = await request(`${base}/health/live`, { method: 'GET' }, base);
      if (!live.ok) io.err(`warning: ${base}/health/live answered ${live.status}: is ${base} the motcua API base URL?\n`);
      await live.body?.cancel().catch(() => undefined);
    } catch (err) {
      if (err instanceof Unreachable) {
        io.err(`${err.message}: is the service running? Start it (npm start) or pass --url.\n`);
        return EXIT_UNREACHABLE;
      }
      throw err;
    }

    io.err(`importing ${file} (${fmt(size)} bytes) into ${base}, ${fmt(chunkLines)} lines a request; token: ${source}\n`);
    const started = Date.now();
    const progress = process.stderr.isTTY ? barProgress(size) : plainProgress(io, size, started);
    let accepted = 0;
    let rejected = 0;
    const errors: ImportResult['errors'] = [];
    let lineNo = 0;

    let chunk: string[] = [];
    let chunkBytes = 0;
    let chunkFirst = 1;
    let bytesRead = 0;
    const send = async (): Promise<void> => {
      if (!chunk.some((l) => l.trim() !== '')) {
        chunk = [];
        chunkBytes = 0;
        return;
      }
      const body = chunk.join('\n') + '\n';
      const first = chunkFirst;
      const last = first + chunk.length - 1;
      chunk = [];
      chunkBytes = 0;
      const res = await request(
        `${base}/imports`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/x-ndjson', 'x-first-line': String(first), authorization: `Bearer ${token}` },
          body,
        },
        base,
      ).catch((err: unknown) => {
        if (err instanceof Unreachable) err.message += ` while sending lines ${fmt(first)}–${fmt(last)}`;
        throw err;
      });
      if (res.status !== 200) {
        const detail = await problemText(res);
        const hint = res.status === 401 || res.status === 403 ? ` (token: ${source}; the admin role is required)` : '';
        throw new Error(`the service answered ${res.status} to lines ${fmt(first)}–${fmt(last)}: ${detail}${hint}`);
      }
      const result = (await res.json()) as ImportResult;
      accepted += result.accepted;
      rejected += result.rejected;
      for (const e of result.errors) if (errors.length < SHOWN_ERRORS) errors.push(e);
      const secs = (Date.now() - started) / 1000;
      progress.update({ bytes: bytesRead, lines: accepted + rejected, rejected, linesPerSec: secs > 0 ? (accepted + rejected) / secs : 0 });
    };

    let failure: unknown;
    try {
      for await (const line of readLines(file)) {
        lineNo++;
        if (chunk.length === 0) chunkFirst = lineNo;
        chunk.push(line.text);
        chunkBytes += line.text.length + 1;
        bytesRead = line.bytes;
        if (chunk.length >= chunkLines || chunkBytes >= MAX_CHUNK_BYTES) await send();
      }
      await send();
    } catch (err) {
      failure = err;
    } finally {
      progress.stop();
    }

    const secs = (Date.now() - started) / 1000;
    const done = accepted + rejected;
    io.out(
      `${failure ? 'Stopped' : 'Imported'} ${file}: ${fmt(accepted)} accepted, ${fmt(rejected)} rejected, ` +
        `${fmt(done)} lines in ${secs.toFixed(1)} s (${fmt(secs > 0 ? done / secs : done)} lines/s)\n`,
    );
    if (rejected > 0) {
      io.out(`${rejected > errors.length ? `First ${errors.length} of ${fmt(rejected)} errors` : 'Errors'}:\n`);
      for (const e of errors) io.out(`line ${e.line}: ${e.status} ${e.detail}\n`);
    }
    if (failure) {
      const message = failure instanceof Error ? failure.message : String(failure);
      io.err(
        `import stopped: ${message}.\nThe lines before line ${fmt(chunkFirst)} were applied; lines of the failed request may have been ` +
          `applied too (each line applies on its own): check before re-importing from line ${fmt(chunkFirst)}.\n`,
      );
      return failure instanceof Unreachable ? EXIT_UNREACHABLE : EXIT_REJECTED;
    }
    return rejected > 0 ? EXIT_REJECTED : EXIT_OK;
  },
};
