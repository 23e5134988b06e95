/**
 * An open-loop HTTP/1.1 load generator: requests are scheduled at a fixed rate (request i at
 * t0 + i / rate), whether or not earlier ones have been answered, and each latency is measured from
 * the request's scheduled time (as wrk2 does), so that a server that falls behind shows it in the
 * latencies instead of silently slowing the generator down ("coordinated omission").
 *
 * Requests go over a pool of keep-alive connections (no pipelining), opened before the clock starts.
 * A request that finds every connection busy waits in the generator's queue; that wait counts in its
 * latency. Raw sockets and a minimal response parser (Content-Length or chunked) keep the generator's
 * own cost per request at a few microseconds, well below the servers it measures.
 *
 * Why not autocannon's `overallRate`: it gives each connection a quota of requests per second, reset
 * by a 1 s interval. Every connection fires its quota back to back at the start of each second and
 * then idles, so the server sees bursts at full concurrency, not a steady rate; and its latency
 * correction for coordinated omission uses an expected interval of ceil(1 / rate) ms, i.e. 1 ms.
 */
import * as net from 'node:net';
import { performance } from 'node:perf_hooks';
import { percentileOfSorted } from './stats';

export interface OpenLoopSpec {
  host: string;
  port: number;
  /** Requests per second. */
  rate: number;
  /** How long requests are sent. */
  seconds: number;
  /** After the last request is sent, how long answers are awaited before the run is cut. */
  graceSeconds: number;
  /** Keep-alive connections in the pool. */
  connections: number;
  /** The bytes of request number i: a complete HTTP/1.1 request (keep-alive). */
  request: (i: number) => Buffer;
}

export interface OpenLoopResult {
  /** Requests scheduled (rate × seconds). */
  scheduled: number;
  /** Answered with a 2xx status. */
  ok: number;
  /** Answered with another status. */
  non2xx: number;
  statusCodes: Record<string, number>;
  /** Lost to a connection error or reset. */
  errors: number;
  /** Neither answered nor failed when the run was cut (still queued in the generator or in flight). */
  unfinished: number;
  /**
   * 2xx answers per second, over the time from the first to the last 2xx answer: the rate the server
   * kept up, below the target when it fell behind.
   */
  achievedPerSec: number;
  /** Latencies of answered requests (any status), from the scheduled time, in ms. */
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /**
   * How late the generator's timer put requests in its queue (p99, ms): its own lag (a busy machine),
   * not the server's; waiting for a free connection is not counted here.
   */
  sendLagP99Ms: number;
  /** The generator's CPU time over the run's wall time (100 = one core). */
  cpuPercent: number;
}

interface Pending {
  index: number;
  scheduledAt: number;
}

function parseHead(head: string): { status: number; length?: number; chunked: boolean } {
  const status = Number(head.slice(9, 12));
  const length = /\r\ncontent-length:[ \t]*(\d+)/i.exec(head);
  const chunked = /\r\ntransfer-encoding:[^\r]*chunked/i.test(head);
  return { status, length: length ? Number(length[1]) : undefined, chunked };
}

class Connection {
  readonly socket: net.Socket;
  inFlight?: Pending;
  alive = true;
  private buf?: Buffer;

  constructor(
    host: string,
    port: number,
    private readonly onAnswer: (c: Connection, p: Pending, status: number) => void,
    private readonly onLost: (c: Connection, p: Pending | undefined) => void,
  ) {
    this.socket = net.connect({ host, port });
    this.socket.setNoDelay(true);
    this.socket.on('data', (chunk: Buffer) => this.data(chunk));
    const lost = () => {
      if (!this.alive) return;
      this.alive = false;
      const p = this.inFlight;
      this.inFlight = undefined;
      this.onLost(this, p);
    };
    this.socket.on('error', lost);
    this.socket.on('close', lost);
  }

  ready(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (!this.socket.connecting) return resolve();
      this.socket.once('connect', () => resolve());
      this.socket.once('error', reject);
    });
  }

  send(p: Pending, bytes: Buffer): void {
    this.inFlight = p;
    this.socket.write(bytes);
  }

  private data(chunk: Buffer): void {
    this.buf = this.buf?.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const buf = this.buf;
    const headEnd = buf.indexOf('\r\n\r\n');
    if (headEnd < 0) return;
    const { status, length, chunked } = parseHead(buf.toString('latin1', 0, headEnd));
    let end: number;
    if (length !== undefined) {
      end = headEnd + 4 + length;
      if (buf.length < end) return;
    } else if (chunked) {
      const last = buf.indexOf('\r\n0\r\n\r\n', headEnd + 2);
      if (last < 0) return;
      end = last + 7;
    } else {
      end = headEnd + 4;
    }
    this.buf = buf.length > end ? buf.subarray(end) : undefined;
    const p = this.inFlight;
    this.inFlight = undefined;
    if (p) this.onAnswer(this, p, status);
  }

  close(): void {
    this.alive = false;
    this.socket.destroy();
  }
}

export async function fireAtRate(spec: OpenLoopSpec): Promise<OpenLoopResult> {
  const interval = 1000 / spec.rate;
  const scheduled = Math.max(1, Math.round(spec.rate * spec.seconds));
  const latencies: number[] = [];
  const sendLags: number[] = [];
  const statusCodes: Record<string, number> = {};
  let ok = 0;
  let non2xx = 0;
  let errors = 0;
  let firstOkAt = 0;
  let lastOkAt = 0;
  let next = 0; // the next request to put in the queue
  const queue: Pending[] = [];
  let queueHead = 0;
  const idle: Connection[] = [];
  const pool = new Set<Connection>();
  let stopped = false;
  let t0 = 0;
  let done: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (done = resolve));

  const settledAll = () => ok + non2xx + errors === scheduled;

  const onAnswer = (c: Connection, p: Pending, status: number) => {
    if (stopped) return;
    const now = performance.now();
    latencies.push(now - p.scheduledAt);
    statusCodes[status] = (statusCodes[status] ?? 0) + 1;
    if (status >= 200 && status < 300) {
      if (ok++ === 0) firstOkAt = now;
      lastOkAt = now;
    } else non2xx++;
    idle.push(c);
    pump();
    if (settledAll()) done();
  };
  const onLost = (c: Connection, p: Pending | undefined) => {
    pool.delete(c);
    const i = idle.indexOf(c);
    if (i >= 0) idle.splice(i, 1);
    if (stopped) return;
    if (p) errors++;
    pump();
    if (settledAll()) done();
  };
  const open = () => {
    const c = new Connection(spec.host, spec.port, onAnswer, onLost);
    pool.add(c);
    return c;
  };
  const pump = () => {
    while (queueHead < queue.length) {
      let c = idle.pop();
      if (!c && pool.size < spec.connections) c = open();
      if (!c) return;
      const p = queue[queueHead];
      queue[queueHead++] = undefined as unknown as Pending; // let it be collected
      c.send(p, spec.request(p.index));
    }
  };

  const conns = Array.from({ length: spec.connections }, open);
  await Promise.all(conns.map((c) => c.ready()));
  idle.push(...conns);

  const cpu0 = process.cpuUsage();
  t0 = performance.now();
  const tick = () => {
    const now = performance.now();
    while (next < scheduled && t0 + next * interval <= now) {
      const scheduledAt = t0 + next * interval;
      sendLags.push(now - scheduledAt);
      queue.push({ index: next, scheduledAt });
      next++;
    }
    pump();
    if (next >= scheduled) clearInterval(ticker);
  };
  const ticker = setInterval(tick, 1);
  tick();
  const cut = setTimeout(done, (spec.seconds + spec.graceSeconds) * 1000);
  await finished;
  clearInterval(ticker);
  clearTimeout(cut);
  stopped = true;
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  for (const c of pool) c.close();

  latencies.sort((a, b) => a - b);
  sendLags.sort((a, b) => a - b);
  const spanMs = lastOkAt - firstOkAt;
  return {
    scheduled,
    ok,
    non2xx,
    statusCodes,
    errors,
    unfinished: scheduled - ok - non2xx - errors,
    achievedPerSec: ok > 1 && spanMs > 0 ? ((ok - 1) * 1000) / spanMs : 0,
    p50Ms: percentileOfSorted(latencies, 50),
    p99Ms: percentileOfSorted(latencies, 99),
    maxMs: latencies.length ? latencies[latencies.length - 1] : NaN,
    sendLagP99Ms: percentileOfSorted(sendLags, 99),
    cpuPercent: ((cpu.user + cpu.system) / 1000 / wallMs) * 100,
  };
}
