/**
 * Issue #20: migration 0021's trigger on `notification_outbox` (PostgreSQL). It announces rows made
 * due (`NOTIFY motcua_outbox_due, '<schema>'`): a new row, a resent dead letter, a retry scheduled;
 * not a claim nor a row marked sent or failed (the sender's own bookkeeping would wake every
 * sender). And `nextOutboxDueInMs`, what the sender sleeps by: the next attempt, or the end of
 * another sender's claim.
 */
import { claimOutboxRows, markOutboxFailed, markOutboxSent, nextOutboxDueInMs, OUTBOX_DUE_CHANNEL, resendFailedNotification } from '@motcua/projections';
import { Listening, migrate } from '@motcua/sql';
import { freshPostgres, TestPostgres } from '../support/databases';

describe("the outbox's NOTIFY of rows made due (migration 0021, PostgreSQL)", () => {
  let pg: TestPostgres;
  let listening: Listening;
  const heard: string[] = [];

  /** Runs `action`, then a marker statement that always notifies; returns what `action` notified (this schema only). */
  async function notices(action: () => Promise<unknown>): Promise<number> {
    heard.length = 0;
    await action();
    // a notification sent after the action's commit arrives after the action's own (one connection, in order)
    await pg.driver.query(`SELECT pg_notify($1, 'marker')`, [OUTBOX_DUE_CHANNEL]);
    const until = Date.now() + 10_000;
    while (!heard.includes('marker')) {
      if (Date.now() > until) throw new Error('the marker notification never came');
      await new Promise((r) => setTimeout(r, 10));
    }
    return heard.filter((p) => p === pg.schema).length;
  }

  const insert = (id: string) =>
    pg.driver.query(`INSERT INTO notification_outbox (id, audience, notice, channel, recipient) VALUES ($1, 'citizen', 'received', 'sms', '0900000000')`, [id]);

  beforeAll(async () => {
    pg = await freshPostgres('outbox_notify', 3);
    await migrate(pg.driver);
    listening = pg.driver.listen!(OUTBOX_DUE_CHANNEL, { onNotify: (payload) => void heard.push(payload) });
    const until = Date.now() + 10_000;
    while (!listening.active) {
      if (Date.now() > until) throw new Error('LISTEN not active');
      await new Promise((r) => setTimeout(r, 10));
    }
  }, 60_000);

  afterAll(async () => {
    await listening?.close();
    await pg?.drop();
  });

  it('announces a new row, a scheduled retry and a resend; not a claim, a sent or a failed row', async () => {
    expect(await nextOutboxDueInMs(pg.driver)).toBeUndefined();
    expect(await notices(() => insert('a.sms'))).toBe(1);
    expect(await nextOutboxDueInMs(pg.driver)).toBeLessThanOrEqual(0);

    // a claim: the row is held for 20 s, due again when the claim runs out
    expect(await notices(() => claimOutboxRows(pg.driver, 10, 20_000))).toBe(0);
    const held = (await nextOutboxDueInMs(pg.driver))!;
    expect(held).toBeGreaterThan(15_000);
    expect(held).toBeLessThanOrEqual(20_000);

    // a retry in 30 s: announced (another sender learns when it is due)
    expect(await notices(() => markOutboxFailed(pg.driver, 'a.sms', 'gateway down', 30_000))).toBe(1);
    const retry = (await nextOutboxDueInMs(pg.driver))!;
    expect(retry).toBeGreaterThan(25_000);
    expect(retry).toBeLessThanOrEqual(30_000);

    // the dead letter, then its resend
    expect(await notices(() => markOutboxFailed(pg.driver, 'a.sms', 'gateway down', undefined))).toBe(0);
    expect(await nextOutboxDueInMs(pg.driver)).toBeUndefined();
    expect(await notices(() => resendFailedNotification(pg.driver, 'a.sms'))).toBe(1);

    await claimOutboxRows(pg.driver, 10, 20_000);
    expect(await notices(() => markOutboxSent(pg.driver, 'a.sms'))).toBe(0);
    expect(await nextOutboxDueInMs(pg.driver)).toBeUndefined();
  }, 60_000);

  it('sends one notification for a statement inserting many rows', async () => {
    expect(
      await notices(() =>
        pg.driver.query(
          `INSERT INTO notification_outbox (id, audience, notice, channel, recipient)
           SELECT 'many-' || i, 'citizen', 'received', 'sms', '0900000000' FROM generate_series(1, 50) i`,
        ),
      ),
    ).toBe(1);
  }, 60_000);
});
