import { CorruptDossierStream, DomainError, dossierStreamName } from '@motcua/domain';
import { positionToString, RecordedEvent } from '@motcua/event-store/port';
import { message, ProjectionLogger } from '@motcua/projections';
import { SqlDriver } from '@motcua/sql';
import { PoisonSource } from './options';

/** A recorded poison dossier (`timer_poison`). */
export interface PoisonEntry {
  dossierId: string;
  stream: string;
  eventId?: string;
  eventType?: string;
  position?: string;
  error: string;
  attempts: number;
  firstFailedAt: string;
  lastFailedAt: string;
}

/**
 * Whether an error met while computing one dossier's timers is that dossier's own (poison: record and
 * skip it) rather than the infrastructure's (database or Redis down: fail the batch, retry it whole).
 * A calendar that cannot compute a date throws RangeError; a corrupt stream, CorruptDossierStream.
 */
export function isPoisonError(err: unknown): boolean {
  return (
    err instanceof RangeError || err instanceof TypeError || err instanceof SyntaxError || err instanceof DomainError || err instanceof CorruptDossierStream
  );
}

/** The `timer_poison` table: dossiers whose timers cannot be computed, skipped until they compute again. */
export class TimerPoison {
  constructor(
    private readonly driver: SqlDriver,
    private readonly logger: ProjectionLogger,
    private readonly onPoison?: (source: PoisonSource) => void,
  ) {}

  /** Records (or counts one more attempt of) a poison dossier, with the event that met it if known. */
  async record(dossierId: string, err: unknown, cause: RecordedEvent | undefined, source: PoisonSource): Promise<void> {
    const error = message(err);
    const stream = dossierStreamName(dossierId);
    const position = cause ? positionToString(cause.position) : null;
    await this.driver.query(
      `INSERT INTO timer_poison (dossier_id, stream, event_id, event_type, position, error) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (dossier_id) DO UPDATE SET
         event_id = COALESCE(EXCLUDED.event_id, timer_poison.event_id), event_type = COALESCE(EXCLUDED.event_type, timer_poison.event_type),
         position = COALESCE(EXCLUDED.position, timer_poison.position), error = EXCLUDED.error,
         attempts = timer_poison.attempts + 1, last_failed_at = now()`,
      [dossierId, stream, cause?.id ?? null, cause?.type ?? null, position, error],
    );
    this.onPoison?.(source);
    const what = cause ? `event ${cause.type} ${cause.id} (position ${position}) of stream ${stream}` : `stream ${stream}`;
    this.logger.error(`timers: poison ${what}: its timers cannot be computed (${error}); skipped, recorded in timer_poison, retried by the sweep`);
  }

  /** Deletes the entries of dossiers whose timers computed. */
  async clear(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    const r = await this.driver.query(`DELETE FROM timer_poison WHERE dossier_id = ANY($1::text[])`, [[...ids]]);
    if (r.affectedRows > 0) this.logger.log(`timers: ${r.affectedRows} poison dossier(s) compute again; their timers are scheduled`);
  }

  /** The recorded poison dossiers (oldest failure first). */
  async entries(limit = 1000): Promise<PoisonEntry[]> {
    const { rows } = await this.driver.query<Record<string, unknown>>(
      `SELECT dossier_id, stream, event_id, event_type, position, error, attempts, first_failed_at, last_failed_at FROM timer_poison ORDER BY first_failed_at, dossier_id LIMIT $1`,
      [limit],
    );
    return rows.map((r) => ({
      dossierId: String(r.dossier_id),
      stream: String(r.stream),
      ...(r.event_id != null && { eventId: String(r.event_id) }),
      ...(r.event_type != null && { eventType: String(r.event_type) }),
      ...(r.position != null && { position: String(r.position) }),
      error: String(r.error),
      attempts: Number(r.attempts),
      firstFailedAt: new Date(r.first_failed_at as string).toISOString(),
      lastFailedAt: new Date(r.last_failed_at as string).toISOString(),
    }));
  }

  /** The recorded dossier ids after `after`, in id order (paging). */
  async idsAfter(after: string, limit: number): Promise<string[]> {
    const { rows } = await this.driver.query<{ dossier_id: string }>(
      `SELECT dossier_id FROM timer_poison WHERE dossier_id > $1 ORDER BY dossier_id LIMIT ${limit}`,
      [after],
    );
    return rows.map((r) => r.dossier_id);
  }

  /** How many dossiers are recorded (of `ids`, when given). */
  async count(ids?: readonly string[]): Promise<number> {
    const { rows } = ids
      ? await this.driver.query<{ n: string }>(`SELECT count(*)::text AS n FROM timer_poison WHERE dossier_id = ANY($1::text[])`, [[...ids]])
      : await this.driver.query<{ n: string }>(`SELECT count(*)::text AS n FROM timer_poison`);
    return Number(rows[0]?.n ?? 0);
  }
}
