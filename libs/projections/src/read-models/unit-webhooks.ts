/** The alert webhooks of units (`unit_webhooks`) and this database's alert channel name. */
import { SqlExecutor } from '@motcua/sql';
import { isoTime } from './alert-model';

export interface UnitWebhook {
  unitCode: string;
  url: string;
  secret: string;
  updatedBy?: string;
  updatedAt: string;
}

export async function putUnitWebhook(db: SqlExecutor, w: { unitCode: string; url: string; secret: string; updatedBy?: string }): Promise<UnitWebhook> {
  const { rows } = await db.query(
    `INSERT INTO unit_webhooks (unit_code, url, secret, updated_by, updated_at) VALUES ($1, $2, $3, $4, now())
     ON CONFLICT (unit_code) DO UPDATE SET url = EXCLUDED.url, secret = EXCLUDED.secret, updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at
     RETURNING unit_code, url, secret, updated_by, updated_at`,
    [w.unitCode, w.url, w.secret, w.updatedBy ?? null],
  );
  return webhookFromRow(rows[0]);
}

export async function deleteUnitWebhook(db: SqlExecutor, unitCode: string): Promise<boolean> {
  return (await db.query(`DELETE FROM unit_webhooks WHERE unit_code = $1`, [unitCode])).affectedRows > 0;
}

export async function getUnitWebhooks(db: SqlExecutor, unitCodes: readonly string[]): Promise<UnitWebhook[]> {
  const { rows } = await db.query(`SELECT unit_code, url, secret, updated_by, updated_at FROM unit_webhooks WHERE unit_code = ANY($1::text[])`, [
    [...unitCodes],
  ]);
  return rows.map(webhookFromRow);
}

function webhookFromRow(r: Record<string, unknown>): UnitWebhook {
  return {
    unitCode: String(r.unit_code),
    url: String(r.url),
    secret: String(r.secret),
    ...(r.updated_by != null ? { updatedBy: String(r.updated_by) } : {}),
    updatedAt: isoTime(r.updated_at)!,
  };
}

/** The random name of this database's alert channel (see 0005_alerts.sql). */
export async function alertNamespace(db: SqlExecutor): Promise<string> {
  const { rows } = await db.query<{ namespace: string }>(`SELECT namespace FROM alert_channel WHERE id = 1`);
  if (!rows[0]) throw new Error('alert_channel is empty: migration 0005_alerts.sql not applied');
  return rows[0].namespace;
}
