import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

/** A redis-server started by this process (the embedded default's own Redis), stopped with it. */
export interface LocalRedis {
  url: string;
  dir: string;
  pid: number;
  /** Stops the child (SIGTERM: Redis flushes its append-only file) and waits for it to exit. */
  stop(): Promise<void>;
}

/** The first executable `name` on PATH (`env.PATH`), or undefined. */
export function findOnPath(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const file = path.join(dir, name);
    try {
      fs.accessSync(file, fs.constants.X_OK);
      if (fs.statSync(file).isFile()) return file;
    } catch {
      /* not here */
    }
  }
  return undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Why Redis at host:port does not answer PING (raw RESP, no client library: this runs before
 * anything else), or undefined when it answers PONG. A server that answers with an error (e.g.
 * NOAUTH) is reported as `answered "-NOAUTH …"`.
 */
export function pingRedis(host: string, port: number, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    let data = '';
    const done = (problem: string | undefined) => {
      socket.destroy();
      resolve(problem);
    };
    socket.setTimeout(timeoutMs, () => done(`no answer within ${timeoutMs / 1000} s`));
    socket.on('error', (err) => done((err as Error).message || (err as NodeJS.ErrnoException).code || 'connection failed'));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (d) => {
      data += d.toString();
      const line = data.split('\r\n')[0];
      if (data.includes('\r\n')) done(line.startsWith('+PONG') ? undefined : `answered "${line.slice(0, 120)}"`);
    });
  });
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A redis-server left running by an earlier process that was killed (its pid file is in `dir`):
 * stopped first, so that two servers never write the same append-only file. Only a process whose
 * command line names redis-server is touched.
 */
async function stopStale(dir: string): Promise<void> {
  const pidFile = path.join(dir, 'redis.pid');
  let pid: number;
  try {
    pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
  } catch {
    return;
  }
  if (!Number.isInteger(pid) || pid <= 0 || !processAlive(pid)) return;
  try {
    if (!fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('redis-server')) return;
  } catch {
    return; // no /proc: leave it alone
  }
  process.kill(pid, 'SIGTERM');
  const until = Date.now() + 5_000;
  while (processAlive(pid) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  if (processAlive(pid)) process.kill(pid, 'SIGKILL');
}

/**
 * Starts `binary` as a child on a free loopback port with its files in `dir` (append-only file on,
 * fsync every second, no eviction: BullMQ needs every key) and waits until it answers PING.
 * The child is killed if this process exits without stopping it.
 */
export async function startLocalRedis(binary: string, dir: string, timeoutMs = 8_000, removeDirOnStop = false): Promise<LocalRedis> {
  fs.mkdirSync(dir, { recursive: true });
  await stopStale(dir);
  const port = await freePort();
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--appendonly',
    'yes',
    '--appendfsync',
    'everysec',
    '--maxmemory-policy',
    'noeviction',
    '--save',
    '',
    '--daemonize',
    'no',
    '--pidfile',
    path.join(dir, 'redis.pid'),
    '--logfile',
    path.join(dir, 'redis.log'),
  ];
  // its own process group: a Ctrl+C in the terminal reaches the service, which stops Redis after its queues
  const child: ChildProcess = spawn(binary, args, { stdio: 'ignore', cwd: dir, detached: true });
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  let spawnError: Error | undefined;
  const exit = new Promise<void>((resolve) => {
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      resolve();
    });
    child.on('error', (err) => {
      spawnError = err;
      exited ??= { code: null, signal: null };
      resolve();
    });
  });
  const killOnExit = () => {
    if (!exited) child.kill('SIGTERM');
  };
  process.on('exit', killOnExit);
  const until = Date.now() + timeoutMs;
  while ((await pingRedis('127.0.0.1', port, 500)) !== undefined) {
    if (exited || Date.now() > until) {
      killOnExit();
      process.off('exit', killOnExit);
      let log = '';
      try {
        log = fs.readFileSync(path.join(dir, 'redis.log'), 'utf8').trim().split('\n').slice(-1)[0] ?? '';
      } catch {
        /* no log */
      }
      const why = spawnError
        ? spawnError.message
        : exited
          ? `it exited (${exited.signal ?? `code ${exited.code}`})`
          : `it did not answer within ${timeoutMs / 1000} s`;
      throw new Error(`${binary} could not be started in ${dir}: ${why}${log ? ` — ${log.replace(/\s+/g, ' ')}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    dir,
    pid: child.pid!,
    async stop() {
      process.off('exit', killOnExit);
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exit;
      clearTimeout(timer);
      if (removeDirOnStop) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Where the embedded store's own Redis keeps its files: `<data dir>/redis`, or a temp dir for `pglite://memory`. */
export function localRedisDir(dataDir: string | undefined): string {
  return dataDir ? path.join(dataDir, 'redis') : fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-redis-'));
}
