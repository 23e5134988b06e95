/**
 * The receiving ends of the notification tests: a real SMTP server (smtp-server) on 127.0.0.1 whose
 * messages are parsed by mailparser, and a node:http server playing a Vietnamese SMS gateway (JSON
 * POST), which can fail a number of times or be down for good.
 */
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

export interface TestSmtp {
  port: number;
  mails: ParsedMail[];
  /** Recipients the server refuses (550) at RCPT TO. */
  refuse: Set<string>;
  close(): Promise<void>;
}

export async function startSmtp(): Promise<TestSmtp> {
  const mails: ParsedMail[] = [];
  const refuse = new Set<string>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address, _session, cb) {
      if (refuse.has(address.address)) return cb(Object.assign(new Error('mailbox unavailable'), { responseCode: 550 }));
      cb();
    },
    onData(stream, _session, cb) {
      simpleParser(stream)
        .then((m) => {
          mails.push(m);
          cb();
        })
        .catch((err: Error) => cb(err));
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return { port, mails, refuse, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

export interface SmsRequest {
  body: Record<string, string>;
  auth: string | undefined;
  status: number;
}

export interface TestGateway {
  url: string;
  /** Every request, with the status answered. */
  requests: SmsRequest[];
  /** The ones answered 2xx (delivered). */
  delivered(): SmsRequest[];
  /** Answer 503 to the next `n` requests. */
  failNext(n: number): void;
  /** Answer 503 to everything until `up()`. */
  down(): void;
  up(): void;
  /** Never answer the next request (a hung gateway), until `release()`. */
  hangNext(): void;
  close(): Promise<void>;
}

export async function startGateway(): Promise<TestGateway> {
  const requests: SmsRequest[] = [];
  let failing = 0;
  let isDown = false;
  let hang = false;
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (raw += c));
    req.on('end', () => {
      let body: Record<string, string> = {};
      try {
        body = JSON.parse(raw) as Record<string, string>;
      } catch {
        /* recorded empty */
      }
      if (hang) {
        hang = false;
        requests.push({ body, auth: req.headers.authorization, status: 0 });
        return; // never answered
      }
      const status = isDown || failing > 0 ? 503 : 200;
      if (failing > 0) failing--;
      requests.push({ body, auth: req.headers.authorization, status });
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: status === 200 }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/sms/send`,
    requests,
    delivered: () => requests.filter((r) => r.status === 200),
    failNext: (n) => (failing = n),
    down: () => (isDown = true),
    up: () => (isDown = false),
    hangNext: () => (hang = true),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 30_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** What `injectCaller` returns: a request to the api of an in-process app, its status and parsed body. */
export type ApiCall = (method: string, url: string, body?: unknown) => Promise<{ status: number; body: any }>;

/** Requests to `/api/v1` of an in-process app (fastify inject) with the bearer token `token()`. */
export function injectCaller(app: () => NestFastifyApplication, token: () => string): ApiCall {
  return async (method, url, body) => {
    const res = await app().inject({
      method: method as never,
      url: `/api/v1${url}`,
      headers: { authorization: `Bearer ${token()}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      payload: body !== undefined ? JSON.stringify(body) : undefined,
    });
    return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : undefined };
  };
}

/** A province, a commune under it and a procedure of 3 working days: what a dossier that gets notices needs. */
export async function seedWard(call: ApiCall, codes: { province: string; ward: string; procedure: string }): Promise<void> {
  expect((await call('PUT', `/units/${codes.province}`, { name: 'Tỉnh', level: 'province' })).status).toBeLessThan(300);
  expect((await call('PUT', `/units/${codes.ward}`, { name: 'Xã', level: 'commune', parentCode: codes.province })).status).toBeLessThan(300);
  expect(
    (await call('PUT', `/procedures/${codes.procedure}`, { name: 'Thủ tục', field: 'Hộ tịch', processingTime: { amount: 3, unit: 'working_day' } })).status,
  ).toBeLessThan(300);
}
