import { ExecutionContext } from '@nestjs/common';
import { lastValueFrom, of, throwError } from 'rxjs';
import { ConflictProblem } from '@motcua/platform';
import { IdempotencyInterceptor } from './idempotency.interceptor';

/** A fake idempotency_keys table whose database can be "down". */
function fakeSql() {
  const rows = new Map<string, { request_hash: string; state: string; status?: number; response?: unknown }>();
  const db = {
    down: false,
    rows,
    async query(sql: string, params: unknown[] = []) {
      if (db.down) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
      const id = `${params[0]}/${params[1]}`;
      if (sql.startsWith('INSERT')) {
        if (rows.has(id)) return { rows: [], affectedRows: 0 };
        rows.set(id, { request_hash: String(params[2]), state: 'in-progress' });
        return { rows: [], affectedRows: 1 };
      }
      if (sql.startsWith('SELECT')) return { rows: rows.has(id) ? [rows.get(id)] : [], affectedRows: 0 };
      if (sql.startsWith('UPDATE')) {
        rows.set(id, { ...rows.get(id)!, state: 'done', status: params[2] as number, response: JSON.parse(String(params[3])) });
        return { rows: [], affectedRows: 1 };
      }
      if (sql.startsWith('DELETE')) return { rows: [], affectedRows: rows.delete(id) ? 1 : 0 };
      throw new Error(`unexpected SQL ${sql}`);
    },
  };
  return db;
}

function context(key: string) {
  const req = { method: 'POST', url: '/api/v1/dossiers', headers: { 'idempotency-key': key }, body: { a: 1 }, user: { sub: 'clerk-1' } };
  const reply = { statusCode: 201, status: () => reply, header: () => reply };
  return { switchToHttp: () => ({ getRequest: () => req, getResponse: () => reply }) } as unknown as ExecutionContext;
}

describe('IdempotencyInterceptor', () => {
  it('a repeat while the first runs is 409 with Retry-After: 1', async () => {
    const sql = fakeSql();
    const interceptor = new IdempotencyInterceptor(sql as never);
    // the request's hash: let the same request in under another key, then copy it as a running one
    await lastValueFrom(interceptor.intercept(context('probe'), { handle: () => of({ ok: true }) }));
    sql.rows.set('clerk-1/k', { request_hash: sql.rows.get('clerk-1/probe')!.request_hash, state: 'in-progress' });
    const err = (await lastValueFrom(interceptor.intercept(context('k'), { handle: () => of({ ok: true }) })).catch((e: unknown) => e)) as ConflictProblem;
    expect(err).toBeInstanceOf(ConflictProblem);
    expect(err.message).toMatch(/still being processed/);
    expect(err.headers['Retry-After']).toBe('1');
  });

  it('frees the key of an attempt that failed while the database was down, once it is back', async () => {
    const sql = fakeSql();
    const interceptor = new IdempotencyInterceptor(sql as never);
    // the key is taken, then the database goes away: the command fails and the key cannot be freed
    const failed = lastValueFrom(
      interceptor.intercept(context('k'), {
        handle: () => {
          sql.down = true;
          return throwError(() => Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }));
        },
      }),
    ).catch((e: unknown) => e as { code?: string });
    expect(((await failed) as { code?: string }).code).toBe('57P01');
    expect(sql.rows.get('clerk-1/k')?.state).toBe('in-progress');
    sql.down = false;
    // the retry runs (instead of "still being processed" for ever)
    const retried = await lastValueFrom(interceptor.intercept(context('k'), { handle: () => of({ id: 'd-1' }) }));
    expect(retried).toEqual({ id: 'd-1' });
    expect(sql.rows.get('clerk-1/k')).toMatchObject({ state: 'done', response: { id: 'd-1' } });
  });
});
