import { Queues, loadConfig } from '@motcua/platform';

/** Against the real Redis of the machine (REDIS_URL or 127.0.0.1:6379). */
describe('Queues (BullMQ wrapper) on real Redis', () => {
  it('closes workers — letting the running job finish — before queues, then connections', async () => {
    const queues = new Queues(loadConfig({ EVENT_STORE_URL: 'memory://', REDIS_URL: process.env.REDIS_URL }, 'api'));
    const name = `test-shutdown-${process.pid}-${Date.now()}`;
    let started!: () => void;
    const jobStarted = new Promise<void>((r) => (started = r));
    let finished = false;
    queues.worker(name, async () => {
      started();
      await new Promise((r) => setTimeout(r, 300));
      finished = true;
    });
    const q = queues.queue(name);
    await q.add('slow', { n: 1 });
    await jobStarted;
    await queues.close();
    expect(finished).toBe(true);
    expect(queues.shutdownLog).toEqual([`worker:${name}`, `queue:${name}`, 'connections']);
  });
});
