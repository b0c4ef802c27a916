import { InputError } from '../errors/input-error.ts';
import { qualifiedName, quoteIdentifier, quoteLiteral } from '../postgres/quote-identifier.ts';
import type { SqliteSchema, SqliteTable } from '../sqlite/sqlite-schema.ts';
import { isWord, splitTopLevel, tokenizeSql, type SqlToken } from '../sqlite/sql-tokens.ts';
import { closingParen } from '../sqlite/sql-tokens.ts';
import type { ColumnStats } from './column-stats.ts';
import { mapNames, RelationNames, targetName, type IdentifierMode } from './identifier-mapper.ts';
import { inferColumnType } from './infer-column-type.ts';
import type { TargetType } from './target-type.ts';
import type { TextCollation } from './transfer-options.ts';
import { translateDefault, translateExpression, translateViewBody } from './translate-expression.ts';

export interface PlannedColumn {
  readonly source: string;
  readonly target: string;
  readonly type: TargetType;
  /** Why the type is wider than declared, for the summary. */
  readonly widened: string | undefined;
  readonly notNull: boolean;
  readonly defaultSource: string | null;
  readonly defaultSql: string;
  /** INTEGER PRIMARY KEY: an identity column in PostgreSQL. */
  readonly identity: boolean;
  readonly stats: ColumnStats;
}

export interface PlannedTable {
  readonly source: SqliteTable;
  readonly target: string;
  readonly columns: readonly PlannedColumn[];
  readonly rows: number;
  /** The identity column and the value its sequence must be set to (above max(id) and sqlite_sequence). */
  readonly sequence: { readonly column: string; readonly lastValue: bigint } | null;
}

export type StepKind = 'primary key' | 'unique' | 'index' | 'check' | 'foreign key' | 'view';

/** One statement run after the data is in, with what to call it in the summary. */
export interface SchemaStep {
  readonly kind: StepKind;
  /** The SQLite table (or view) it belongs to. */
  readonly table: string;
  /** The object as named in SQLite, or a description. */
  readonly name: string;
  readonly targetName: string;
  readonly sql: string;
  /**
   * Primary keys and unique constraints: the index build, run before `sql` (which then only attaches it with USING INDEX). It takes a SHARE lock,
   * so it runs beside reads and other index builds of the same table, where ADD PRIMARY KEY would lock the table for the whole build.
   */
  readonly index?: string;
  /** Foreign keys only: what is needed to count orphan rows. */
  readonly foreignKey?: { readonly child: string; readonly columns: readonly string[]; readonly parent: string; readonly parentColumns: readonly string[] };
}

export interface UntranslatableItem {
  readonly kind: string;
  readonly object: string;
  readonly reason: string;
}

export interface TransferPlan {
  readonly schema: string;
  readonly mode: IdentifierMode;
  readonly collation: TextCollation;
  readonly tables: readonly PlannedTable[];
  /** Primary keys, unique constraints, indexes and checks: independent of each other. */
  readonly constraints: readonly SchemaStep[];
  readonly foreignKeys: readonly SchemaStep[];
  readonly views: readonly SchemaStep[];
  readonly untranslatable: readonly UntranslatableItem[];
}

/** A column's new type, decided during the load (see retypeColumns). */
export interface ColumnRetype {
  readonly source: string;
  readonly type: TargetType;
  readonly widened: string | undefined;
}

export interface TableStats {
  readonly rows: number;
  readonly columns: readonly ColumnStats[];
}

/** Chooses the tables to copy: --tables and --exclude-tables, refusing names SQLite does not have. */
export function selectTables(schema: SqliteSchema, only: readonly string[] | undefined, exclude: readonly string[]): SqliteTable[] {
  const known = new Map(schema.tables.map((t) => [t.name.toLowerCase(), t]));
  const resolve = (name: string): SqliteTable => {
    const table = known.get(name.toLowerCase());
    if (!table) {
      const names = schema.tables.map((t) => t.name).join(', ') || 'none';
      throw new InputError(`The SQLite database has no table "${name}" (given in --tables or --exclude-tables). Its tables are: ${names}.`);
    }
    return table;
  };
  const excluded = new Set(exclude.map((name) => resolve(name).name));
  const chosen = only === undefined ? schema.tables : only.map(resolve);
  return chosen.filter((t) => !excluded.has(t.name));
}

/**
 * Everything dbops will create, load and check, decided from the SQLite schema and its values.
 * Pure; the plan is frozen: a change during the load makes a new planned table (retypeColumns).
 */
export function planTransfer(
  schema: SqliteSchema,
  tables: readonly SqliteTable[],
  stats: ReadonlyMap<string, TableStats>,
  pgSchema: string,
  mode: IdentifierMode,
  collation: TextCollation,
): TransferPlan {
  const untranslatable: UntranslatableItem[] = [];
  const compared = collation === 'binary' ? 'byte for byte (COLLATE "C")' : "by the database's collation";
  const tableNames = mapNames([...tables.map((t) => t.name), ...schema.views.map((v) => v.name)], mode, 'the tables and views of the SQLite database');
  const relations = new RelationNames([...tableNames.values()]);
  const planned: PlannedTable[] = tables.map((table) => {
    const tableStats = stats.get(table.name);
    const columnNames = mapNames(
      table.columns.map((c) => c.name),
      mode,
      `table "${table.name}"`,
    );
    const columns = table.columns.map((column, index): PlannedColumn => {
      const columnStats = tableStats?.columns[index] as ColumnStats;
      const inferred = inferColumnType(column.declaredType, columnStats, { rowidAlias: column.name === table.rowidAlias });
      const planned = withDefault(
        {
          source: column.name,
          target: columnNames.get(column.name) as string,
          type: inferred.type,
          widened: inferred.widened,
          notNull: column.notNull,
          defaultSource: column.defaultSql,
          defaultSql: '',
          identity: column.name === table.rowidAlias,
          stats: columnStats,
        },
        table.name,
        mode,
      );
      if (planned.untranslatable) untranslatable.push(planned.untranslatable);
      if (column.collation)
        untranslatable.push({
          kind: 'collation',
          object: `${table.name}.${column.name}`,
          reason: `COLLATE ${column.collation} is not translated: PostgreSQL compares this column ${compared}`,
        });
      if (column.generated)
        untranslatable.push({
          kind: 'generated column',
          object: `${table.name}.${column.name}`,
          reason: 'the generating expression is not translated; the stored values are copied as a plain column',
        });
      return planned.column;
    });
    const alias = table.rowidAlias === null ? undefined : columns.find((c) => c.source === table.rowidAlias);
    const highWater = schema.sequences.get(table.name) ?? 0n;
    const maxId = alias?.stats.maxInteger ?? 0n;
    return {
      source: table,
      target: tableNames.get(table.name) as string,
      columns,
      rows: tableStats?.rows ?? 0,
      sequence: alias ? { column: alias.target, lastValue: maxId > highWater ? maxId : highWater } : null,
    };
  });
  const byName = new Map(planned.map((t) => [t.source.name, t]));
  const constraints: SchemaStep[] = [];
  const foreignKeys: SchemaStep[] = [];
  for (const table of planned) {
    const qualified = qualifiedName(pgSchema, table.target);
    const col = (name: string) => table.columns.find((c) => c.source.toLowerCase() === name.toLowerCase())?.target ?? targetName(name, mode);
    const list = (names: readonly string[]) => names.map((n) => quoteIdentifier(col(n))).join(', ');
    if (table.source.primaryKey.length > 0) {
      const name = relations.claim(`${table.target}_pkey`);
      constraints.push({
        kind: 'primary key',
        table: table.source.name,
        name: `primary key (${table.source.primaryKey.join(', ')})`,
        targetName: name,
        index: `CREATE UNIQUE INDEX ${quoteIdentifier(name)} ON ${qualified} (${list(table.source.primaryKey)})`,
        sql: `ALTER TABLE ${qualified} ADD CONSTRAINT ${quoteIdentifier(name)} PRIMARY KEY USING INDEX ${quoteIdentifier(name)}`,
      });
    }
    for (const index of table.source.indexes) {
      if (index.origin === 'pk') continue;
      if (index.origin === 'u') {
        const names = index.columns.map((c) => c.name ?? '');
        const name = relations.claim(`${table.target}_${names.map((n) => col(n)).join('_')}_key`);
        constraints.push({
          kind: 'unique',
          table: table.source.name,
          name: `unique (${names.join(', ')})`,
          targetName: name,
          index: `CREATE UNIQUE INDEX ${quoteIdentifier(name)} ON ${qualified} (${list(names)})`,
          sql: `ALTER TABLE ${qualified} ADD CONSTRAINT ${quoteIdentifier(name)} UNIQUE USING INDEX ${quoteIdentifier(name)}`,
        });
        continue;
      }
      const translated = translateIndex(index.sql ?? '', mode);
      if (!translated.ok) {
        untranslatable.push({ kind: 'index', object: index.name, reason: translated.reason });
        continue;
      }
      const name = relations.claim(targetName(index.name, mode));
      const where = translated.where ? ` WHERE ${translated.where}` : '';
      constraints.push({
        kind: 'index',
        table: table.source.name,
        name: index.name,
        targetName: name,
        sql: `CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX ${quoteIdentifier(name)} ON ${qualified} (${translated.columns})${where}`,
      });
    }
    for (const check of table.source.checks) {
      const translated = translateExpression(check.expression, mode);
      const label = check.name ?? `CHECK (${check.sql})`;
      if (!translated.ok) {
        untranslatable.push({ kind: 'check', object: `${table.source.name}: ${label}`, reason: translated.reason });
        continue;
      }
      const name = relations.claim(check.name ? targetName(check.name, mode) : `${table.target}_check`);
      constraints.push({
        kind: 'check',
        table: table.source.name,
        name: label,
        targetName: name,
        sql: `ALTER TABLE ${qualified} ADD CONSTRAINT ${quoteIdentifier(name)} CHECK (${translated.sql})`,
      });
    }
    for (const fk of table.source.foreignKeys) {
      const label = `(${fk.columns.join(', ')}) REFERENCES ${fk.parentTable}`;
      const parent = [...byName.values()].find((t) => t.source.name.toLowerCase() === fk.parentTable.toLowerCase());
      if (!parent) {
        const inSqlite = schema.tables.some((t) => t.name.toLowerCase() === fk.parentTable.toLowerCase());
        untranslatable.push({
          kind: 'foreign key',
          object: `${table.source.name} ${label}`,
          reason: `table "${fk.parentTable}" is ${inSqlite ? 'not part of this transfer' : 'not in the SQLite database'}`,
        });
        continue;
      }
      const parentColumns = fk.parentColumns.every((c) => c === null) ? parent.source.primaryKey : fk.parentColumns.map((c) => c ?? '');
      if (parentColumns.length !== fk.columns.length) {
        untranslatable.push({
          kind: 'foreign key',
          object: `${table.source.name} ${label}`,
          reason: `the parent table's key has ${parentColumns.length} column(s), the reference ${fk.columns.length}`,
        });
        continue;
      }
      const parentCol = (name: string) => parent.columns.find((c) => c.source.toLowerCase() === name.toLowerCase())?.target ?? targetName(name, mode);
      const name = relations.claim(`${table.target}_${fk.columns.map((c) => col(c)).join('_')}_fkey`);
      const action = (what: string, value: string) => (value && value.toUpperCase() !== 'NO ACTION' ? ` ON ${what} ${value.toUpperCase()}` : '');
      const childColumns = fk.columns.map((c) => col(c));
      const parentTargets = parentColumns.map((c) => parentCol(c));
      foreignKeys.push({
        kind: 'foreign key',
        table: table.source.name,
        name: label,
        targetName: name,
        sql:
          `ALTER TABLE ${qualified} ADD CONSTRAINT ${quoteIdentifier(name)} FOREIGN KEY (${childColumns.map(quoteIdentifier).join(', ')}) ` +
          `REFERENCES ${qualifiedName(pgSchema, parent.target)} (${parentTargets.map(quoteIdentifier).join(', ')})` +
          `${action('DELETE', fk.onDelete)}${action('UPDATE', fk.onUpdate)}`,
        foreignKey: { child: qualified, columns: childColumns, parent: qualifiedName(pgSchema, parent.target), parentColumns: parentTargets },
      });
    }
  }
  const views: SchemaStep[] = [];
  for (const view of schema.views) {
    const body = translateViewBody(view.sql, mode);
    if (!body.ok) {
      untranslatable.push({ kind: 'view', object: view.name, reason: body.reason });
      continue;
    }
    const name = tableNames.get(view.name) as string;
    views.push({ kind: 'view', table: view.name, name: view.name, targetName: name, sql: `CREATE VIEW ${qualifiedName(pgSchema, name)} AS ${body.sql}` });
  }
  for (const trigger of schema.triggers) {
    untranslatable.push({
      kind: 'trigger',
      object: `${trigger.name} on ${trigger.table}`,
      reason: 'SQLite trigger bodies are not translated; recreate it as a PL/pgSQL trigger if the application needs it',
    });
  }
  return frozenPlan({ schema: pgSchema, mode, collation, tables: planned, constraints, foreignKeys, views, untranslatable });
}

/** The column with its default translated for its type; a default that cannot be is left out and listed. */
function withDefault(column: PlannedColumn, table: string, mode: IdentifierMode): { column: PlannedColumn; untranslatable?: UntranslatableItem } {
  if (column.defaultSource === null || column.identity) return { column: { ...column, defaultSql: '' } };
  const translated = translateDefault(column.defaultSource, column.type, mode);
  if (translated.ok) return { column: { ...column, defaultSql: translated.sql } };
  return { column: { ...column, defaultSql: '' }, untranslatable: { kind: 'default', object: `${table}.${column.source}`, reason: translated.reason } };
}

/**
 * A new planned table with some columns' types changed during the load (widened, or planned from
 * the values after all), each default derived again for its new type. `table` stays as it was.
 */
export function retypeColumns(
  table: PlannedTable,
  changes: readonly ColumnRetype[],
  mode: IdentifierMode,
): { table: PlannedTable; untranslatable: UntranslatableItem[] } {
  const untranslatable: UntranslatableItem[] = [];
  const columns = table.columns.map((column) => {
    const change = changes.find((c) => c.source === column.source);
    if (!change) return column;
    const retyped = withDefault({ ...column, type: change.type, widened: change.widened }, table.source.name, mode);
    if (retyped.untranslatable) untranslatable.push(retyped.untranslatable);
    return Object.freeze(retyped.column);
  });
  return { table: Object.freeze({ ...table, columns: Object.freeze(columns) }), untranslatable };
}

/** Freezes what the plan owns (not the SQLite schema objects it points at, which are shared). */
function frozenPlan(plan: TransferPlan): TransferPlan {
  const steps = (list: readonly SchemaStep[]) =>
    Object.freeze(list.map((step) => Object.freeze(step.foreignKey ? { ...step, foreignKey: Object.freeze(step.foreignKey) } : step)));
  return Object.freeze({
    ...plan,
    tables: Object.freeze(
      plan.tables.map((table) =>
        Object.freeze({
          ...table,
          columns: Object.freeze(table.columns.map((column) => Object.freeze(column))),
          sequence: table.sequence && Object.freeze(table.sequence),
        }),
      ),
    ),
    constraints: steps(plan.constraints),
    foreignKeys: steps(plan.foreignKeys),
    views: steps(plan.views),
    untranslatable: Object.freeze(plan.untranslatable.map((item) => Object.freeze(item))),
  });
}

/**
 * `CREATE TABLE` for a planned table: columns, types, NOT NULL, defaults, identity; keys come after the load. Text columns compare as SQLite's
 * BINARY does, byte for byte (COLLATE "C"), unless the database's own collation was asked for.
 */
export function createTableSql(schema: string, table: PlannedTable, collation: TextCollation): string {
  const columns = table.columns.map((c) => {
    const parts = [quoteIdentifier(c.target), c.type.kind === 'text' && collation === 'binary' ? `${c.type.sql} COLLATE "C"` : c.type.sql];
    if (c.identity) parts.push('GENERATED BY DEFAULT AS IDENTITY');
    else if (c.defaultSql) parts.push(`DEFAULT ${c.defaultSql}`);
    if (c.notNull || c.identity) parts.push('NOT NULL');
    return parts.join(' ');
  });
  return `CREATE TABLE ${qualifiedName(schema, table.target)} (\n  ${columns.join(',\n  ')}\n)`;
}

/** Sets the identity's sequence so the next INSERT gets an id above every id SQLite ever gave. */
export function sequenceSql(schema: string, table: PlannedTable): string | undefined {
  if (!table.sequence) return undefined;
  const sequence = `pg_get_serial_sequence(${quoteLiteral(qualifiedName(schema, table.target))}, ${quoteLiteral(table.sequence.column)})`;
  return table.sequence.lastValue > 0n ? `SELECT setval(${sequence}, ${table.sequence.lastValue}, true)` : `SELECT setval(${sequence}, 1, false)`;
}

/** The column list and WHERE clause of a SQLite CREATE INDEX, for PostgreSQL. */
export function translateIndex(sql: string, mode: IdentifierMode): { ok: true; columns: string; where: string | undefined } | { ok: false; reason: string } {
  let tokens: SqlToken[];
  try {
    tokens = tokenizeSql(sql);
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
  const on = tokens.findIndex((t) => isWord(t, 'ON'));
  const open = tokens.findIndex((t, i) => i > on && t.text === '(');
  if (on === -1 || open === -1) return { ok: false, reason: 'cannot read the index definition' };
  const close = closingParen(tokens, open);
  const items: string[] = [];
  for (const item of splitTopLevel(tokens.slice(open + 1, close - 1))) {
    let end = item.length;
    let order = '';
    if (isWord(item[end - 1], 'ASC') || isWord(item[end - 1], 'DESC')) {
      order = isWord(item[end - 1], 'DESC') ? ' DESC' : '';
      end -= 1;
    }
    if (isWord(item[end - 2], 'COLLATE')) {
      const collation = item[end - 1]?.value ?? '';
      if (collation.toUpperCase() !== 'BINARY') return { ok: false, reason: `COLLATE ${collation} has no PostgreSQL equivalent` };
      end -= 2;
    }
    const expression = item.slice(0, end);
    const translated = translateExpression(expression, mode);
    if (!translated.ok) return translated;
    const single = expression.length === 1 && (expression[0]?.kind === 'quoted' || expression[0]?.kind === 'word');
    items.push(`${single ? translated.sql : `(${translated.sql})`}${order}`);
  }
  const whereIndex = tokens.findIndex((t, i) => i >= close && isWord(t, 'WHERE'));
  if (whereIndex === -1) return { ok: true, columns: items.join(', '), where: undefined };
  const where = translateExpression(tokens.slice(whereIndex + 1), mode);
  return where.ok ? { ok: true, columns: items.join(', '), where: where.sql } : where;
}
