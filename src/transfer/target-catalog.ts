import type { PostgresConnection } from '../postgres/postgres-connection.ts';

/** Every relation in the target schema: name -> relkind ('r' table, 'v' view, 'i' index, ...). */
export async function schemaRelations(connection: PostgresConnection, schema: string): Promise<Map<string, string>> {
  const result = await connection.query<{ relname: string; relkind: string }>(
    'SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1',
    [schema],
  );
  return new Map(result.rows.map((r) => [r.relname, r.relkind]));
}

/** Indexes and views (relations), and constraints, already in the target schema. */
export async function existingNames(connection: PostgresConnection, schema: string): Promise<{ relations: Set<string>; constraints: Set<string> }> {
  const result = await connection.query<{ name: string; constraint: boolean }>(
    `SELECT c.relname AS name, false AS constraint FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 ` +
      `AND c.relkind IN ('i', 'v')
     UNION SELECT conname, true FROM pg_constraint k JOIN pg_namespace n ON n.oid = k.connamespace WHERE n.nspname = $1`,
    [schema],
  );
  return {
    relations: new Set(result.rows.filter((r) => !r.constraint).map((r) => r.name)),
    constraints: new Set(result.rows.filter((r) => r.constraint).map((r) => r.name)),
  };
}

/** The columns of these tables as PostgreSQL has them: table -> column -> `format_type()`. */
export async function columnTypes(connection: PostgresConnection, schema: string, tables: readonly string[]): Promise<Map<string, Map<string, string>>> {
  const result = await connection.query<{ relname: string; attname: string; type: string }>(
    `SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod) AS type
       FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND a.attnum > 0 AND NOT a.attisdropped AND c.relname = ANY($2)`,
    [schema, tables],
  );
  const byTable = new Map<string, Map<string, string>>();
  for (const row of result.rows) {
    const columns = byTable.get(row.relname) ?? new Map<string, string>();
    columns.set(row.attname, row.type);
    byTable.set(row.relname, columns);
  }
  return byTable;
}
