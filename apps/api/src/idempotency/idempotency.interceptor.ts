import { createHash } from 'node:crypto';
import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import { FastifyReply, FastifyRequest } from 'fastify';
import { from, lastValueFrom, Observable, of } from 'rxjs';
import { canonicalJson } from '@motcua/application';
import { BadRequestProblem, ConflictProblem, MAX_INPUT_DEPTH, nestedDeeperThan, Principal, SQL_DRIVER, UnprocessableProblem } from '@motcua/platform';
import { SqlDriver } from '@motcua/sql';

const KEY_RE = /^[\x21-\x7e]{1,200}$/;
/** `Retry-After` of the 409 a repeat gets while the first request with its key is still running. */
export const IN_PROGRESS_RETRY_AFTER_SECONDS = 1;

/**
 * `Idempotency-Key` on POST: the first answer is stored (per user and key) and a repeated request
 * gets it back without running the command again. A key reused with a different request is 422; a
 * repeat while the first is still running is 409 with `Retry-After: 1` (the repeat is not queued:
 * once the first has finished, a retry gets its stored answer). A failed first attempt frees the key.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  /**
   * Keys whose failed first attempt could not be freed (the database was down): freed on a later
   * request, else they would answer "still being processed" for ever once the database is back.
   */
  private readonly unfreed = new Map<string, [actor: string, key: string]>();

  constructor(@Inject(SQL_DRIVER) private readonly sql: SqlDriver) {}

  /** Deletes the in-progress row of a failed attempt; false (and remembered) if the database refused. */
  private async free(actor: string, key: string): Promise<boolean> {
    try {
      await this.sql.query(`DELETE FROM idempotency_keys WHERE actor = $1 AND key = $2 AND state = 'in-progress'`, [actor, key]);
      return true;
    } catch {
      if (this.unfreed.size < 10_000) this.unfreed.set(JSON.stringify([actor, key]), [actor, key]);
      return false;
    }
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<FastifyRequest & { user?: Principal }>();
    const header = req.headers['idempotency-key'];
    if (req.method !== 'POST' || header === undefined) return next.handle();
    return from(this.handle(context, next, req, header));
  }

  private async handle(context: ExecutionContext, next: CallHandler, req: FastifyRequest & { user?: Principal }, header: string | string[]): Promise<unknown> {
    const key = Array.isArray(header) ? header[0] : header;
    if (!KEY_RE.test(key)) throw new BadRequestProblem('Idempotency-Key must be 1–200 visible ASCII characters');
    const actor = req.user?.sub ?? 'anonymous';
    // runs before the validation pipe: canonicalJson recurses, a very deep body overflowed the stack (500)
    if (nestedDeeperThan(req.body, MAX_INPUT_DEPTH)) throw new BadRequestProblem(`The request body is nested more than ${MAX_INPUT_DEPTH} levels deep.`);
    const hash = createHash('sha256')
      .update(`${req.method} ${req.url}\n${typeof req.body === 'string' ? req.body : canonicalJson(req.body ?? null)}`)
      .digest('hex');
    // each left-over key is taken out of the map before it is deleted, so one request frees it once
    for (const [id, [a, k]] of [...this.unfreed]) {
      if (!this.unfreed.delete(id)) continue;
      if (!(await this.free(a, k))) break; // still down: the INSERT below answers 503
    }
    const inserted = await this.sql.query(
      `INSERT INTO idempotency_keys (actor, key, request_hash, state) VALUES ($1, $2, $3, 'in-progress') ON CONFLICT DO NOTHING`,
      [actor, key, hash],
    );
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    if (inserted.affectedRows === 0) {
      const { rows } = await this.sql.query<{ request_hash: string; state: string; status: number; response: unknown }>(
        `SELECT request_hash, state, status, response FROM idempotency_keys WHERE actor = $1 AND key = $2`,
        [actor, key],
      );
      const row = rows[0];
      if (!row)
        throw new ConflictProblem('The request with this Idempotency-Key just failed: retry it', {
          headers: { 'Retry-After': String(IN_PROGRESS_RETRY_AFTER_SECONDS) },
        });
      if (row.request_hash !== hash) throw new UnprocessableProblem('This Idempotency-Key was already used for a different request');
      if (row.state !== 'done') {
        throw new ConflictProblem('A request with this Idempotency-Key is still being processed: retry later', {
          headers: { 'Retry-After': String(IN_PROGRESS_RETRY_AFTER_SECONDS) },
        });
      }
      reply.status(row.status).header('Idempotent-Replayed', 'true');
      return row.response;
    }
    try {
      const body = await lastValueFrom(next.handle(), { defaultValue: undefined });
      await this.sql.query(`UPDATE idempotency_keys SET state = 'done', status = $3, response = $4::jsonb WHERE actor = $1 AND key = $2`, [
        actor,
        key,
        reply.statusCode,
        JSON.stringify(body ?? null),
      ]);
      return body;
    } catch (err) {
      await this.free(actor, key);
      throw err;
    }
  }
}

export { of };
