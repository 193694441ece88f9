import type { ColumnDefault } from '../../contracts/migration-op.ts';
import type { NeutralKind, NeutralType } from '../../contracts/schema-model.ts';
import { isKeyword, SentenceError, type SentenceToken } from './tokens.ts';

/** Type words, as people write them, onto neutral kinds. Multi-word types are matched first. */
const MULTI_WORD: [string[], NeutralKind][] = [
  [['timestamp', 'with', 'time', 'zone'], 'timestamptz'],
  [['timestamp', 'without', 'time', 'zone'], 'timestamp'],
  [['double', 'precision'], 'double'],
  [['character', 'varying'], 'varchar'],
];
const WORDS: Record<string, NeutralKind> = {
  text: 'text',
  string: 'text',
  varchar: 'varchar',
  nvarchar: 'varchar',
  char: 'char',
  character: 'char',
  integer: 'integer',
  int: 'integer',
  int4: 'integer',
  bigint: 'bigint',
  int8: 'bigint',
  long: 'bigint',
  smallint: 'smallint',
  int2: 'smallint',
  decimal: 'decimal',
  numeric: 'decimal',
  real: 'real',
  float4: 'real',
  double: 'double',
  float: 'double',
  float8: 'double',
  boolean: 'boolean',
  bool: 'boolean',
  date: 'date',
  time: 'time',
  timestamp: 'timestamp',
  datetime: 'timestamp',
  timestamptz: 'timestamptz',
  uuid: 'uuid',
  json: 'json',
  jsonb: 'json',
  binary: 'binary',
  bytes: 'binary',
  blob: 'binary',
  bytea: 'binary',
  varbinary: 'binary',
  money: 'money',
  interval: 'interval',
};

export const TYPE_HELP = 'text, varchar(80), char(2), integer, bigint, smallint, decimal(10,2), real, double, boolean, date, time, timestamp, timestamptz, uuid, json, binary, money, interval';

/**
 * Reads a type at `pos`: `text`, `varchar(80)`, `decimal(10,2)`, `timestamp with time zone`. Returns null when
 * the word is not a type (the caller may try another reading), or throws when a type's arguments are wrong.
 */
export function readType(tokens: SentenceToken[], pos: number): { type: NeutralType; end: number } | null {
  let kind: NeutralKind | undefined;
  let end = pos;
  for (const [words, k] of MULTI_WORD) {
    if (words.every((w, i) => isKeyword(tokens[pos + i], w))) {
      kind = k;
      end = pos + words.length;
      break;
    }
  }
  if (!kind) {
    const t = tokens[pos];
    if (t?.type !== 'word') return null;
    kind = WORDS[t.text.toLowerCase()];
    if (!kind) return null;
    end = pos + 1;
  }
  const type: NeutralType = { kind };
  if (isKeyword(tokens[end], '(')) {
    const args: number[] = [];
    let i = end + 1;
    while (tokens[i]?.type === 'number') {
      args.push(Number(tokens[i]!.text));
      i++;
      if (isKeyword(tokens[i], ',')) i++;
    }
    if (!isKeyword(tokens[i], ')') || args.length === 0) return null;
    end = i + 1;
    if (!args.every((a) => Number.isInteger(a) && a > 0)) throw new SentenceError(`type ${kind}(${args.join(',')}): sizes are positive whole numbers`);
    if (kind === 'decimal') {
      type.precision = args[0];
      if (args[1] !== undefined) type.scale = args[1];
      if ((type.scale ?? 0) > type.precision!) throw new SentenceError(`decimal(${args.join(',')}): the scale cannot exceed the precision`);
    } else if (kind === 'varchar' || kind === 'char' || kind === 'binary') {
      if (args.length > 1) throw new SentenceError(`${kind} takes one length, as in ${kind}(80)`);
      type.length = args[0];
    } else if (kind === 'time' || kind === 'timestamp' || kind === 'timestamptz') {
      type.precision = args[0];
    } else if (kind === 'text') {
      // `string(80)` reads as a bounded string.
      type.kind = 'varchar';
      type.length = args[0];
    } else {
      throw new SentenceError(`type ${kind} takes no size (write ${kind})`);
    }
  }
  return { type, end };
}

/**
 * Reads a default value: a number, 'text', true/false, now / the current time, a (random) uuid. Returns null when
 * nothing there reads as a value.
 */
export function readValue(tokens: SentenceToken[], pos: number): { value: ColumnDefault; end: number } | null {
  let i = pos;
  while (isKeyword(tokens[i], 'a') || isKeyword(tokens[i], 'an') || isKeyword(tokens[i], 'the')) i++;
  const t = tokens[i];
  if (!t) return null;
  if (t.type === 'number') return { value: { kind: 'value', value: Number(t.text) }, end: i + 1 };
  if (t.type === 'string' || t.type === 'name') return { value: { kind: 'value', value: t.text }, end: i + 1 };
  if (t.type !== 'word') return null;
  const w = t.text.toLowerCase();
  if (w === 'true' || w === 'yes') return { value: { kind: 'value', value: true }, end: i + 1 };
  if (w === 'false' || w === 'no') return { value: { kind: 'value', value: false }, end: i + 1 };
  if (w === 'now' || w === 'current_timestamp') return { value: { kind: 'now' }, end: i + (isKeyword(tokens[i + 1], '(') && isKeyword(tokens[i + 2], ')') ? 3 : 1) };
  if ((w === 'current' || w === 'creation') && (isKeyword(tokens[i + 1], 'time') || isKeyword(tokens[i + 1], 'timestamp'))) return { value: { kind: 'now' }, end: i + 2 };
  if ((w === 'random' || w === 'new' || w === 'generated') && isKeyword(tokens[i + 1], 'uuid')) return { value: { kind: 'uuid' }, end: i + 2 };
  if (w === 'uuid') return { value: { kind: 'uuid' }, end: i + 1 };
  return null;
}
