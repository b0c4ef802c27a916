import { Readable, type Writable } from 'node:stream';
import type { ContainerRuntime, ExecResult } from '../docker/container-runtime.ts';
import { CommandFailedError } from '../errors/command-failed-error.ts';
import { sortTables, type TableRows } from './table-row-counts.ts';

export interface ContainerPostgresTarget {
  readonly containerId: string;
  readonly containerName: string;
  readonly user: string;
  /** Handed to the exec's environment (PGPASSWORD), never to its command line. */
  readonly password: string;
  /** The application's database. */
  readonly database: string;
}

const fieldSeparator = '\u001f';
const recordSeparator = '\u001e';
const maintenanceDatabase = 'postgres';

const rowCountsSql = `
SELECT n.nspname, c.relname,
  (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM %I.%I', n.nspname, c.relname), false, true, '')))[1]::text
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind = 'r'
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
  -- Tables that belong to an extension are not dumped with their data by default.
  AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
ORDER BY 1, 2;
`;

/**
 * PostgreSQL as dbops reaches it for backups and restores: psql, pg_dump and pg_restore run inside
 * the postgres container (docker exec, no TTY), so client and server versions always match. Names
 * reach SQL only as psql variables quoted by the server (%I, %L), never by string concatenation.
 */
export class ContainerPostgres {
  constructor(
    private readonly runtime: ContainerRuntime,
    readonly target: ContainerPostgresTarget,
  ) {}

  /** Runs a psql script (fed on stdin) against `database`; returns its unaligned output as rows of fields. */
  async psql(step: string, database: string, script: string, variables: Readonly<Record<string, string>> = {}): Promise<string[][]> {
    const command = [
      'psql',
      '-X',
      '-q',
      '--no-password',
      '-v',
      'ON_ERROR_STOP=1',
      '-A',
      '-t',
      '-F',
      fieldSeparator,
      '-R',
      recordSeparator,
      '-U',
      this.target.user,
      '-d',
      database,
      ...Object.entries(variables).flatMap(([name, value]) => ['-v', `${name}=${value}`]),
      '-f',
      '-',
    ];
    const result = await this.exec(command, { stdin: Readable.from([Buffer.from(script)]) });
    this.check(step, `psql -d ${database}`, result, 'Check the PostgreSQL log (`docker logs ' + this.target.containerName + '`).');
    return result.stdout
      .split(recordSeparator)
      .map((record) => record.replace(/\n$/, ''))
      .filter((record) => record.length > 0)
      .map((record) => record.split(fieldSeparator));
  }

  /** Asked of the maintenance database: a restore must work when the application's database is gone. */
  async serverVersion(): Promise<{ text: string; major: number }> {
    const [row] = await this.psql(
      'Reading the server version',
      maintenanceDatabase,
      "SELECT current_setting('server_version'), current_setting('server_version_num');",
    );
    const text = row?.[0] ?? '';
    return { text, major: Math.floor(Number(row?.[1] ?? 0) / 10_000) };
  }

  /** `pg_dump --version` of the container, e.g. "pg_dump (PostgreSQL) 16.4". */
  async toolVersion(tool: 'pg_dump' | 'pg_restore'): Promise<string> {
    const result = await this.exec([tool, '--version']);
    this.check(`Reading the ${tool} version`, `${tool} --version`, result, `Check that ${tool} is installed in the postgres image.`);
    return result.stdout.trim();
  }

  async databaseExists(database: string): Promise<boolean> {
    const rows = await this.psql('Looking up a database', maintenanceDatabase, "SELECT 1 FROM pg_database WHERE datname = :'db';", { db: database });
    return rows.length > 0;
  }

  /** Exact rows per ordinary table (extension tables excluded), as pg_dump would dump them. */
  async tableRowCounts(database: string): Promise<TableRows[]> {
    const rows = await this.psql(`Counting rows in ${database}`, database, rowCountsSql);
    return sortTables(rows.map(([schema, name, count]) => ({ schema: schema ?? '', name: name ?? '', rows: Number(count) })));
  }

  /** Streams `pg_dump -Fc` of the application database into `out`; verbose progress goes to `progress`. */
  dump(out: Writable, progress: Writable): Promise<ExecResult> {
    return this.exec(
      ['pg_dump', '--format=custom', '--verbose', '--no-password', '--lock-wait-timeout=60000', '-U', this.target.user, '-d', this.target.database],
      { stdout: out, stderr: progress },
    );
  }

  /** Reads a whole archive from `input` and writes the SQL script it holds to `out` (`pg_restore -f -`). */
  readArchive(input: Readable, out: Writable, progress: Writable): Promise<ExecResult> {
    return this.exec(['pg_restore', '--verbose', '--file=-'], { stdin: input, stdout: out, stderr: progress });
  }

  /** Restores an archive from `input` into an existing, empty database. */
  restoreInto(database: string, input: Readable, progress: Writable): Promise<ExecResult> {
    return this.exec(['pg_restore', '--verbose', '--no-owner', '--no-privileges', '--exit-on-error', '--no-password', '-U', this.target.user, '-d', database], {
      stdin: input,
      stderr: progress,
    });
  }

  /**
   * Creates an empty database with the encoding, locale and collation provider of `like` (or the
   * defaults when `like` does not exist), so a restore never changes how text sorts.
   */
  async createDatabaseLike(database: string, like: string): Promise<void> {
    await this.psql(
      `Creating database ${database}`,
      maintenanceDatabase,
      `
-- ICU (PostgreSQL 15+, with rules from 16) and builtin (17+) providers are read through to_jsonb:
-- on a server without those columns the keys are simply absent.
SELECT format('CREATE DATABASE %I WITH TEMPLATE template0 OWNER %I ENCODING %L LC_COLLATE %L LC_CTYPE %L',
  :'db', :'owner', pg_encoding_to_char(d.encoding), d.datcollate, d.datctype)
  || CASE j->>'datlocprovider'
       WHEN 'i' THEN format(' LOCALE_PROVIDER icu ICU_LOCALE %L', coalesce(j->>'datlocale', j->>'daticulocale'))
         || CASE WHEN coalesce(j->>'daticurules', '') <> '' THEN format(' ICU_RULES %L', j->>'daticurules') ELSE '' END
       WHEN 'b' THEN format(' LOCALE_PROVIDER builtin BUILTIN_LOCALE %L', j->>'datlocale')
       ELSE '' END
FROM pg_database d, to_jsonb(d) j WHERE d.datname = :'like'
\\gexec
SELECT format('CREATE DATABASE %I WITH TEMPLATE template0 OWNER %I', :'db', :'owner')
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db')
\\gexec
`,
      { db: database, owner: this.target.user, like },
    );
  }

  /**
   * Gives `to` what a pg_dump archive made without --create does not hold: the database's
   * settings (ALTER DATABASE / ALTER ROLE ... IN DATABASE ... SET), comment, owner, connection
   * limit and privileges, as `from` has them. List-valued settings (search_path and the like) keep
   * their stored quoting, as pg_dump writes them.
   */
  async copyDatabaseProperties(from: string, to: string): Promise<void> {
    await this.psql(
      `Carrying the settings and privileges of ${from} over to ${to}`,
      maintenanceDatabase,
      `
SELECT format('ALTER %s SET %s TO %s',
    CASE WHEN s.setrole = 0 THEN format('DATABASE %I', :'to') ELSE format('ROLE %I IN DATABASE %I', pg_get_userbyid(s.setrole), :'to') END,
    CASE WHEN name ~ '^[A-Za-z_][A-Za-z0-9_.$]*$' THEN name ELSE quote_ident(name) END,
    CASE WHEN lower(name) IN ('search_path', 'temp_tablespaces', 'session_preload_libraries', ` +
        `'local_preload_libraries', 'shared_preload_libraries', 'unix_socket_directories')
      THEN value ELSE quote_literal(value) END)
FROM pg_db_role_setting s
JOIN pg_database d ON d.oid = s.setdatabase
CROSS JOIN LATERAL unnest(s.setconfig) AS c(setting)
CROSS JOIN LATERAL (SELECT split_part(c.setting, '=', 1) AS name, substr(c.setting, strpos(c.setting, '=') + 1) AS value) AS kv
WHERE d.datname = :'from'
\\gexec
SELECT format('COMMENT ON DATABASE %I IS %L', :'to', shobj_description(d.oid, 'pg_database'))
FROM pg_database d WHERE d.datname = :'from' AND shobj_description(d.oid, 'pg_database') IS NOT NULL
\\gexec
SELECT format('ALTER DATABASE %I OWNER TO %I', :'to', pg_get_userbyid(d.datdba))
FROM pg_database d WHERE d.datname = :'from' AND d.datdba <> (SELECT datdba FROM pg_database WHERE datname = :'to')
\\gexec
SELECT format('ALTER DATABASE %I CONNECTION LIMIT %s', :'to', d.datconnlimit)
FROM pg_database d WHERE d.datname = :'from' AND d.datconnlimit <> -1
\\gexec
-- A NULL ACL means the defaults (PUBLIC may connect); otherwise exactly the privileges listed.
SELECT format('REVOKE ALL ON DATABASE %I FROM PUBLIC', :'to')
FROM pg_database d WHERE d.datname = :'from' AND d.datacl IS NOT NULL
\\gexec
SELECT format('GRANT %s ON DATABASE %I TO %s%s', a.privilege_type, :'to',
    CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(a.grantee)) END,
    CASE WHEN a.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END)
FROM pg_database d CROSS JOIN LATERAL aclexplode(d.datacl) AS a
WHERE d.datname = :'from' AND a.grantee <> d.datdba
\\gexec
`,
      { from, to },
    );
  }

  async dropDatabase(database: string): Promise<void> {
    await this.psql(
      `Dropping database ${database}`,
      maintenanceDatabase,
      `
SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :'db' AND pid <> pg_backend_pid();
SELECT format('DROP DATABASE IF EXISTS %I', :'db')
\\gexec
`,
      { db: database },
    );
  }

  /** Ends every session connected to `database`; returns how many there were. */
  async terminateConnections(database: string): Promise<number> {
    const rows = await this.psql(
      `Ending connections to ${database}`,
      maintenanceDatabase,
      "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = :'db' AND pid <> pg_backend_pid();",
      { db: database },
    );
    return Number(rows[0]?.[0] ?? 0);
  }

  /**
   * In one transaction: `live` becomes `retired` (when it exists; give no `retired` when there is
   * no live database to keep) and `replacement` becomes `live`. Either both renames happen or
   * neither. Sessions on either database are ended first; the rename itself waits a few seconds
   * for them to go.
   */
  async swapDatabases(live: string, replacement: string, retired?: string): Promise<void> {
    const retire =
      retired === undefined
        ? ''
        : `SELECT format('ALTER DATABASE %I RENAME TO %I', :'live', :'retired') WHERE EXISTS (SELECT FROM pg_database WHERE datname = :'live')
\\gexec
`;
    await this.psql(
      `Renaming ${replacement} to ${live}`,
      maintenanceDatabase,
      `
SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname IN (:'live', :'replacement') AND pid <> pg_backend_pid();
BEGIN;
${retire}SELECT format('ALTER DATABASE %I RENAME TO %I', :'replacement', :'live')
\\gexec
COMMIT;
`,
      { live, replacement, ...(retired === undefined ? {} : { retired }) },
    );
  }

  async analyze(database: string): Promise<void> {
    await this.psql(`ANALYZE ${database}`, database, 'ANALYZE;');
  }

  private exec(command: string[], options: Parameters<ContainerRuntime['exec']>[2] = {}): Promise<ExecResult> {
    return this.runtime.exec(this.target.containerId, command, { ...options, env: [`PGPASSWORD=${this.target.password}`] });
  }

  private check(step: string, command: string, result: ExecResult, fix: string): void {
    if (result.exitCode !== 0) throw new CommandFailedError(step, `docker exec ${this.target.containerName} ${command}`, result.exitCode, result.stderr, fix);
  }
}
