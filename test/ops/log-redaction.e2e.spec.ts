import { randomUUID } from 'node:crypto';
import { startService } from '../support/spawn-service';
import { adminToken, BIRTH, call, clerkToken, seedReference, serviceEnv, tempDataDir, WARD } from './ops-fixtures';

/**
 * The built service, as deployed, at LOG_LEVEL=debug: requests carry applicants' identity and
 * phone numbers in bodies, imports, URLs and errors; the captured log output never contains them.
 */
describe('logs never contain identity or phone numbers', () => {
  const data = tempDataDir('logs');
  afterAll(() => data.remove());

  it('redacts bodies, imports, query strings, validation and error logs', async () => {
    const svc = await startService(serviceEnv(data.dir, { LOG_LEVEL: 'debug' }));
    const secrets: string[] = [];
    const idNumber = (n: number) => {
      const v = `0792030${String(10000 + n).slice(-5)}`; // 12 digits (CCCD)
      secrets.push(v);
      return v;
    };
    const phone = (n: number) => {
      const v = `09${String(10000000 + n).slice(-8)}`;
      secrets.push(v);
      return v;
    };
    try {
      const admin = await adminToken();
      const clerk = await clerkToken();
      await seedReference(svc.baseUrl, admin);
      const applicant = (n: number) => ({ name: `Nguyễn Văn ${n}`, idNumber: idNumber(n), phone: phone(n), email: `a${n}@example.vn`, address: '12 Lê Lợi' });

      // accepted reception
      const ok = await call(svc.baseUrl, 'POST', '/dossiers', {
        token: clerk,
        body: { unitCode: WARD, procedureCode: BIRTH, channel: 'direct', applicant: applicant(1) },
      });
      expect(ok.status).toBe(201);
      // rule violation (unknown procedure) → 422, and an unknown unit the clerk may not touch → 403
      expect(
        (
          await call(svc.baseUrl, 'POST', '/dossiers', {
            token: clerk,
            body: { unitCode: WARD, procedureCode: 'NOPE', channel: 'direct', applicant: applicant(2) },
          })
        ).status,
      ).toBe(422);
      expect([403, 422]).toContain(
        (
          await call(svc.baseUrl, 'POST', '/dossiers', {
            token: clerk,
            body: { unitCode: '000.99.99.H29', procedureCode: BIRTH, channel: 'direct', applicant: applicant(3) },
          })
        ).status,
      );
      // validation errors: a bad phone, an extra field carrying a number, a wrongly typed idNumber
      const bad = await call(svc.baseUrl, 'POST', '/dossiers', {
        token: clerk,
        body: { unitCode: WARD, procedureCode: BIRTH, channel: 'direct', applicant: { ...applicant(4), phone: `x${phone(5)}`, cmnd: idNumber(6) } },
      });
      expect(bad.status).toBe(400);
      expect(
        (
          await call(svc.baseUrl, 'POST', '/dossiers', {
            token: clerk,
            body: { unitCode: WARD, procedureCode: BIRTH, channel: 'direct', applicant: { name: 'X', idNumber: Number(idNumber(7)) } },
          })
        ).status,
      ).toBe(400);
      // malformed JSON containing the numbers
      expect(
        (
          await call(svc.baseUrl, 'POST', '/dossiers', {
            token: clerk,
            raw: `{"applicant":{"idNumber":"${idNumber(8)}","phone":"${phone(9)}"`,
            headers: { 'content-type': 'application/json' },
          })
        ).status,
      ).toBe(400);
      // numbers in the URL: query string and path
      await call(svc.baseUrl, 'GET', `/dossiers?idNumber=${idNumber(10)}&phone=${phone(11)}`, { token: clerk });
      await call(svc.baseUrl, 'GET', `/citizens/${idNumber(12)}`, { token: clerk });
      // an import with good and bad lines (bad JSON, rule violations) carrying numbers
      const lines = [
        JSON.stringify({ command: 'receive', dossierId: randomUUID(), unitCode: WARD, procedureCode: BIRTH, channel: 'online', applicant: applicant(13) }),
        `{"command":"receive","applicant":{"idNumber":"${idNumber(14)}","phone":"${phone(15)}"`,
        JSON.stringify({ command: 'receive', dossierId: randomUUID(), unitCode: WARD, procedureCode: 'NOPE', channel: 'online', applicant: applicant(16) }),
        JSON.stringify({
          command: 'receive',
          dossierId: randomUUID(),
          unitCode: WARD,
          procedureCode: BIRTH,
          channel: 'online',
          applicant: { ...applicant(17), phone: `bad-${phone(18)}x` },
        }),
      ];
      const imp = await call(svc.baseUrl, 'POST', '/imports', {
        token: admin,
        raw: lines.join('\n') + '\n',
        headers: { 'content-type': 'application/x-ndjson' },
      });
      expect(imp.status).toBe(200);
      expect(imp.body.accepted).toBe(1);
      // reading the dossier back, its history, and an unauthenticated attempt
      await call(svc.baseUrl, 'GET', `/dossiers/${ok.body.id}`, { token: clerk });
      await call(svc.baseUrl, 'GET', `/dossiers/${ok.body.id}/history`, { token: clerk });
      await call(svc.baseUrl, 'POST', '/dossiers', { body: { applicant: applicant(19) } });
      // an unreadable token whose payload carries a number
      await call(svc.baseUrl, 'GET', '/dossiers', {
        headers: { authorization: `Bearer x.${Buffer.from(JSON.stringify({ sub: phone(20) })).toString('base64url')}.y` },
      });
      await new Promise((r) => setTimeout(r, 500)); // let the async logger flush
    } finally {
      await svc.stop('SIGTERM');
    }
    const out = svc.output();
    expect(out).toContain('"correlationId"');
    expect(out).toContain('request completed');
    const leaked = secrets.filter((s) => out.includes(s));
    if (leaked.length) {
      const lines = out.split('\n').filter((l) => leaked.some((s) => l.includes(s)));
      throw new Error(`log output contains ${leaked.join(', ')}:\n${lines.slice(0, 10).join('\n')}`);
    }
  }, 120_000);
});
