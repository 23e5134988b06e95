import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Browser, BrowserContext, chromium, Page } from 'playwright-core';
import { mintToken } from '@motcua/platform';
import { ROOT, RunningService, startService } from '../support/spawn-service';

declare const location: { hash: string }; // in page.evaluate (the browser)

export const SECRET = 'console-browser-test-secret-0123456789-abcdef';
/** Debian's Chromium (`apt-get install -y chromium`): browsers cannot be downloaded here. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Screenshots the tests take (git-ignored: tmp/). */
export const SHOTS = path.join(ROOT, 'tmp/console-screenshots');
export const VIEWPORT = { width: 1366, height: 768 };

export interface Api {
  status: number;
  body: any;
}

export interface ConsoleWorld {
  svc: RunningService;
  /** `http://127.0.0.1:<port>` */
  origin: string;
  browser: Browser;
  api(token: string, method: string, url: string, body?: unknown): Promise<Api>;
  tokens: Record<'admin' | 'clerk' | 'clerk2' | 'supervisor' | 'auditor', string>;
  close(): Promise<void>;
}

function weekendsOf(year: number): string[] {
  const out: string[] = [];
  for (let d = new Date(Date.UTC(year, 0, 1)); d.getUTCFullYear() === year; d = new Date(d.getTime() + 86_400_000)) {
    if (d.getUTCDay() === 0 || d.getUTCDay() === 6) out.push(d.toISOString().slice(0, 10));
  }
  return out;
}

/**
 * The built service on a fresh PGlite directory (as `npm start` runs it), a province P that works
 * around the clock (so that a one-hour procedure falls due seconds from now), two communes, two
 * procedures, and Chromium; `env` adds to the service's environment (e.g. an SMTP server).
 */
export async function startConsoleWorld(env: Record<string, string> = {}): Promise<ConsoleWorld> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-console-'));
  fs.mkdirSync(SHOTS, { recursive: true });
  const svc = await startService(
    {
      EVENT_STORE_URL: `pglite://${dir}`,
      JWT_SECRET: SECRET,
      QUEUE_PREFIX: `motcua-console-${randomBytes(4).toString('hex')}`,
      ALERT_NEAR_DEADLINE_POLICY: 'fraction:0.999',
      TIMERS_SWEEP_EVERY_MS: '600000',
      ...env,
    },
    180_000,
  ).catch(async (err) => {
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  });
  const origin = svc.baseUrl.replace(/\/api\/v1$/, '');
  const api = async (token: string, method: string, url: string, body?: unknown): Promise<Api> => {
    const r = await fetch(`${svc.baseUrl}${url}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await r.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      /* not JSON */
    }
    return { status: r.status, body: parsed };
  };
  const mint = (sub: string, name: string, roles: string[], units: string[]) => mintToken({ sub, name, roles: roles as never, units }, SECRET);
  const tokens = {
    admin: await mint('admin-1', 'Quản trị viên', ['admin'], ['P']),
    clerk: await mint('clerk-1', 'Nguyễn Thị Thuỷ', ['clerk'], ['C1']),
    clerk2: await mint('clerk-2', 'Lê Văn Đức', ['clerk'], ['C2']),
    supervisor: await mint('sup-1', 'Trần Quốc Việt', ['supervisor'], ['P']),
    auditor: await mint('aud-1', 'Phạm Thị Hường', ['auditor'], ['P']),
  };
  const allDay = { sessions: [{ start: '00:00', end: '23:59' }] };
  const must = async (p: Promise<Api>, ok: number[]) => {
    const r = await p;
    if (!ok.includes(r.status)) throw new Error(`seeding failed: ${r.status} ${JSON.stringify(r.body)}`);
    return r;
  };
  await must(api(tokens.admin, 'PUT', '/units/P', { name: 'Tỉnh Hà Giang Mới', level: 'province', officeHours: allDay }), [201]);
  await must(api(tokens.admin, 'PUT', '/units/C1', { name: 'Phường Đồng Xuân', level: 'commune', parentCode: 'P', officeHours: allDay }), [201]);
  await must(api(tokens.admin, 'PUT', '/units/C2', { name: 'Xã Lũng Cú', level: 'commune', parentCode: 'P', officeHours: allDay }), [201]);
  const year = new Date(Date.now() + 7 * 3600_000).getUTCFullYear();
  for (const y of [year - 1, year, year + 1]) await must(api(tokens.admin, 'PUT', `/calendar/${y}`, { holidays: [], workingDays: weekendsOf(y) }), [200]);
  await must(
    api(tokens.admin, 'PUT', '/procedures/1.001193', { name: 'Đăng ký khai sinh', field: 'Hộ tịch', processingTime: { amount: 3, unit: 'working_day' } }),
    [201],
  );
  await must(
    api(tokens.admin, 'PUT', '/procedures/2.000815', {
      name: 'Chứng thực bản sao từ bản chính giấy tờ',
      field: 'Chứng thực',
      processingTime: { amount: 1, unit: 'working_hour' },
    }),
    [201],
  );
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage', '--lang=vi-VN'] });
  return {
    svc,
    origin,
    browser,
    api,
    tokens,
    async close() {
      await browser.close().catch(() => undefined);
      await svc.stop('SIGTERM');
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A fresh browser context (its own sessionStorage) at 1366×768, signed in through the URL fragment as `npm run demo` prints it. */
export async function openConsole(world: ConsoleWorld, token: string, hash = ''): Promise<{ context: BrowserContext; page: Page }> {
  const context = await world.browser.newContext({ viewport: VIEWPORT, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' });
  const page = await context.newPage();
  await page.goto(`${world.origin}/console/#token=${token}`);
  if (hash) await page.evaluate((h) => (location.hash = h), hash);
  return { context, page };
}

export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
}

export async function receive(world: ConsoleWorld, token: string, body: Record<string, unknown>): Promise<any> {
  const r = await world.api(token, 'POST', '/dossiers', { channel: 'direct', applicant: { name: 'Hoàng Văn Thụ' }, ...body });
  if (r.status !== 201) throw new Error(`receive failed: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}
