import { createTable } from './build.ts';
import type { TableBody } from './columns.ts';
import type { SentenceForm } from './forms.ts';
import { SentenceError } from './tokens.ts';

const INTRO = '[with|having|containing|including|holding|:] [following] [columns|column] [:]';

/** Tables: create, drop, rename. */
export const TABLE_FORMS: SentenceForm[] = [
  {
    id: 'create-table',
    example: 'create table customers with id (integer) primary key, email (text) required',
    patterns: [
      `[create|make|add] table [called|named|for] {table:name} ${INTRO} {body:body}`,
      `create|make|add {table:name} table ${INTRO} {body:body}`,
      `create|make|add table [called|named] {table:name} [table] with|having|containing [no] columns {body:body}`,
    ],
    build: (c, r) => [createTable(c.table as string, c.body as TableBody, r)],
  },
  {
    id: 'create-empty-table',
    example: 'create table customers with id (integer) primary key',
    patterns: ['create|make|add table [called|named] {table:name}', 'create|make|add {table:name} table'],
    build: (c) => {
      throw new SentenceError(`a table needs columns: create table ${c.table as string} with id (integer) primary key, …`);
    },
  },
  {
    id: 'drop-table',
    example: 'drop table legacy_orders',
    patterns: [
      'drop table|tables [called|named] {tables:names}',
      'drop {tables:names} table|tables',
      'drop {tables:ktables}',
      '[we|i] no longer needs|need [table|tables] {tables:ktables} [table|tables]',
      '[table|tables] {tables:ktables} [table|tables] [can|should|must|will|may|is|are] [now] [be] go|dropped',
    ],
    build: (c, r) => (c.tables as string[]).map((t) => ({ op: 'dropTable' as const, table: r.table(t) })),
  },
  {
    id: 'rename-table',
    example: 'rename table customers to clients',
    patterns: [
      'rename table {from:name} [table] to|as|into|-> {to:name}',
      'rename {from:name} table to|as|into|-> {to:name}',
      'rename {from:name} to|as|into|-> {to:name} [table]',
      'rename to|as {to:name}',
      '[table] {from:ktable} [table] should|must|will|shall|can|is [now] [be] [now] renamed|called [to|as|into] {to:name}',
      'table {from:name} should|must|will|shall|can [be] renamed|called [to|as|into] {to:name}',
      'change table {from:name} [table] name to {to:name}',
      'change|rename table name [of] {from:name} to|into {to:name}',
      'change name of table {from:name} to {to:name}',
      'call table {from:name} {to:name} [instead]',
      'call {from:ktable} table {to:name} [instead]',
    ],
    build: (c, r) => [{ op: 'renameTable', from: r.table(c.from as string | undefined), to: r.table(c.to as string, 'new') }],
  },
];
