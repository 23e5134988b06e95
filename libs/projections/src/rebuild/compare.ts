/** verify: the rows that differ between the live tables and their shadow copies. */
import { SqlExecutor } from '@motcua/sql';
import { qualified, ShadowSchema } from './shadow-schema';
import { TableDifference } from './types';

/**
 * Rows of each live table missing from the shadow one and vice versa (EXCEPT ALL both ways), at
 * most `maxRows` listed per table and side (the counts are complete).
 */
export async function compareWithShadow(tx: SqlExecutor, shadow: ShadowSchema, maxRows: number): Promise<TableDifference[]> {
  const out: TableDifference[] = [];
  for (const t of shadow.tables) {
    const live = qualified(t.schema, t.name);
    const copy = qualified(shadow.name, t.name);
    const side = async (a: string, b: string) => {
      const { rows } = await tx.query<{ row: Record<string, unknown>; n: string }>(
        `WITH d AS (SELECT * FROM ${a} EXCEPT ALL SELECT * FROM ${b}) SELECT to_jsonb(d) AS row, count(*) OVER ()::text AS n FROM d LIMIT ${maxRows}`,
      );
      return { rows: rows.map((r) => r.row), n: rows.length ? Number(rows[0].n) : 0 };
    };
    const l = await side(live, copy);
    const r = await side(copy, live);
    if (l.n || r.n) out.push({ table: t.name, onlyInLive: l.rows, onlyInRebuild: r.rows, liveCount: l.n, rebuildCount: r.n });
  }
  return out;
}
