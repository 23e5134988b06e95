import { randomUUID } from 'node:crypto';
import { Harness, startHarness } from '../../support/api-harness';
import { freshPostgres, TestPostgres } from '../../support/databases';

const PROVINCE = '000.00.00.H29';
const DISTRICT = '000.00.27.H29';
const WARD = '000.27.05.H29';
const BIRTH = '1.001612';

/**
 * Two API instances on one PostgreSQL: each remembers the code counter's head and queues its own
 * receptions of a unit-day, so between instances the numbers really race; the exact expected
 * revision of the one transaction (code + dossier) must settle every race.
 */
describe('receptions through two API instances at once (PostgreSQL)', () => {
  let pg: TestPostgres;
  let a: Harness;
  let b: Harness;
  let admin: string;
  let clerk: string;

  beforeAll(async () => {
    pg = await freshPostgres('two', 2);
    await pg.driver.close();
    a = await startHarness(pg.url);
    b = await startHarness(pg.url);
    admin = await a.token({ sub: 'admin-1', roles: ['admin'], units: [PROVINCE] });
    clerk = await a.token({ sub: 'clerk-1', name: 'Lê Thị Thu', roles: ['clerk'], units: [WARD] });
    const put = async (url: string, body: unknown) => expect([200, 201]).toContain((await a.request('PUT', url, { token: admin, body })).status);
    await put(`/units/${PROVINCE}`, { name: 'TP. Hồ Chí Minh', level: 'province' });
    await put(`/units/${DISTRICT}`, { name: 'Quận 1', level: 'district', parentCode: PROVINCE });
    await put(`/units/${WARD}`, { name: 'Phường Bến Thành', level: 'commune', parentCode: DISTRICT });
    await put(`/procedures/${BIRTH}`, { name: 'Đăng ký khai sinh', field: 'Hộ tịch', processingTime: { amount: 3, unit: 'working_day' } });
    // b learns the reference data from the event store
    for (let i = 0; i < 200 && (await b.request('GET', `/procedures/${BIRTH}`, { token: admin })).status !== 200; i++)
      await new Promise((r) => setTimeout(r, 50));
  }, 120_000);
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await pg?.drop();
  });

  const receive = (h: Harness, id: string, occurredAt: string) =>
    h.request('POST', '/dossiers', {
      token: clerk,
      body: { id, unitCode: WARD, procedureCode: BIRTH, channel: 'direct', applicant: { name: 'Nguyễn Văn An' }, occurredAt },
    });

  it('gives 80 receptions split over both instances 80 distinct consecutive codes', async () => {
    const day = '2025-03-10T09:00:00+07:00';
    // warm both instances' memory of the counter, then race
    const warm = await Promise.all([receive(a, randomUUID(), day), receive(b, randomUUID(), day)]);
    expect(warm.map((r) => r.status)).toEqual([201, 201]);
    const results = await Promise.all(Array.from({ length: 78 }, (_, i) => receive(i % 2 ? a : b, randomUUID(), day)));
    expect(results.map((r) => r.status)).toEqual(Array(78).fill(201));
    const seqs = [...warm, ...results].map((r) => Number(r.body.code.slice(-4))).sort((x, y) => x - y);
    expect(seqs).toEqual(Array.from({ length: 80 }, (_, i) => i + 1));
  }, 120_000);

  it('a reception retried on the other instance gets its dossier back and writes nothing', async () => {
    const id = randomUUID();
    const first = await receive(a, id, '2025-03-11T09:00:00+07:00');
    expect(first.status).toBe(201);
    const again = await receive(b, id, '2025-03-11T09:00:00+07:00');
    expect(again.status).toBe(201); // the same answer as the first time
    expect(again.body.code).toBe(first.body.code);
    const history = await b.request('GET', `/dossiers/${id}/history`, { token: admin });
    expect(history.body.events).toHaveLength(1);
    // and the next reception of that day takes the next number, on either instance
    const next = await receive(b, randomUUID(), '2025-03-11T10:00:00+07:00');
    expect(Number(next.body.code.slice(-4))).toBe(Number(first.body.code.slice(-4)) + 1);
  }, 60_000);

  it('40 assigns of one dossier split over both instances, without a time: every one applied, in order (#12 item 8)', async () => {
    // between processes nothing takes turns: the loser of each race reads, takes "now" again and decides again
    const id = randomUUID();
    expect((await receive(a, id, '2025-03-12T09:00:00+07:00')).status).toBe(201);
    const supervisor = await a.token({ sub: 'sup-1', roles: ['supervisor'], units: [WARD] });
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        (i % 2 ? a : b).request('POST', `/dossiers/${id}/assign`, { token: supervisor, body: { assignee: `officer-${i}` } }),
      ),
    );
    expect(answers.filter((r) => r.status !== 200).map((r) => `${r.status} ${r.body?.detail}`)).toEqual([]);
    const steps = (await a.request('GET', `/dossiers/${id}/history`, { token: admin })).body.events as { type: string; occurredAt: string }[];
    expect(steps.filter((e) => e.type === 'DossierAssigned')).toHaveLength(40);
    const times = steps.map((e) => Date.parse(e.occurredAt));
    expect(times).toEqual([...times].sort((x, y) => x - y));
  }, 120_000);
});
