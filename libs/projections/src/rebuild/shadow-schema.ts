/**
 * Catalogue cloning: the shadow schema `<schema>__rb_<projection>` next to the live tables, with a
 * table of the same name and DDL for each live table (`LIKE … INCLUDING ALL`, the same constraints
 * and the same index names). Constraints are created with the table (the primary key that
 * `ON CONFLICT` needs); the other indexes once the bulk of the log is replayed.
 */
import { SqlDriver, SqlExecutor } from '@motcua/sql';
import { parallelism, runLimited } from './parallel';

export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** `"schema"."table"`. */
export function qualified(schema: string, table: string): string {
  return `${ident(schema)}.${ident(table)}`;
}

export interface LiveTable {
  name: string;
  schema: string;
  /** `ALTER TABLE … ADD CONSTRAINT` clauses of the primary key, unique and exclusion constraints. */
  constraints: { name: string; def: string }[];
  /** The other indexes, as `CREATE INDEX` statements on the shadow table. */
  indexes: string[];
}

/** The live tables of a projection and the shadow schema their copies go to. */
export interface ShadowSchema {
  /** The shadow schema's name. */
  name: string;
  tables: LiveTable[];
}

async function schemaOf(db: SqlExecutor, table: string): Promise<{ oid: number; schema: string } | undefined> {
  const { rows } = await db.query<{ oid: number; schema: string }>(
    `SELECT c.oid::int AS oid, n.nspname AS schema FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.oid = to_regclass($1)`,
    [table],
  );
  return rows[0];
}

async function describeTables(db: SqlExecutor, tables: readonly string[], shadow: string): Promise<LiveTable[]> {
  const out: LiveTable[] = [];
  for (const name of tables) {
    const found = await schemaOf(db, name);
    if (!found) throw new Error(`table ${name} of the projection does not exist (migrations not applied?)`);
    const { oid, schema } = found;
    const cons = await db.query<{ name: string; def: string }>(
      `SELECT conname AS name, pg_get_constraintdef(oid) AS def FROM pg_constraint
       WHERE conrelid = $1 AND contype IN ('p', 'u', 'x') ORDER BY conname`,
      [oid],
    );
    const idx = await db.query<{ def: string }>(
      `SELECT pg_get_indexdef(i.indexrelid) AS def FROM pg_index i
       WHERE i.indrelid = $1 AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.conrelid = $1)
       ORDER BY i.indexrelid`,
      [oid],
    );
    const indexes = idx.rows.map(({ def }) => {
      const m = /^CREATE (UNIQUE )?INDEX (\S+) ON (?:ONLY )?(\S+) (USING .*)$/s.exec(def);
      if (!m) throw new Error(`cannot copy index definition: ${def}`);
      return `CREATE ${m[1] ?? ''}INDEX ${m[2]} ON ${qualified(shadow, name)} ${m[4]}`;
    });
    out.push({ name, schema, constraints: cons.rows, indexes });
  }
  return out;
}

/** The shadow schema of a projection's rebuild, next to the live tables. */
function shadowSchemaName(liveSchema: string, projection: string): string {
  return `${liveSchema}__rb_${projection.replace(/[^a-zA-Z0-9_]/g, '_')}`.slice(0, 63);
}

/** The shadow schema of a projection's rebuild, next to its first live table. */
export async function shadowSchemaOf(db: SqlExecutor, projection: string, firstTable: string): Promise<string> {
  const first = await schemaOf(db, firstTable);
  if (!first) throw new Error(`table ${firstTable} does not exist (migrations not applied?)`);
  return shadowSchemaName(first.schema, projection);
}

/** Reads the catalogue of the live tables (all in one schema) to copy them into the shadow schema `name`. */
export async function describeShadowSchema(db: SqlExecutor, name: string, projection: string, tables: readonly string[]): Promise<ShadowSchema> {
  const live = await describeTables(db, tables, name);
  const schemas = new Set(live.map((t) => t.schema));
  if (schemas.size > 1) throw new Error(`the tables of projection ${projection} are in several schemas (${[...schemas].join(', ')})`);
  return { name, tables: live };
}

/** (Re)creates the shadow schema with empty tables and their constraints, without the other indexes. */
export async function createShadowTables(tx: SqlExecutor, shadow: ShadowSchema): Promise<void> {
  await dropShadowSchema(tx, shadow.name);
  await tx.exec(`CREATE SCHEMA ${ident(shadow.name)}`);
  for (const t of shadow.tables) {
    const target = qualified(shadow.name, t.name);
    await tx.exec(`CREATE TABLE ${target} (LIKE ${qualified(t.schema, t.name)} INCLUDING ALL EXCLUDING INDEXES)`);
    // Constraints (the primary key that ON CONFLICT needs) at once, with the live names.
    for (const c of t.constraints) await tx.exec(`ALTER TABLE ${target} ADD CONSTRAINT ${ident(c.name)} ${c.def}`);
  }
}

/**
 * Builds the secondary indexes of the shadow tables, then `ANALYZE`s them. The builds only read
 * the tables (several may run on one table at once), so they run `parallelism(driver)` at a time.
 */
export async function buildShadowIndexes(driver: SqlDriver, shadow: ShadowSchema): Promise<void> {
  const builds = shadow.tables.flatMap((t) => t.indexes.map((sql) => () => driver.exec(sql)));
  await runLimited(builds, parallelism(driver));
  for (const t of shadow.tables) await driver.exec(`ANALYZE ${qualified(shadow.name, t.name)}`);
}

export async function dropShadowSchema(tx: SqlExecutor, name: string): Promise<void> {
  await tx.exec(`DROP SCHEMA IF EXISTS ${ident(name)} CASCADE`);
}
