import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '../..');
export const API_MAIN = path.join(ROOT, 'dist/apps/api/src/main.js');

export interface RunningService {
  child: ChildProcess;
  baseUrl: string;
  output(): string;
  /** Sends a signal and resolves with the exit code (or signal) when the process has exited. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts the built service (`npm run build` first) on a free port and waits for /health/live. */
export async function startService(env: Record<string, string>, timeoutMs = 60_000): Promise<RunningService> {
  const child = spawn(process.execPath, [API_MAIN], {
    cwd: ROOT,
    // Rate limiting off unless a test asks for it (load and end-to-end tests send many requests per token).
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'info', RATE_LIMIT_PER_MINUTE: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const start = Date.now();
  let baseUrl = '';
  while (!baseUrl) {
    const m = /listening on (http:\/\/[\d.]+:\d+\/api\/v1)/.exec(out);
    if (m) baseUrl = m[1];
    else if (child.exitCode !== null) throw new Error(`service exited early:\n${out}`);
    else if (Date.now() - start > timeoutMs) {
      child.kill('SIGKILL');
      throw new Error(`service did not start within ${timeoutMs} ms:\n${out}`);
    } else await new Promise((r) => setTimeout(r, 100));
  }
  return {
    child,
    baseUrl,
    output: () => out,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
