import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import IORedis from 'ioredis';
import { Queue } from 'bullmq';
import { ReferenceService } from '@motcua/application';
import { SqlEventStore } from '@motcua/event-store';
import { DEFAULT_TIMERS_QUEUE } from '@motcua/timers';
import { freshPostgres, TestPostgres } from '../support/databases';
import { ROOT } from '../support/spawn-service';
import { REDIS_URL, seedDossiers, seedReference, sleep, UNIT, waitFor } from './support';

const WORKER_MAIN = path.join(ROOT, 'dist/apps/worker/src/main.js');

function startWorker(env: Record<string, string>): { child: ChildProcess; output: () => string; exited: Promise<unknown> } {
  const child = spawn(process.execPath, [WORKER_MAIN], { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  return { child, output: () => out, exited: new Promise((r) => child.on('exit', r)) };
}

/** (e) The built worker killed with -9 while timers are due, then restarted: every alert exactly once. */
describe('worker killed with -9 while timers are due', () => {
  let pg: TestPostgres;
  let redis: IORedis;
  const prefix = `motcua-test-kill-${randomBytes(4).toString('hex')}`;
  beforeAll(async () => {
    pg = await freshPostgres('tm_kill', 10);
    redis = new IORedis(REDIS_URL, { maxRetriesPerRequest: null });
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    await pg.drop();
  });

  it('raises every alert exactly once', async () => {
    const store = await SqlEventStore.create(pg.driver);
    const reference = new ReferenceService(store);
    await reference.start();
    await seedReference(reference);
    const start = Date.now();
    const N = 200;
    // due times spread over 8 s, starting 12 s from now
    const ids = await seedDossiers(store, reference.data.workingTime(UNIT), N, (i) => start + 12_000 + Math.floor((i * 8_000) / N));
    await reference.stop();
    const env = {
      EVENT_STORE_URL: pg.url,
      REDIS_URL,
      QUEUE_PREFIX: prefix,
      ALERT_NEAR_DEADLINE_POLICY: 'fraction:0.998',
      TIMERS_SWEEP_EVERY_MS: '5000',
    };
    const countAlerts = async () =>
      Number(
        (
          await pg.driver.query<{ n: string }>(
            `SELECT count(*)::text AS n FROM es_events WHERE type IN ('DeadlineWarningRaised','ApologyCutoffReached','DossierOverdue')`,
          )
        ).rows[0].n,
      );
    /** On a failure: where the dossiers short of three alerts stand, in the stream and in the queue. */
    const diagnose = async (): Promise<string> => {
      const { rows } = await pg.driver.query<{ stream_id: string; n: string }>(
        `SELECT stream_id, count(*) FILTER (WHERE type IN ('DeadlineWarningRaised','ApologyCutoffReached','DossierOverdue'))::text AS n
           FROM es_events WHERE stream_id LIKE 'dossier-%' GROUP BY stream_id`,
      );
      const short = rows.filter((r) => r.n !== '3');
      const queue = new Queue(DEFAULT_TIMERS_QUEUE, { connection: redis.duplicate(), prefix });
      try {
        const counts = await queue.getJobCounts();
        const jobs = await queue.getJobs(['active', 'wait', 'delayed', 'failed', 'completed', 'paused', 'prioritized', 'waiting-children'], 0, -1);
        const lines = await Promise.all(
          short.slice(0, 10).map(async (r) => {
            const mine = jobs.filter((j) => j.id?.includes(r.stream_id.replace(/^dossier-/, '')));
            const states = await Promise.all(
              mine.map(
                async (j) =>
                  `${j.id} ${await j.getState()} attempts=${j.attemptsMade} stalled=${j.stalledCounter} delay=${j.delay} ts=${j.timestamp} processedOn=${j.processedOn} failed=${j.failedReason}`,
              ),
            );
            return `${r.stream_id}: ${r.n} alerts; jobs: ${states.join(' | ') || 'none'}`;
          }),
        );
        return `now=${Date.now()} ${short.length} dossier(s) short of 3 alerts; queue ${JSON.stringify(counts)}\n${lines.join('\n')}`;
      } finally {
        await queue.close();
      }
    };
    const w1 = startWorker(env);
    try {
      // kill it while the near-deadline/overdue timers are coming due
      await waitFor(async () => (await countAlerts()) >= N + 50, 60_000, 'some due alerts').catch((err) => {
        throw new Error(`${(err as Error).message}\n${w1.output().slice(-3000)}`);
      });
      w1.child.kill('SIGKILL');
      await w1.exited;
      const atKill = await countAlerts();
      expect(atKill).toBeLessThan(3 * N);
      await sleep(2_000);
      const w2 = startWorker(env);
      try {
        // stalled jobs come back after their lock expires (30 s); the sweep re-adds any lost
        // (a stalled job waits for w2's second stall check, 30 s apart; CI under load takes longer)
        await waitFor(async () => (await countAlerts()) >= 3 * N, 150_000, 'every alert').catch(async (err) => {
          throw new Error(`${(err as Error).message}\n${await diagnose()}\n${w2.output().slice(-3000)}`);
        });
        await sleep(6_000); // a sweep or two more
        expect(await countAlerts()).toBe(3 * N);
        const { rows } = await pg.driver.query<{ n: string }>(
          `SELECT count(*)::text AS n FROM es_events WHERE type IN ('DeadlineWarningRaised','ApologyCutoffReached','DossierOverdue') GROUP BY stream_id, type`,
        );
        expect(rows).toHaveLength(3 * ids.length);
        expect(rows.every((r) => r.n === '1')).toBe(true);
      } finally {
        w2.child.kill('SIGTERM');
        await w2.exited;
      }
    } finally {
      if (w1.child.exitCode === null && w1.child.signalCode === null) w1.child.kill('SIGKILL');
    }
  }, 280_000);
});
