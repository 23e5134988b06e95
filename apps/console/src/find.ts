/**
 * Finding a dossier: by its exact code (what a barcode/QR scanner types, then Enter) or by text
 * (name, identity number, phone). Uses `GET /dossiers?code=` / `?q=` when the API offers them; an
 * API without them (400 naming the field) falls back, for a code, to paging the work list of the
 * unit the code starts with.
 */
import { ApiError, getJson, query } from './api';
import type { ListItem } from './components';

/** `<unit code>-<yymmdd>-<sequence>` */
export const DOSSIER_CODE = /^(.+)-(\d{6})-(\d{4,})$/;

interface Page {
  items: ListItem[];
  nextCursor: string | null;
}

function notAccepted(err: unknown, field: string): boolean {
  return err instanceof ApiError && err.status === 400 && JSON.stringify(err.problem).includes(field);
}

export async function findByCode(code: string): Promise<ListItem | undefined> {
  try {
    const page = await getJson<Page>(`/dossiers${query({ code })}`);
    return page.items.find((d) => d.code === code);
  } catch (err) {
    if (!notAccepted(err, 'code')) throw err;
  }
  const m = DOSSIER_CODE.exec(code);
  if (!m) return undefined;
  let cursor: string | null = null;
  for (let i = 0; i < 50; i++) {
    const page: Page = await getJson<Page>(`/dossiers${query({ unitCode: m[1], limit: 200, cursor })}`);
    const hit = page.items.find((d) => d.code === code);
    if (hit) return hit;
    if (!page.nextCursor) return undefined;
    cursor = page.nextCursor;
  }
  return undefined;
}

/** Text search (`?q=`); undefined when the API does not offer it yet. */
export async function searchText(q: string, cursor?: string): Promise<Page | undefined> {
  try {
    return await getJson<Page>(`/dossiers${query({ q, cursor, limit: 50 })}`);
  } catch (err) {
    if (notAccepted(err, 'q')) return undefined;
    throw err;
  }
}
