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
});
