/**
 * `rebuild [projection]`: replays the whole event log into fresh tables and swaps them in without
 * downtime (libs/projections/src/rebuild/); the API keeps answering from the old tables until the
 * swap. Directly against the database named by EVENT_STORE_URL (PostgreSQL; READ_MODEL_URL with
 * EventStoreDB; a PGlite directory that no service holds open), or, with `--url`, through a
 * running service's `POST /admin/projections/{name}/rebuild` (the way for a running embedded
 * service, which owns its PGlite directory). Progress bar with events/s on a terminal.
 * Exit codes: 0 swapped in, 1 failed, 2 usage, 3 service or database unreachable.
 */
import { DEFAULT_EVENT_STORE_URL, openEventStore, parseEventStoreUrl, EventStore } from '@motcua/event-store';
import { MIN_SECRET_LENGTH, mintToken } from '@motcua/platform/auth';
import { loadReferenceData } from '@motcua/application';
import { DOSSIER_SUMMARY_PROJECTION, readModelProjections, REBUILDABLE_PROJECTIONS, rebuildProjection, RebuildProgress } from '@motcua/projections';
import { migrate, PgDriver, SqlDriver } from '@motcua/sql';
import { parseArgs } from '../args';
import { CliCommand, CliIo, UsageError } from '../command';
import { cliTokenLifetime } from './token.command';

// Built as every process builds them (readModelProjections): the apology cut-off from the reference data.
const PROJECTIONS = new Set(REBUILDABLE_PROJECTIONS);
const PLAIN_PROGRESS_MS = 5_000;
const POLL_MS = 500;

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

interface Bar {
  update(p: RebuildProgress): void;
  stop(): void;
}

function progressBar(io: CliIo, name: string): Bar {
  if (!process.stderr.isTTY) {
    let last = 0;
    let phase = '';
    return {
      update(p) {
        const now = Date.now();
        if (p.phase === phase && now - last < PLAIN_PROGRESS_MS) return;
        last = now;
        phase = p.phase;
        io.err(`${name}: ${p.phase}, ${fmt(p.applied)}/${fmt(p.total)} events, ${fmt(p.eventsPerSecond)} events/s\n`);
      },
      stop: () => undefined,
    };
  }
  const { SingleBar } = require('cli-progress') as typeof import('cli-progress');
  const bar = new SingleBar({
    format: `rebuilding ${name} [{bar}] {percentage}% | {value}/{total} events | {rate} events/s | {phase} | ETA {eta_formatted}`,
    barCompleteChar: '█',
    barIncompleteChar: '░',
    hideCursor: true,
    etaBuffer: 50,
    stream: process.stderr,
  });
  let started = false;
  return {
    update(p) {
      if (!started) {
        bar.start(Math.max(p.total, 1), p.applied, { rate: '–', phase: p.phase });
        started = true;
      }
      bar.setTotal(Math.max(p.total, p.applied, 1));
      bar.update(p.applied, { rate: fmt(p.eventsPerSecond), phase: p.phase });
    },
    stop: () => started && bar.stop(),
  };
}

async function resolveToken(flags: Record<string, string | true>, env: NodeJS.ProcessEnv): Promise<string> {
  if (typeof flags.token === 'string' && flags.token.trim()) return flags.token.trim();
  if (env.MOTCUA_TOKEN?.trim()) return env.MOTCUA_TOKEN.trim();
  const secret = env.JWT_SECRET;
  if (!secret) throw new UsageError('no credentials for --url: pass --token, set MOTCUA_TOKEN, or set JWT_SECRET to mint an admin token');
  if (secret.length < MIN_SECRET_LENGTH) throw new UsageError(`JWT_SECRET is ${secret.length} characters long; it must be at least ${MIN_SECRET_LENGTH}`);
  return mintToken(
    {
      sub: 'cli-rebuild',
      name: 'CLI rebuild',
      roles: ['admin'],
      units: [],
      expiresIn: cliTokenLifetime(env),
      issuer: env.JWT_ISSUER || undefined,
      audience: env.JWT_AUDIENCE || undefined,
    },
    secret,
  );
}

/** Through a running service: start the rebuild, poll its status, draw the same progress bar. */
async function viaService(base: string, name: string, token: string, io: CliIo): Promise<number> {
  const headers = { authorization: `Bearer ${token}` };
  const url = `${base}/admin/projections/${encodeURIComponent(name)}/rebuild`;
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', headers });
  } catch (err) {
    io.err(
      `cannot reach the motcua service at ${base} (${(err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message})\n`,
    );
    return 3;
  }
  if (res.status !== 202) {
    const text = await res.text().catch(() => '');
    let detail = text;
    try {
      detail = (JSON.parse(text) as { detail?: string }).detail ?? text;
    } catch {
      /* not JSON */
    }
    io.err(`the service answered ${res.status}: ${detail}${res.status === 401 || res.status === 403 ? ' (the admin role is required)' : ''}\n`);
    return 1;
  }
  await res.body?.cancel().catch(() => undefined);
  const bar = progressBar(io, name);
  try {
    for (;;) {
      await new Promise((r) => setTimeout(r, POLL_MS));
      const s = (await (await fetch(url, { headers })).json()) as {
        state: string;
        progress?: RebuildProgress;
        result?: { events: number; ms: number; eventsPerSecond: number; position?: string };
        error?: string;
      };
      if (s.progress) bar.update(s.progress);
      if (s.state === 'done' && s.result) {
        bar.stop();
        io.out(
          `Rebuilt ${name} in the service: ${fmt(s.result.events)} events in ${(s.result.ms / 1000).toFixed(1)} s (${fmt(s.result.eventsPerSecond)} events/s), swapped in at ${s.result.position ?? 'the start'}\n`,
        );
        return 0;
      }
      if (s.state === 'failed' || s.state === 'idle') {
        bar.stop();
        io.err(`rebuild of ${name} failed in the service: ${s.error ?? 'the service restarted'}; the live tables are unchanged\n`);
        return 1;
      }
    }
  } finally {
    bar.stop();
  }
}

async function direct(name: string, io: CliIo, batchSize: number | undefined): Promise<number> {
  const env = io.env;
  const target = parseEventStoreUrl(env.EVENT_STORE_URL?.trim() || DEFAULT_EVENT_STORE_URL);
  if (target.kind === 'memory') throw new UsageError('EVENT_STORE_URL is memory://: there is nothing to rebuild');
  let store: EventStore;
  let driver: SqlDriver | undefined;
  let ownDriver: PgDriver | undefined;
  try {
    const opened = await openEventStore(env.EVENT_STORE_URL?.trim() || DEFAULT_EVENT_STORE_URL);
    store = opened.store;
    driver = opened.driver;
  } catch (err) {
    const msg = (err as Error).message;
    if (target.kind === 'pglite' && /already open in process/.test(msg)) {
      io.err(
        `${msg}\nThe embedded database belongs to the running service: rebuild through it instead, e.g.\n` +
          `  JWT_SECRET=… npm run cli -- rebuild ${name} --url http://127.0.0.1:3000/api/v1\n` +
          `(POST /api/v1/admin/projections/${name}/rebuild, admin role). The service keeps answering during the rebuild.\n`,
      );
      return 3;
    }
    io.err(`cannot open the event store: ${msg}\n`);
    return 3;
  }
  if (!driver) {
    const url = env.READ_MODEL_URL?.trim();
    if (!url) throw new UsageError('READ_MODEL_URL (postgres://…) is required with EventStoreDB: the read models live there');
    driver = ownDriver = new PgDriver({ connectionString: url, applicationName: 'motcua-rebuild' });
  }
  const bar = progressBar(io, name);
  try {
    await migrate(driver);
    const projection = readModelProjections(await loadReferenceData(store))[name]();
    const result = await rebuildProjection({ store, driver, projection, batchSize, onProgress: (p) => bar.update(p) });
    bar.stop();
    io.out(
      `Rebuilt ${name}: ${fmt(result.events)} events in ${(result.ms / 1000).toFixed(1)} s (${fmt(result.eventsPerSecond)} events/s), ` +
        `swapped in at ${result.position ?? 'the start'}${result.swapAttempts > 1 ? ` after ${result.swapAttempts} swap attempts` : ''}\n`,
    );
    return 0;
  } catch (err) {
    bar.stop();
    io.err(`rebuild of ${name} failed: ${(err as Error).message}; the live tables are unchanged\n`);
    return 1;
  } finally {
    await store.close().catch(() => undefined);
    await ownDriver?.close().catch(() => undefined);
  }
}

export const rebuildCommand: CliCommand = {
  name: 'rebuild',
  summary: 'rebuild a read model from the whole event log and swap it in without downtime',
  usage: [
    `rebuild [projection] [--batch 2000] [--url <api base URL> [--token <jwt>]]`,
    '',
    `  projection  one of: ${[...PROJECTIONS].join(', ')} (default ${DOSSIER_SUMMARY_PROJECTION})`,
    '',
    '  Replays every event into shadow tables, then swaps them in one transaction; readers get the old',
    "  tables until then, and the running projection carries on from the rebuild's position.",
    '  Without --url: directly on the database of EVENT_STORE_URL (PostgreSQL; with EventStoreDB the read',
    '  models in READ_MODEL_URL; a PGlite directory only when no service has it open).',
    '  --url     rebuild inside the running service (POST <url>/admin/projections/<name>/rebuild): the way',
    '            for the embedded store, whose directory the service owns. Token: --token, MOTCUA_TOKEN,',
    '            or an admin token minted from JWT_SECRET.',
    '  --batch   events per replay transaction (direct mode, default 2000)',
    '',
    'Exit status: 0 swapped in, 1 failed (the live tables are unchanged), 2 bad arguments, 3 unreachable.',
  ].join('\n'),

  async run(args, io) {
    const parsed = parseArgs(args, { values: ['url', 'token', 'batch'] });
    if (parsed.positionals.length > 1) throw new UsageError('one projection at a time');
    const name = parsed.positionals[0] ?? DOSSIER_SUMMARY_PROJECTION;
    if (!PROJECTIONS.has(name)) throw new UsageError(`unknown projection "${name}" (known: ${[...PROJECTIONS].join(', ')})`);
    let batch: number | undefined;
    if (parsed.flags.batch !== undefined) {
      batch = Number(parsed.flags.batch);
      if (!Number.isInteger(batch) || batch < 1 || batch > 100_000) throw new UsageError('--batch must be a whole number from 1 to 100,000');
    }
    if (typeof parsed.flags.url === 'string') {
      const base = parsed.flags.url.trim().replace(/\/+$/, '');
      if (!/^https?:\/\//.test(base)) throw new UsageError(`--url "${base}" must be http:// or https://`);
      return viaService(base, name, await resolveToken(parsed.flags, io.env), io);
    }
    if (parsed.flags.token !== undefined) throw new UsageError('--token only goes with --url');
    return direct(name, io, batch);
  },
};
