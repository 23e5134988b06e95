/**
 * Where a CPU profile's time goes, in the terms docs/performance.md uses: self time by area (PGlite's
 * WASM engine, the pg client, validation, logging, Nest, our code by library...) and the top
 * functions by self time.
 *
 *   node dist/bench/support/profile-summary.js <file.cpuprofile> [top=25]
 *
 * `PROFILE_FROM_S=<seconds>` leaves out the profile's first seconds (a service's start-up, to see
 * what it does idle).
 *
 * Profiles come from `node --cpu-prof` (the whole process) or from `CPU_PROF=<file>` of
 * `bench/support/cpu-probe.ts` (the measured window only).
 */
import * as fs from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** The area a frame's code belongs to, from its file. */
export function areaOf(url: string, name: string): string {
  if (name === '(garbage collector)') return 'garbage collection';
  if (name === '(idle)') return 'idle';
  if (name === '(program)') return 'V8 / native (program)';
  if (url.startsWith('wasm://') || /pglite/.test(url)) return 'PGlite (WASM engine and its JS glue)';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) {
    const pkg = m[1];
    if (
      pkg.startsWith('@nestjs/') ||
      pkg === 'fastify' ||
      pkg.startsWith('@fastify/') ||
      pkg === 'find-my-way' ||
      pkg === 'avvio' ||
      pkg === 'light-my-request'
    ) {
      return `framework (${pkg.startsWith('@nestjs/') ? '@nestjs/*' : 'fastify and plugins'})`;
    }
    if (pkg === 'pg' || pkg === 'pg-protocol' || pkg === 'pg-types' || pkg === 'pg-pool' || pkg === 'postgres-array' || pkg === 'postgres-date')
      return 'pg client';
    if (pkg === 'class-validator' || pkg === 'class-transformer' || pkg === 'validator' || pkg === 'libphonenumber-js')
      return 'validation (class-validator/transformer)';
    if (pkg === 'pino' || pkg === 'pino-http' || pkg === 'nestjs-pino' || pkg === 'sonic-boom' || pkg === 'fast-redact' || pkg === 'pino-std-serializers')
      return 'logging (pino)';
    if (pkg === 'bullmq' || pkg === 'ioredis' || pkg === 'redis-parser' || pkg === 'cluster-key-slot') return 'BullMQ / ioredis';
    if (pkg === 'jose' || pkg === 'jsonwebtoken') return 'JWT';
    if (pkg === 'prom-client') return 'metrics (prom-client)';
    return `other package: ${pkg}`;
  }
  if (url.startsWith('node:') || url === '' || !url.includes('/')) return 'Node core / built-ins';
  const lib = /\/(?:dist\/)?(libs|apps)\/([^/]+)\//.exec(url);
  if (lib) return `ours: ${lib[1]}/${lib[2]}`;
  return 'other';
}

export function summarise(profile: Profile, top: number, fromUs = 0): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i] ?? 0;
    if (at - profile.startTime < fromUs) continue;
    self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const areas = new Map<string, number>();
  const fns = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const [id, us] of self) {
    const n = byId.get(id)!;
    const { functionName, url, lineNumber } = n.callFrame;
    const area = areaOf(url, functionName);
    if (area === 'idle') {
      idle += us;
      continue;
    }
    total += us;
    areas.set(area, (areas.get(area) ?? 0) + us);
    const key = `${functionName || '(anonymous)'} ${url.replace(/^.*node_modules\//, '').replace(/^.*\/(dist|libs|apps)\//, '$1/')}:${lineNumber + 1}`;
    fns.set(key, (fns.get(key) ?? 0) + us);
  }
  const pct = (us: number) => `${((100 * us) / Math.max(1, total)).toFixed(1)} %`;
  const lines = [
    `busy ${(total / 1000).toFixed(0)} ms, idle ${(idle / 1000).toFixed(0)} ms over ${((profile.endTime - profile.startTime - fromUs) / 1000).toFixed(0)} ms`,
    '',
    'by area (self time):',
    ...[...areas].sort((a, b) => b[1] - a[1]).map(([a, us]) => `  ${pct(us).padStart(7)}  ${a}`),
    '',
    `top ${top} functions (self time):`,
    ...[...fns]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([f, us]) => `  ${pct(us).padStart(7)}  ${f}`),
  ];
  return lines.join('\n');
}

if (require.main === module) {
  const [file, top = '25'] = process.argv.slice(2);
  if (!file) {
    console.error('usage: node dist/bench/support/profile-summary.js <file.cpuprofile> [top=25]');
    process.exit(2);
  }
  console.log(summarise(JSON.parse(fs.readFileSync(file, 'utf8')) as Profile, Number(top), 1e6 * Number(process.env.PROFILE_FROM_S ?? 0)));
}
