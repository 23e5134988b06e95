/**
 * Load-insensitive figures of one HTTP scenario: the server's CPU time and SQL statements per
 * request, at a light fixed rate (every request answered, the in-process worker keeping up).
 *
 *   node dist/bench/support/cpu-probe.js [pglite|postgres] [scenario=receive] [rate=100] [seconds=10]
 *
 * CPU is `process.cpuUsage()` of the server process (the load generator runs in a child) from the
 * start of the load until the worker is idle again (up to 3 s after the last answer), divided by
 * the requests answered; it includes the in-process worker (projections, timers) on PGlite.
 * `--cpu-prof` on the node command line writes a profile of the whole run.
 */
import * as fs from 'node:fs';
import * as inspector from 'node:inspector';
import { runFixedRate, startBenchService, type BenchTarget, type HttpScenario } from '../http.bench';

async function main(): Promise<void> {
  const [target = 'pglite', scenario = 'receive', rate = '100', seconds = '10'] = process.argv.slice(2);
  const svc = await startBenchService(target as BenchTarget, 'cpu');
  try {
    // warm-up (JIT, caches, counters' heads)
    await runFixedRate({
      scenario: scenario as HttpScenario,
      origin: svc.origin,
      token: svc.supervisorToken,
      rate: Number(rate),
      seconds: 2,
      graceSeconds: 2,
      connections: 16,
    });
    await new Promise((r) => setTimeout(r, 2000));
    // the idle cost (polling, timers) per second, subtracted below
    const idle0 = process.cpuUsage();
    const idleT0 = performance.now();
    await new Promise((r) => setTimeout(r, 5000));
    const idleCpu = process.cpuUsage(idle0);
    const idleMsPerS = (idleCpu.user + idleCpu.system) / (performance.now() - idleT0);
    svc.takeQueryCount();
    // CPU_PROF=<file>: a CPU profile of the measured window only (not the start-up)
    const session = process.env.CPU_PROF ? new inspector.Session() : undefined;
    const post = (method: string, params?: object) =>
      new Promise<unknown>((res, rej) => session!.post(method, params ?? {}, (err, result) => (err ? rej(err) : res(result))));
    if (session) {
      session.connect();
      await post('Profiler.enable');
      await post('Profiler.setSamplingInterval', { interval: 200 });
      await post('Profiler.start');
    }
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const r = await runFixedRate({
      scenario: scenario as HttpScenario,
      origin: svc.origin,
      token: svc.supervisorToken,
      rate: Number(rate),
      seconds: Number(seconds),
      graceSeconds: 20,
      connections: 16,
    });
    // let the in-process worker (projections, timers) catch up with these requests
    await new Promise((res) => setTimeout(res, 3000));
    const cpu = process.cpuUsage(cpu0);
    const wall = performance.now() - t0;
    const sql = svc.takeQueryCount();
    if (session) {
      const { profile } = (await post('Profiler.stop')) as { profile: unknown };
      fs.writeFileSync(process.env.CPU_PROF!, JSON.stringify(profile));
      session.disconnect();
    }
    const ok = r.ok;
    console.log(
      JSON.stringify({
        target,
        scenario,
        rate: Number(rate),
        answered2xx: ok,
        failed: r.non2xx + r.errors + r.unfinished,
        p50Ms: r.p50Ms,
        p99Ms: r.p99Ms,
        cpuMsPerRequest: +((cpu.user + cpu.system) / 1000 / ok).toFixed(3),
        userMsPerRequest: +(cpu.user / 1000 / ok).toFixed(3),
        idleCpuMsPerS: +idleMsPerS.toFixed(2),
        netCpuMsPerRequest: +(((cpu.user + cpu.system) / 1000 - (idleMsPerS * wall) / 1000) / ok).toFixed(3),
        sqlPerRequest: +(sql / ok).toFixed(2),
        wallS: +(wall / 1000).toFixed(1),
      }),
    );
  } finally {
    await svc.close();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
