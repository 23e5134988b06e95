import { classifyUnavailable } from '@motcua/platform';
import { PgDriver } from '@motcua/sql';
import { freshPostgres, TestPostgres } from '../support/databases';

describe('PgDriver on a terminated connection', () => {
  let pg: TestPostgres;
  beforeAll(async () => {
    pg = await freshPostgres('drv', 3);
  });
  afterAll(async () => pg.drop());

  it('turns a connection killed by the server into a rejected call, not a crashed process', async () => {
    const killed = pg.driver.withSession(async (s) => {
      const { rows } = await s.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      await pg.driver.query('SELECT pg_terminate_backend($1)', [rows[0].pid]);
      await new Promise((r) => setTimeout(r, 200)); // the idle session is killed meanwhile
      await s.query('SELECT 1');
    });
    await expect(killed).rejects.toThrow();
    const { rows } = await pg.driver.query<{ n: number }>('SELECT 1 AS n');
    expect(rows[0].n).toBe(1);
  });

  it('bounds a statement by statementTimeoutMs (an outage error, 503) and keeps the pool usable', async () => {
    const bounded = new PgDriver({ connectionString: pg.url, max: 2, statementTimeoutMs: 300, connectTimeoutMs: 1_000 });
    try {
      const t = Date.now();
      const err = await bounded.query('SELECT pg_sleep(5)').catch((e) => e);
      expect(Date.now() - t).toBeLessThan(3_000);
      expect(err.code).toBe('57014');
      expect(classifyUnavailable(err)).toMatchObject({ dependency: 'database' });
      expect((await bounded.query<{ n: number }>('SELECT 1 AS n')).rows[0].n).toBe(1);
    } finally {
      await bounded.close();
    }
  });

  it('discards a connection terminated inside a transaction instead of rolling back on it', async () => {
    const failed = pg.driver.transaction(async (tx) => {
      const { rows } = await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      await pg.driver.query('SELECT pg_terminate_backend($1)', [rows[0].pid]);
      await tx.query('SELECT 1');
    });
    const err = await failed.catch((e) => e);
    expect(classifyUnavailable(err)).toBeDefined();
    // every connection of the pool (3) still works: the dead one was not given back
    const pids = await Promise.all([1, 2, 3].map(() => pg.driver.transaction((tx) => tx.query<{ n: number }>('SELECT 1 AS n'))));
    expect(pids.map((r) => r.rows[0].n)).toEqual([1, 1, 1]);
  });
});
