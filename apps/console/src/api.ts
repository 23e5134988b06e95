/** The public API (same origin): bearer token, problem+json errors, a 401 sends the user back to sign in. */
import { clearSession, currentToken } from './session';

export const API_BASE = '/api/v1';

export interface Problem {
  status: number;
  title: string;
  detail?: string;
  errors?: { field: string; message: string }[];
  /** The whole problem document (extension members such as `conflictingCampaignId`). */
  body?: Record<string, unknown>;
}

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title);
  }
  get status(): number {
    return this.problem.status;
  }
}

type Listener = (reason: string) => void;
let onUnauthorized: Listener = () => undefined;

/** Called when the API refuses the token (expired, revoked): the app shows the sign-in page. */
export function setUnauthorizedHandler(fn: Listener): void {
  onUnauthorized = fn;
}

async function problemOf(res: Response): Promise<Problem> {
  try {
    const body = (await res.json()) as Partial<Problem> & Record<string, unknown>;
    return { status: res.status, title: body.title ?? res.statusText, detail: body.detail, errors: body.errors, body };
  } catch {
    return { status: res.status, title: res.statusText || `HTTP ${res.status}` };
  }
}

export interface CallOptions {
  body?: unknown;
  accept?: string;
  signal?: AbortSignal;
}

/** A raw call: the Response when 2xx, else ApiError with the problem (401: back to sign in first). */
export async function call(method: string, path: string, opts: CallOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { accept: opts.accept ?? 'application/json' };
  const token = currentToken();
  if (token) headers.authorization = `Bearer ${token}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(API_BASE + path, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body), signal: opts.signal });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError({ status: 0, title: 'Không kết nối được máy chủ', detail: 'Kiểm tra mạng rồi thử lại.' });
  }
  if (res.ok) return res;
  const problem = await problemOf(res);
  if (res.status === 401) {
    clearSession();
    onUnauthorized(problem.detail ?? 'unauthorized');
  }
  throw new ApiError(problem);
}

export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  return (await (await call('GET', path, { signal })).json()) as T;
}

export async function postJson<T>(path: string, body: unknown): Promise<T> {
  return (await (await call('POST', path, { body })).json()) as T;
}

export async function putJson<T>(path: string, body: unknown): Promise<T> {
  return (await (await call('PUT', path, { body })).json()) as T;
}

/** `?a=1&b=2` from the defined, non-empty values. */
export function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** Fetches a file (PDF, CSV) with the token and returns an object URL for it. */
export async function fileUrl(path: string, accept: string): Promise<string> {
  const res = await call('GET', path, { accept });
  return URL.createObjectURL(await res.blob());
}

/** The message a clerk reads for a refusal: the API's own detail, with field messages. */
export function problemText(err: unknown): string {
  if (err instanceof ApiError) {
    const p = err.problem;
    const fields = p.errors?.length ? ` (${p.errors.map((e) => e.message).join('; ')})` : '';
    return `${p.detail ?? p.title}${fields}`;
  }
  return err instanceof Error ? err.message : String(err);
}
