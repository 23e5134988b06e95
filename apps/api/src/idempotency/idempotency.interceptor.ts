import { createHash } from 'node:crypto';
import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import { FastifyReply, FastifyRequest } from 'fastify';
import { from, lastValueFrom, Observable, of } from 'rxjs';
import { canonicalJson } from '@motcua/application';
import { BadRequestProblem, ConflictProblem, MAX_INPUT_DEPTH, nestedDeeperThan, Principal, SQL_DRIVER, UnprocessableProblem } from '@motcua/platform';
import { SqlDriver } from '@motcua/sql';

const KEY_RE = /^[\x21-\x7e]{1,200}$/;

/**
 * `Idempotency-Key` on POST: the first answer is stored (per user and key) and a repeated request
 * gets it back without running the command again. A key reused with a different request is 422; a
 * repeat while the first is still running is 409. A failed first attempt frees the key.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(@Inject(SQL_DRIVER) private readonly sql: SqlDriver) {}

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
      if (!row) throw new ConflictProblem('The request with this Idempotency-Key just failed: retry it');
      if (row.request_hash !== hash) throw new UnprocessableProblem('This Idempotency-Key was already used for a different request');
      if (row.state !== 'done') throw new ConflictProblem('A request with this Idempotency-Key is still being processed: retry later');
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
      await this.sql.query(`DELETE FROM idempotency_keys WHERE actor = $1 AND key = $2`, [actor, key]).catch(() => undefined);
      throw err;
    }
  }
}

export { of };
