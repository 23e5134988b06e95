import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { SQL_DRIVER } from '@motcua/platform';
import { SqlDriver } from '@motcua/sql';
import { Harness } from '../../support/api-harness';
import { ROOT } from '../../support/spawn-service';

const run = promisify(execFile);
const CLI = path.join(ROOT, 'dist/apps/cli/src/main.js');

async function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string }> {
  try {
    const r = await run(process.execPath, [CLI, ...args], { env: { ...process.env, ...env } });
    return { code: 0, out: r.stdout + r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

/** Tamper evidence (audit issue): hash chains, verify by API and CLI, offline export. */
export function auditSuite(name: string, start: () => Promise<{ h: Harness; cliEnv?: Record<string, string> }>) {
  describe(`audit: tamper evidence (${name})`, () => {
    let h: Harness;
    let cliEnv: Record<string, string> | undefined;
    let admin: string;
    let auditor: string;
    const ids: string[] = [];
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-audit-'));

    beforeAll(async () => {
      ({ h, cliEnv } = await start());
      admin = await h.token({ sub: 'admin', roles: ['admin', 'supervisor', 'clerk', 'officer'], units: ['P'] });
      auditor = await h.token({ sub: 'aud', roles: ['auditor'], units: ['P'] });
      await h.request('PUT', '/units/P', { token: admin, body: { name: 'Tỉnh', level: 'province' } });
      await h.request('PUT', '/units/W', { token: admin, body: { name: 'Phường', level: 'commune', parentCode: 'P' } });
      await h.request('PUT', '/procedures/X', {
        token: admin,
        body: { name: 'Khai sinh', field: 'Hộ tịch', processingTime: { amount: 3, unit: 'working_day' } },
      });
      for (let i = 0; i < 5; i++) {
        const r = await h.request('POST', '/dossiers', {
          token: admin,
          body: { unitCode: 'W', procedureCode: 'X', channel: 'direct', applicant: { name: `Trần Thị Ngọc ${i}` }, occurredAt: '2025-03-03T09:00:00+07:00' },
        });
        expect(r.status).toBe(201);
        ids.push(r.body.id);
        await h.request('POST', `/dossiers/${r.body.id}/assign`, { token: admin, body: { assignee: 'o-1', occurredAt: '2025-03-03T10:00:00+07:00' } });
        await h.request('POST', `/dossiers/${r.body.id}/resolve`, { token: admin, body: { outcome: 'approved', occurredAt: '2025-03-04T10:00:00+07:00' } });
      }
    }, 120_000);
    afterAll(async () => {
      await h?.close();
      fs.rmSync(tmp, { recursive: true, force: true });
    });

    it('an untouched store verifies clean, by stream and as a whole', async () => {
      const one = await h.request('GET', `/audit/verify?stream=dossier-${ids[0]}`, { token: auditor });
      expect(one.status).toBe(200);
      expect(one.body).toMatchObject({ ok: true, checked: 3 });
      const all = await h.request('GET', '/audit/verify', { token: auditor });
      expect(all.body.ok).toBe(true);
      expect(all.body.checked).toBeGreaterThanOrEqual(15);
      const clerk = await h.token({ sub: 'c', roles: ['clerk'], units: ['W'] });
      expect((await h.request('GET', '/audit/verify', { token: clerk })).status).toBe(403);
    });

    it('an export re-verifies offline; one changed byte does not', async () => {
      const r = await h.request('GET', '/audit/export?unitCode=P&from=2025-03-01&to=2025-03-31', { token: auditor });
      expect(r.status).toBe(200);
      const text = typeof r.body === 'string' ? r.body : '';
      const lines = text.trim().split('\n');
      expect(lines.length).toBe(1 + 15 + 1);
      const file = path.join(tmp, 'export.ndjson');
      fs.writeFileSync(file, text);
      const ok = await cli(['verify', '--file', file]);
      expect(ok.out).toMatch(/OK: 15 events in 5 streams/);
      expect(ok.code).toBe(0);
      // change one byte inside an applicant's name
      const bad = text.replace('Trần Thị Ngọc 3', 'Trần Thị Ngọc 8');
      expect(bad).not.toBe(text);
      fs.writeFileSync(file, bad);
      const ko = await cli(['verify', '--file', file]);
      expect(ko.code).toBe(1);
      expect(ko.out).toMatch(/BROKEN/);
    });

    it('anchors a day with a Merkle root over the log, and notices an event deleted afterwards', async () => {
      const driver = h.app.get<SqlDriver>(SQL_DRIVER);
      // everything so far was recorded today: move one dossier's events to a finished day
      const victim = `dossier-${ids[4]}`;
      await driver.query(`UPDATE es_events SET recorded_at = '2025-03-05T12:00:00Z' WHERE stream_id = $1`, [victim]);
      const anchored = await h.request('POST', '/audit/anchors/2025-03-05', { token: admin });
      expect(anchored.status).toBe(200);
      expect(anchored.body).toMatchObject({ day: '2025-03-05', events: 3 });
      expect((await h.request('POST', '/audit/anchors/2099-01-01', { token: admin })).status).toBe(400);
      const ok = await h.request('GET', '/audit/anchors/2025-03-05', { token: auditor });
      expect(ok.body.ok).toBe(true);
      // delete the last event of that stream: its chain alone cannot tell, the anchor can
      await driver.query(`DELETE FROM es_events WHERE stream_id = $1 AND revision = 2`, [victim]);
      const chain = await h.request('GET', `/audit/verify?stream=${victim}`, { token: auditor });
      expect(chain.body.ok).toBe(true);
      const ko = await h.request('GET', '/audit/anchors/2025-03-05', { token: auditor });
      expect(ko.body).toMatchObject({ ok: false, recomputed: { events: 2 }, anchored: { events: 3 } });
    });

    it('altering one stored event directly in SQL makes verify fail and name that event', async () => {
      const driver = h.app.get<SqlDriver>(SQL_DRIVER);
      const target = (await h.store.readStream(`dossier-${ids[2]}`))[1];
      await driver.query(`UPDATE es_events SET data = jsonb_set(data, '{assignee}', '"someone-else"') WHERE event_id = $1`, [target.id]);
      const one = await h.request('GET', `/audit/verify?stream=dossier-${ids[2]}`, { token: auditor });
      expect(one.body.ok).toBe(false);
      expect(one.body.firstBroken).toMatchObject({ eventId: target.id, revision: '1', type: 'DossierAssigned' });
      const all = await h.request('GET', '/audit/verify', { token: auditor });
      expect(all.body.firstBroken.eventId).toBe(target.id);
      if (cliEnv) {
        const r = await cli(['verify'], cliEnv);
        expect(r.code).toBe(1);
        expect(r.out).toContain(target.id);
      }
    });
  });
}
