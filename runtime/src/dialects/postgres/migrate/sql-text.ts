import type { ColumnDef, ColumnDefault, ForeignKeyDef } from '../../../contracts/migration-op.ts';
import type { NeutralType, SchemaModel, Table } from '../../../contracts/schema-model.ts';

/** `"name"`, with any `"` inside doubled: every name from an op reaches SQL this way. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** `'text'`, quotes doubled (standard_conforming_strings is on since PG 9.1, so backslashes are plain). */
export function quoteLiteral(text: string): string {
  if (text.includes('\u0000')) throw new Error('a Postgres string literal cannot contain a NUL character');
  return `'${text.replace(/'/g, "''")}'`;
}

export const quoteList = (names: readonly string[]) => names.map(quoteIdent).join(', ');

/**
 * The native type for a neutral one: the inverse of postgresNeutralType, so introspecting the column gives the same
 * NeutralType back. Two kinds lose a detail Postgres cannot hold: `binary` has no length (bytea is unbounded) and
 * `json` is always jsonb. A `domain` wins over the kind: the column is declared with the domain.
 */
export function postgresType(type: NeutralType, where: string): string {
  if (type.domain) return quoteIdent(type.domain);
  const p = type.precision === undefined ? '' : `(${type.precision})`;
  switch (type.kind) {
    case 'boolean':
      return 'boolean';
    case 'smallint':
      return 'smallint';
    case 'integer':
      return 'integer';
    case 'bigint':
      return 'bigint';
    case 'decimal':
      // numeric(p) is numeric(p,0): spelled out so the model reads back the same precision and scale.
      return type.precision === undefined ? 'numeric' : `numeric(${type.precision}, ${type.scale ?? 0})`;
    case 'real':
      return 'real';
    case 'double':
      return 'double precision';
    case 'money':
      return 'money';
    // bpchar without a length is blank-padded and unbounded: the only unbounded char Postgres has.
    case 'char':
      return type.length === undefined ? 'bpchar' : `character(${type.length})`;
    case 'varchar':
      return type.length === undefined ? 'character varying' : `character varying(${type.length})`;
    case 'text':
      return 'text';
    case 'uuid':
      return 'uuid';
    case 'date':
      return 'date';
    case 'time':
      return `time${p} without time zone`;
    case 'timestamp':
      return `timestamp${p} without time zone`;
    case 'timestamptz':
      return `timestamp${p} with time zone`;
    case 'interval':
      return `interval${p}`;
    case 'json':
      return 'jsonb';
    case 'binary':
      return 'bytea';
    case 'xml':
      return 'xml';
    case 'network':
      return 'inet';
    case 'enum':
      if (!type.enumName) throw new Error(`${where}: an enum type needs enumName`);
      return quoteIdent(type.enumName);
    case 'array':
      if (!type.element) throw new Error(`${where}: an array type needs its element type`);
      return `${postgresType(type.element, where)}[]`;
    case 'unknown':
      throw new Error(`${where}: type kind "unknown" has no Postgres spelling; use a sql op for native types`);
  }
}

/** A default as SQL: literals quoted, `now` and `uuid` portable spellings, `sql` the op's Postgres text. */
export function postgresDefault(value: ColumnDefault, where: string): string {
  switch (value.kind) {
    case 'value':
      if (typeof value.value === 'boolean') return value.value ? 'true' : 'false';
      if (typeof value.value === 'number') {
        if (!Number.isFinite(value.value)) throw new Error(`${where}: default ${value.value} is not a finite number`);
        return String(value.value);
      }
      return quoteLiteral(value.value);
    case 'now':
      return 'CURRENT_TIMESTAMP';
    case 'uuid':
      return 'gen_random_uuid()';
    case 'sql': {
      if (!value.sql.postgres) throw new Error(`${where}: the sql default has no postgres text`);
      return `(${value.sql.postgres})`;
    }
  }
}

export function columnDefinition(column: ColumnDef, where: string): string {
  const parts = [quoteIdent(column.name), postgresType(column.type, `${where}, column ${column.name}`)];
  if (column.identity) parts.push(`GENERATED ${column.identity === 'always' ? 'ALWAYS' : 'BY DEFAULT'} AS IDENTITY`);
  if (!column.nullable) parts.push('NOT NULL');
  if (column.default) parts.push(`DEFAULT ${postgresDefault(column.default, `${where}, column ${column.name}`)}`);
  return parts.join(' ');
}

const ACTION: Record<ForeignKeyDef['onDelete'], string> = {
  'no action': 'NO ACTION',
  restrict: 'RESTRICT',
  cascade: 'CASCADE',
  'set null': 'SET NULL',
  'set default': 'SET DEFAULT',
};

export function foreignKeyClause(fk: ForeignKeyDef): string {
  return (
    `CONSTRAINT ${quoteIdent(fk.name)} FOREIGN KEY (${quoteList(fk.columns)}) REFERENCES ${quoteIdent(fk.references.table)} (${quoteList(fk.references.columns)})` +
    ` ON DELETE ${ACTION[fk.onDelete]} ON UPDATE ${ACTION[fk.onUpdate]}`
  );
}

/** The table named `name` in the default schema of `before`, or an error naming the op. */
export function tableIn(before: SchemaModel, name: string, where: string): Table {
  const table = before.tables.find((t) => t.schema === before.defaultSchema && t.name === name);
  if (!table) throw new Error(`${where}: table "${name}" does not exist`);
  return table;
}
