import type { ConnectPostgres, PostgresTarget } from '../postgres/postgres-connection.ts';

export interface TargetState {
  readonly serverVersion: string;
  /** Tables already in the public schema: a target that holds data is backed up before it is replaced. */
  readonly tables: number;
}

/** Connects as the application's role, proving the database, role and password are right. */
export async function inspectTarget(connect: ConnectPostgres, target: PostgresTarget): Promise<TargetState> {
  const connection = await connect(target);
  try {
    const { rows } = await connection.query<{ version: string; tables: string }>(
      "SELECT current_setting('server_version') AS version, " + "(SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = 'public')::text AS tables",
    );
    return { serverVersion: rows[0]?.version ?? '?', tables: Number(rows[0]?.tables ?? 0) };
  } finally {
    await connection.close();
  }
}
