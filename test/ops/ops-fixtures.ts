import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { mintToken } from '@motcua/platform';

export const OPS_SECRET = 'ops-test-secret-that-is-long-enough-0123456789';
export const PROVINCE = '000.00.00.H29';
export const WARD = '000.27.01.H29';
export const BIRTH = '1.001612';

export function tempDataDir(tag: string): { dir: string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `motcua-ops-${tag}-`));
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Env of a spawned service on its own PGlite directory and BullMQ prefix. */
export function serviceEnv(dataDir: string, extra: Record<string, string> = {}): Record<string, string> {
  return { EVENT_STORE_URL: `pglite://${dataDir}`, JWT_SECRET: OPS_SECRET, QUEUE_PREFIX: `ops-${randomUUID().slice(0, 8)}`, ...extra };
}

export const adminToken = () => mintToken({ sub: 'ops-admin', name: 'Quản trị', roles: ['admin'], units: [PROVINCE] } as never, OPS_SECRET);
export const clerkToken = (sub = 'ops-clerk') => mintToken({ sub, name: 'Lê Thị Thu', roles: ['clerk'], units: [WARD] } as never, OPS_SECRET);

/** fetch with a bearer token and a JSON (or raw) body; the answer's status, headers and parsed body. */
export async function call(
  baseUrl: string,
  method: string,
  url: string,
  options: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined = options.raw;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const res = await fetch(`${baseUrl}${url}`, { method, headers, body });
  const text = await res.text();
  let parsed: any = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON */
  }
  return { status: res.status, headers: res.headers, body: parsed };
}

/** The unit tree and a procedure the tests receive dossiers for. */
export async function seedReference(baseUrl: string, admin: string): Promise<void> {
  for (const [url, body] of [
    [`/units/${PROVINCE}`, { name: 'TP. Hồ Chí Minh', level: 'province' }],
    [`/units/${WARD}`, { name: 'Phường Bến Nghé', level: 'commune', parentCode: PROVINCE }],
    [`/procedures/${BIRTH}`, { name: 'Đăng ký khai sinh', field: 'Hộ tịch', processingTime: { amount: 3, unit: 'working_day' } }],
  ] as const) {
    const r = await call(baseUrl, 'PUT', url, { token: admin, body });
    if (![200, 201].includes(r.status)) throw new Error(`PUT ${url}: ${r.status} ${JSON.stringify(r.body)}`);
  }
}
