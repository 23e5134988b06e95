import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { mintToken } from '@motcua/platform';
import { ROOT, RunningService, startService } from './../support/spawn-service';

const CLI_MAIN = path.join(ROOT, 'dist/apps/cli/src/main.js');
const SECRET = 'cli-rebuild-e2e-secret-that-is-long-enough-0123456789';
const PROVINCE = '000.00.00.H29';
const WARD = '000.27.01.H29';

function runCli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_MAIN, ...args], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** `npm run cli -- rebuild` against the embedded service (PGlite directory owned by the running service). */
describe('cli rebuild with the embedded store', () => {
  let dir: string;
  let svc: RunningService;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-cli-rebuild-'));
    svc = await startService({ EVENT_STORE_URL: `pglite://${dir}`, JWT_SECRET: SECRET });
  }, 90_000);
  afterAll(async () => {
    await svc?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('says to go through the service when the directory is held, and rebuilds through --url', async () => {
    const admin = await mintToken({ sub: 'admin', roles: ['admin', 'clerk'] as never, units: [PROVINCE] }, SECRET);
    const put = async (url: string, body: unknown) => {
      const r = await fetch(`${svc.baseUrl}${url}`, {
        method: url.startsWith('/dossiers') ? 'POST' : 'PUT',
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(r.status).toBeLessThan(300);
    };
    await put(`/units/${PROVINCE}`, { name: 'Tỉnh', level: 'province' });
    await put(`/units/${WARD}`, { name: 'Phường', level: 'commune', parentCode: PROVINCE });
    await put('/procedures/P.1', { name: 'Thủ tục', field: 'Hộ tịch', processingTime: { amount: 1, unit: 'working_day' } });
    for (let i = 0; i < 3; i++)
      await put('/dossiers', {
        unitCode: WARD,
        procedureCode: 'P.1',
        channel: 'direct',
        applicant: { name: `A${i}` },
        occurredAt: '2025-05-05T09:00:00+07:00',
      });

    const held = await runCli(['rebuild'], { EVENT_STORE_URL: `pglite://${dir}` });
    expect(held.code).toBe(3);
    expect(held.stderr).toContain('already open in process');
    expect(held.stderr).toContain('rebuild dossier-summary --url');

    const viaService = await runCli(['rebuild', 'dossier-summary', '--url', svc.baseUrl], { JWT_SECRET: SECRET });
    expect(viaService.stderr).not.toContain('failed');
    expect(viaService.code).toBe(0);
    expect(viaService.stdout).toMatch(/^Rebuilt dossier-summary in the service: \d+ events in [\d.]+ s \([\d,]+ events\/s\)/);

    const list = await fetch(`${svc.baseUrl}/dossiers?unitCode=${WARD}`, { headers: { authorization: `Bearer ${admin}` } });
    expect(((await list.json()) as { items: unknown[] }).items).toHaveLength(3);

    const denied = await runCli(['rebuild', '--url', svc.baseUrl, '--token', 'not-a-token']);
    expect(denied.code).toBe(1);
    expect(denied.stderr).toContain('401');
  }, 120_000);
});
