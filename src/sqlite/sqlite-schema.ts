import type { SqliteDatabase } from './sqlite-database.ts';
import { closingParen, isWord, splitTopLevel, tokenizeSql, type SqlToken } from './sql-tokens.ts';

export interface SqliteColumn {
  readonly name: string;
  /** The declared type as written, '' when none. */
  readonly declaredType: string;
  readonly notNull: boolean;
  /** The DEFAULT expression as written, or null. */
  readonly defaultSql: string | null;
  /** 1-based position in the primary key, 0 when not part of it. */
  readonly primaryKeyPosition: number;
  /** Generated (computed) column: its value is copied, its expression is not translated. */
  readonly generated: boolean;
  /** A COLLATE other than BINARY, when declared. */
  readonly collation: string | null;
}

export interface SqliteForeignKey {
  readonly parentTable: string;
  readonly columns: readonly string[];
  /** Parent columns; null entries mean "the parent's primary key". */
  readonly parentColumns: readonly (string | null)[];
  readonly onUpdate: string;
  readonly onDelete: string;
}

export interface SqliteIndexColumn {
  /** null for an expression. */
  readonly name: string | null;
  readonly descending: boolean;
  readonly collation: string;
}

export interface SqliteIndex {
  readonly name: string;
  readonly unique: boolean;
  /** 'c' CREATE INDEX, 'u' UNIQUE constraint, 'pk' PRIMARY KEY. */
  readonly origin: string;
  readonly partial: boolean;
  readonly columns: readonly SqliteIndexColumn[];
  readonly sql: string | null;
}

export interface SqliteCheck {
  readonly name: string | null;
  /** The expression inside CHECK ( ... ), as tokens. */
  readonly expression: readonly SqlToken[];
  readonly sql: string;
}

export interface SqliteTable {
  readonly name: string;
  readonly sql: string;
  readonly withoutRowid: boolean;
  readonly columns: readonly SqliteColumn[];
  /** Primary key columns in key order. */
  readonly primaryKey: readonly string[];
  /** The INTEGER PRIMARY KEY column that aliases the rowid, if any. */
  readonly rowidAlias: string | null;
  readonly autoincrement: boolean;
  readonly foreignKeys: readonly SqliteForeignKey[];
  readonly indexes: readonly SqliteIndex[];
  readonly checks: readonly SqliteCheck[];
}

export interface SqliteSchemaObject {
  readonly name: string;
  readonly table: string;
  readonly sql: string;
}

export interface SqliteSchema {
  readonly encoding: string;
  readonly tables: readonly SqliteTable[];
  readonly views: readonly SqliteSchemaObject[];
  readonly triggers: readonly SqliteSchemaObject[];
  /** The AUTOINCREMENT high-water marks from sqlite_sequence. */
  readonly sequences: ReadonlyMap<string, bigint>;
}

const str = (value: unknown): string => (value === null || value === undefined ? '' : String(value));

/**
 * The name that reaches a rowid table's rowid: `rowid`, `_rowid_` or `oid`, the first not taken by
 * a column (a column named like one of them hides that name). Undefined for WITHOUT ROWID tables
 * and when columns hide all three.
 */
export function rowidName(table: SqliteTable): string | undefined {
  if (table.withoutRowid) return undefined;
  const names = new Set(table.columns.map((c) => c.name.toLowerCase()));
  return ['rowid', '_rowid_', 'oid'].find((name) => !names.has(name));
}

/** Reads everything dbops translates from a SQLite database, through PRAGMAs and sqlite_schema. */
export function readSqliteSchema(db: SqliteDatabase): SqliteSchema {
  const encoding = str(db.get('PRAGMA encoding')?.encoding);
  const objects = db.prepare("SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY rowid").all();
  const withoutRowid = new Map(
    db
      .prepare("SELECT name, wr FROM pragma_table_list WHERE schema = 'main'")
      .all()
      .map((row) => [str(row.name), Number(row.wr) === 1]),
  );
  const tables = objects
    .filter((row) => row.type === 'table' && !/^\s*CREATE\s+VIRTUAL\s/i.test(str(row.sql)))
    .map((row) => readTable(db, str(row.name), str(row.sql), withoutRowid.get(str(row.name)) ?? false));
  const sequences = new Map<string, bigint>();
  if (db.get("SELECT 1 AS x FROM sqlite_schema WHERE name = 'sqlite_sequence'")) {
    for (const row of db.prepare('SELECT name, seq FROM sqlite_sequence').all()) {
      sequences.set(str(row.name), BigInt(row.seq as bigint | number));
    }
  }
  const objectsOf = (type: string) =>
    objects.filter((row) => row.type === type).map((row) => ({ name: str(row.name), table: str(row.tbl_name), sql: str(row.sql) }));
  return { encoding, tables, views: objectsOf('view'), triggers: objectsOf('trigger'), sequences };
}

function readTable(db: SqliteDatabase, name: string, sql: string, withoutRowid: boolean): SqliteTable {
  const info = db.prepare('SELECT name, type, "notnull" AS nn, dflt_value, pk, hidden FROM pragma_table_xinfo(?)').all(name);
  const definitions = columnDefinitions(sql);
  const columns: SqliteColumn[] = info
    .filter((row) => Number(row.hidden) !== 1)
    .map((row) => {
      const columnName = str(row.name);
      return {
        name: columnName,
        declaredType: str(row.type),
        notNull: Number(row.nn) === 1,
        defaultSql: row.dflt_value === null ? null : str(row.dflt_value),
        primaryKeyPosition: Number(row.pk),
        generated: Number(row.hidden) >= 2,
        collation: definitions.collations.get(columnName.toLowerCase()) ?? null,
      };
    });
  const primaryKey = columns
    .filter((c) => c.primaryKeyPosition > 0)
    .sort((a, b) => a.primaryKeyPosition - b.primaryKeyPosition)
    .map((c) => c.name);
  const keyColumn = primaryKey.length === 1 ? columns.find((c) => c.name === primaryKey[0]) : undefined;
  const rowidAlias = !withoutRowid && keyColumn && keyColumn.declaredType.toUpperCase() === 'INTEGER' ? keyColumn.name : null;

  const fkRows = db
    .prepare('SELECT id, seq, "table" AS parent, "from" AS col, "to" AS ref, on_update, on_delete FROM pragma_foreign_key_list(?) ORDER BY id, seq')
    .all(name);
  const foreignKeys: SqliteForeignKey[] = [];
  for (const id of [...new Set(fkRows.map((row) => Number(row.id)))]) {
    const parts = fkRows.filter((row) => Number(row.id) === id);
    const first = parts[0];
    if (!first) continue;
    foreignKeys.push({
      parentTable: str(first.parent),
      columns: parts.map((row) => str(row.col)),
      parentColumns: parts.map((row) => (row.ref === null ? null : str(row.ref))),
      onUpdate: str(first.on_update),
      onDelete: str(first.on_delete),
    });
  }

  const indexSql = new Map(
    db
      .prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = ?")
      .all(name)
      .map((row) => [str(row.name), row.sql === null ? null : str(row.sql)]),
  );
  const indexes: SqliteIndex[] = db
    .prepare('SELECT name, "unique" AS u, origin, partial FROM pragma_index_list(?) ORDER BY seq DESC')
    .all(name)
    .map((row) => {
      const indexName = str(row.name);
      const columnsOfIndex = db
        .prepare('SELECT cid, name, "desc" AS d, coll FROM pragma_index_xinfo(?) WHERE key = 1 ORDER BY seqno')
        .all(indexName)
        .map((col) => ({ name: Number(col.cid) === -2 ? null : str(col.name), descending: Number(col.d) === 1, collation: str(col.coll) }));
      return {
        name: indexName,
        unique: Number(row.u) === 1,
        origin: str(row.origin),
        partial: Number(row.partial) === 1,
        columns: columnsOfIndex,
        sql: indexSql.get(indexName) ?? null,
      };
    });
  return {
    name,
    sql,
    withoutRowid,
    columns,
    primaryKey,
    rowidAlias,
    autoincrement: definitions.autoincrement,
    foreignKeys,
    indexes,
    checks: definitions.checks,
  };
}

interface ColumnDefinitions {
  readonly collations: Map<string, string>;
  readonly checks: SqliteCheck[];
  readonly autoincrement: boolean;
}

/** What only the CREATE TABLE text says: CHECK constraints, column collations, AUTOINCREMENT. */
export function columnDefinitions(sql: string): ColumnDefinitions {
  const collations = new Map<string, string>();
  const checks: SqliteCheck[] = [];
  let tokens: SqlToken[];
  try {
    tokens = tokenizeSql(sql);
  } catch {
    return { collations, checks, autoincrement: /\bAUTOINCREMENT\b/i.test(sql) };
  }
  const open = tokens.findIndex((t) => t.kind === 'punct' && t.text === '(');
  if (open === -1) return { collations, checks, autoincrement: false };
  const body = tokens.slice(open + 1, closingParen(tokens, open) - 1);
  let autoincrement = false;
  for (const part of splitTopLevel(body)) {
    const first = part[0];
    const isConstraint = ['CONSTRAINT', 'PRIMARY', 'UNIQUE', 'CHECK', 'FOREIGN'].some((w) => isWord(first, w));
    for (let i = 0; i < part.length; i += 1) {
      const token = part[i] as SqlToken;
      if (isWord(token, 'AUTOINCREMENT')) autoincrement = true;
      if (!isConstraint && isWord(token, 'COLLATE') && first) {
        const collation = part[i + 1]?.value ?? '';
        if (collation.toUpperCase() !== 'BINARY') collations.set(first.value.toLowerCase(), collation);
      }
      if (isWord(token, 'CHECK') && part[i + 1]?.text === '(') {
        const end = closingParen(part, i + 1);
        const named = isWord(part[i - 2], 'CONSTRAINT') ? (part[i - 1]?.value ?? null) : null;
        const expression = part.slice(i + 2, end - 1);
        checks.push({ name: named, expression, sql: expression.map((t) => t.text).join(' ') });
        i = end - 1;
      }
    }
  }
  return { collations, checks, autoincrement };
}
