import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import Redis from 'ioredis';
import { mintToken } from '@motcua/platform';
import { ROOT, RunningService, startService } from '../support/spawn-service';

const CLI_MAIN = path.join(ROOT, 'dist/apps/cli/src/main.js');
const SECRET = 'cli-import-e2e-secret-that-is-long-enough-0123456789';
const PROVINCE = '000.00.00.H29';
const WARD = '000.27.01.H29';
const BIRTH = '1.001612';

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI as a user would (`npm run cli -- …` is `node dist/apps/cli/src/main.js …`). */
function runCli(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_MAIN, ...args], {
      cwd: ROOT,
      // no JWT_SECRET/MOTCUA_TOKEN from the outer environment: each case says which credentials it uses
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A port nothing listens on (bound then released). */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

describe('CLI import against the running service (PGlite)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-cli-import-'));
  const dataDir = path.join(dir, 'data');
  // BullMQ keys (the embedded worker's deadline timers) under a prefix of this test's own, deleted at the end
  const prefix = `motcua-test-cli-import-${randomBytes(4).toString('hex')}`;
  let service: RunningService | undefined;

  beforeAll(async () => {
    if (!fs.existsSync(CLI_MAIN)) throw new Error(`${CLI_MAIN} is missing: run npm run build first (npm test does)`);
    service = await startService({ EVENT_STORE_URL: `pglite://${dataDir}`, JWT_SECRET: SECRET, QUEUE_PREFIX: prefix });
    const admin = await mintToken({ sub: 'admin-1', name: 'Quản trị', roles: ['admin'], units: [PROVINCE] }, SECRET);
    const put = async (url: string, body: unknown) => {
      const res = await fetch(`${service!.baseUrl}${url}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect([200, 201]).toContain(res.status);
    };
    await put(`/units/${PROVINCE}`, { name: 'TP. Hồ Chí Minh', level: 'province' });
    await put(`/units/${WARD}`, { name: 'Phường Bến Nghé', level: 'commune', parentCode: PROVINCE });
    await put(`/procedures/${BIRTH}`, { name: 'Đăng ký khai sinh', field: 'Hộ tịch', processingTime: { amount: 3, unit: 'working_day' }, onlineLevel: 'full' });
  }, 120_000);

  afterAll(async () => {
    await service?.stop('SIGTERM');
    fs.rmSync(dir, { recursive: true, force: true });
    const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
    try {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
        if (keys.length) await redis.del(...keys);
        cursor = next;
      } while (cursor !== '0');
    } finally {
      redis.disconnect();
    }
  });

  it('streams 2,000 lines in chunks, reports the bad lines by their line in the file and exits 1', async () => {
    // 1,000 dossiers: a reception (odd lines) and its resolution (even lines)
    const lines: string[] = [];
    for (let i = 0; i < 1000; i++) {
      const id = randomUUID();
      lines.push(
        JSON.stringify({
          command: 'receive',
          dossierId: id,
          unitCode: WARD,
          procedureCode: BIRTH,
          channel: i % 3 ? 'direct' : 'online',
          applicant: { name: `Công dân ${i}` },
          occurredAt: '2025-03-04T08:00:00+07:00',
        }),
      );
      lines.push(JSON.stringify({ command: 'resolve', dossierId: id, outcome: 'approved', occurredAt: '2025-03-05T08:00:00+07:00' }));
    }
    // three bad resolutions (even lines, so nothing else depends on them), in three different chunks
    lines[18 - 1] = '{"command": "resolve", "dossierId": '; // malformed JSON
    lines[1002 - 1] = JSON.stringify({ command: 'resolve', dossierId: randomUUID(), outcome: 'approved' }); // unknown dossier
    lines[2000 - 1] = lines[2000 - 1].replace('2025-03-05T08:00:00', '2025-03-01T08:00:00'); // before its reception
    const file = path.join(dir, 'dossiers.ndjson');
    fs.writeFileSync(file, lines.join('\n') + '\n');

    const run = await runCli(['import', file, '--url', service!.baseUrl, '--units', WARD, '--chunk', '300'], { JWT_SECRET: SECRET });

    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 1, stderr: expect.stringContaining('minted from JWT_SECRET') });
    expect(run.stdout).toMatch(/: 1,997 accepted, 3 rejected, 2,000 lines in [\d.]+ s \([\d,]+ lines\/s\)/);
    const reported = [...run.stdout.matchAll(/^line (\d+): (\d{3}) (.+)$/gm)].map((m) => [Number(m[1]), Number(m[2])]);
    expect(reported).toEqual([
      [18, 400],
      [1002, 404],
      [2000, 422],
    ]);
    expect(run.stdout).toMatch(/^line 18: 400 not valid JSON$/m);
  }, 180_000);

  it('exits 0 when every line is accepted, with a token from MOTCUA_TOKEN', async () => {
    const token = await mintToken({ sub: 'admin-2', roles: ['admin'], units: [WARD] }, SECRET);
    const id = randomUUID();
    const file = path.join(dir, 'good.ndjson');
    fs.writeFileSync(
      file,
      [
        JSON.stringify({ command: 'receive', dossierId: id, unitCode: WARD, procedureCode: BIRTH, channel: 'direct', applicant: { name: 'Trần Thị B' } }),
        '',
        JSON.stringify({ command: 'assign', dossierId: id, assignee: 'officer-a' }),
      ].join('\r\n'),
    );
    const run = await runCli(['import', file, '--url', service!.baseUrl], { MOTCUA_TOKEN: token });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/: 2 accepted, 0 rejected, 2 lines/);
    expect(run.stderr).toContain('token: MOTCUA_TOKEN');
  }, 60_000);

  it('stops with exit 1 and says why when the token lacks the admin role', async () => {
    const clerk = await mintToken({ sub: 'clerk-1', roles: ['clerk'], units: [WARD] }, SECRET);
    const file = path.join(dir, 'one.ndjson');
    fs.writeFileSync(file, JSON.stringify({ command: 'withdraw', dossierId: randomUUID(), reason: 'x' }) + '\n');
    const run = await runCli(['import', file, '--url', service!.baseUrl, '--token', clerk]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/answered 403 to lines 1–1: .*admin role is required/);
  }, 60_000);

  it('exits 3 with a message naming the URL when nothing listens there', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/api/v1`;
    const file = path.join(dir, 'one.ndjson');
    fs.writeFileSync(file, '{}\n');
    const run = await runCli(['import', file, '--url', url, '--token', 'x']);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(`cannot reach the motcua service at ${url} (ECONNREFUSED)`);
  }, 60_000);

  it('exits 2 on usage errors', async () => {
    expect((await runCli(['import'])).code).toBe(2);
    fs.writeFileSync(path.join(dir, 'one.ndjson'), '{}\n');
    const noCredentials = await runCli(['import', path.join(dir, 'one.ndjson')]);
    expect(noCredentials.code).toBe(2);
    expect(noCredentials.stderr).toMatch(/no credentials: pass --token, set MOTCUA_TOKEN, or set JWT_SECRET/);
  }, 60_000);
});
