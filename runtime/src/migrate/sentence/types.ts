import type { ColumnDefault } from '../../contracts/migration-op.ts';
import type { NeutralKind, NeutralType } from '../../contracts/schema-model.ts';
import { bare, isKeyword, SentenceError, type SentenceToken } from './tokens.ts';

/** Type words as people and engines write them, onto neutral kinds. Multi-word types are matched first. */
const MULTI_WORD: [string, NeutralKind][] = [
  ['timestamp with time zone|timestamp with timezone|timestamp with tz|datetime with time zone|date and time with time zone', 'timestamptz'],
  ['timestamp without time zone|timestamp without timezone|date and time|date time|time stamp', 'timestamp'],
  ['double precision|floating point number|floating point|float number|decimal number|fractional number', 'double'],
  ['character varying|char varying|variable character|variable length string', 'varchar'],
  ['whole number|integer number|int number', 'integer'],
  ['big integer|big int|long integer|large integer', 'bigint'],
  ['small integer|small int|short integer', 'smallint'],
  ['true / false|true or false|yes / no|yes or no|true false', 'boolean'],
  ['unique identifier|universally unique identifier', 'uuid'],
  ['long text|free text|text string|character string', 'text'],
  ['byte array|binary data', 'binary'],
];
const WORDS: Record<string, NeutralKind> = {
  text: 'text',
  string: 'text',
  str: 'text',
  clob: 'text',
  ntext: 'text',
  longtext: 'text',
  mediumtext: 'text',
  tinytext: 'text',
  varchar: 'varchar',
  varchar2: 'varchar',
  nvarchar: 'varchar',
  char: 'char',
  nchar: 'char',
  character: 'char',
  integer: 'integer',
  int: 'integer',
  int4: 'integer',
  int32: 'integer',
  mediumint: 'integer',
  bigint: 'bigint',
  int8: 'bigint',
  int64: 'bigint',
  long: 'bigint',
  smallint: 'smallint',
  int2: 'smallint',
  tinyint: 'smallint',
  short: 'smallint',
  decimal: 'decimal',
  dec: 'decimal',
  numeric: 'decimal',
  real: 'real',
  float4: 'real',
  double: 'double',
  float: 'double',
  float8: 'double',
  boolean: 'boolean',
  bool: 'boolean',
  flag: 'boolean',
  bit: 'boolean',
  date: 'date',
  time: 'time',
  timestamp: 'timestamp',
  datetime: 'timestamp',
  datetime2: 'timestamp',
  smalldatetime: 'timestamp',
  timestamptz: 'timestamptz',
  datetimeoffset: 'timestamptz',
  uuid: 'uuid',
  guid: 'uuid',
  uniqueidentifier: 'uuid',
  json: 'json',
  jsonb: 'json',
  binary: 'binary',
  bytes: 'binary',
  blob: 'binary',
  bytea: 'binary',
  varbinary: 'binary',
  money: 'money',
  currency: 'money',
  interval: 'interval',
  duration: 'interval',
};
/** Engines' auto-numbered integer types: a type and an identity. */
const SERIAL: Record<string, NeutralKind> = {
  serial: 'integer',
  serial4: 'integer',
  bigserial: 'bigint',
  serial8: 'bigint',
  smallserial: 'smallint',
  serial2: 'smallint',
};
const SIZED = new Set<NeutralKind>(['varchar', 'char', 'binary', 'decimal', 'text']);

export const TYPE_HELP =
  'text, varchar(80), char(2), integer, bigint, smallint, decimal(10,2), real, double, boolean, date, time, timestamp, timestamptz, uuid, json, binary, money, interval';

export interface TypeReading {
  type: NeutralType;
  end: number;
  /** `serial`: the type comes with an identity. */
  identity?: boolean;
}

/**
 * Reads a type at `pos`: `text`, `varchar(80)`, `varchar 80`, `decimal(10,2)`, `decimal 10 2`, `numeric with
 * precision 10 and scale 2`, `string of up to 40 characters`, `timestamp with time zone`, `serial`, `text[]`,
 * `array of integer`. Returns null when the word is not a type (the caller may try another reading), or throws
 * when a type's sizes are wrong.
 */
export function readType(tokens: SentenceToken[], pos: number): TypeReading | null {
  // `array of integer`, `list of text`: an array of the type after `of`.
  if ((isKeyword(tokens[pos], 'array') || isKeyword(tokens[pos], 'list')) && isKeyword(tokens[pos + 1], 'of')) {
    const element = readScalarType(tokens, pos + 2);
    return element && { ...element, type: { kind: 'array', element: element.type } };
  }
  const scalar = readScalarType(tokens, pos);
  // `text[]`, `varchar(40)[]`: Postgres's array of the type.
  if (scalar && isKeyword(tokens[scalar.end], '[') && isKeyword(tokens[scalar.end + 1], ']'))
    return { ...scalar, type: { kind: 'array', element: scalar.type }, end: scalar.end + 2 };
  return scalar;
}

function readScalarType(tokens: SentenceToken[], pos: number): TypeReading | null {
  let kind: NeutralKind | undefined;
  let end = pos;
  for (const [phrases, k] of MULTI_WORD) {
    const words = phrases
      .split('|')
      .map((p) => p.split(' '))
      .find((ws) => ws.every((w, i) => isKeyword(tokens[pos + i], w)));
    if (words) {
      kind = k;
      end = pos + words.length;
      break;
    }
  }
  let identity = false;
  if (!kind) {
    const w = bare(tokens[pos]);
    kind = WORDS[w] ?? SERIAL[w];
    if (!kind) return null;
    identity = w in SERIAL;
    end = pos + 1;
  }
  const sized = readSizes(tokens, end, kind);
  if (!sized) return { type: { kind }, end, ...(identity ? { identity } : {}) };
  return { type: sizedType(kind, sized.args), end: sized.end, ...(identity ? { identity } : {}) };
}

/** `(80)`, `(10, 2)`; for types that take sizes also `80`, `10 2`, `10,2`, `of 80`, `up to 80 characters`, `with precision 10 and scale 2`. */
function readSizes(tokens: SentenceToken[], pos: number, kind: NeutralKind): { args: number[]; end: number } | null {
  const num = (i: number) => (tokens[i]?.type === 'number' ? Number(tokens[i]!.text) : undefined);
  if (isKeyword(tokens[pos], '(')) {
    const args: number[] = [];
    let i = pos + 1;
    while (num(i) !== undefined) {
      args.push(num(i)!);
      i++;
      if (isKeyword(tokens[i], ',')) i++;
    }
    return isKeyword(tokens[i], ')') && args.length ? { args, end: i + 1 } : null;
  }
  if (!SIZED.has(kind)) return null;
  let i = pos;
  const skip = (...words: string[]) => {
    while (words.some((w) => isKeyword(tokens[i], w))) i++;
  };
  if (kind === 'decimal' && (isKeyword(tokens[i], 'with') || isKeyword(tokens[i], 'precision'))) {
    skip('with');
    if (!isKeyword(tokens[i], 'precision') || num(i + 1) === undefined) return null;
    const precision = num(i + 1)!;
    i += 2;
    const save = i;
    skip(',', 'and');
    if (isKeyword(tokens[i], 'scale') && num(i + 1) !== undefined) return { args: [precision, num(i + 1)!], end: i + 2 };
    return { args: [precision], end: save };
  }
  skip('of', 'with', 'length', 'max', 'maximum', 'size', 'up', 'to', 'at', 'most');
  if (num(i) === undefined) return null;
  const args = [num(i)!];
  i++;
  if (kind === 'decimal') {
    const j = isKeyword(tokens[i], ',') || isKeyword(tokens[i], 'and') ? i + 1 : i;
    if (num(j) !== undefined) {
      args.push(num(j)!);
      i = j + 1;
    }
    skip('digits', 'places', 'decimals');
  } else {
    skip('characters', 'chars', 'char', 'letters', 'bytes', 'long');
  }
  return { args, end: i };
}

function sizedType(kind: NeutralKind, args: number[]): NeutralType {
  if (!args.every((a) => Number.isInteger(a) && a > 0) && !(kind === 'decimal' && args[1] === 0)) {
    throw new SentenceError(`type ${kind}(${args.join(',')}): sizes are positive whole numbers`);
  }
  const type: NeutralType = { kind };
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
    // `string(80)`, `text of up to 80 characters` read as a bounded string.
    type.kind = 'varchar';
    type.length = args[0];
  } else {
    throw new SentenceError(`type ${kind} takes no size (write ${kind})`);
  }
  return type;
}

const NUMBER_WORDS: Record<string, number> = { zero: 0, one: 1, two: 2, three: 3, four: 4, five: 5, ten: 10, hundred: 100 };

/**
 * Reads a default value: a number, 'text', true/false, now / the current time, a (random) uuid, an empty string.
 * Returns null when nothing there reads as a value.
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
  const next = bare(tokens[i + 1]);
  if (w === 'true' || w === 'yes') return { value: { kind: 'value', value: true }, end: i + 1 };
  if (w === 'false' || w === 'no') return { value: { kind: 'value', value: false }, end: i + 1 };
  if (w in NUMBER_WORDS) return { value: { kind: 'value', value: NUMBER_WORDS[w]! }, end: i + 1 };
  if ((w === 'empty' || w === 'blank') && (next === 'string' || next === 'text')) return { value: { kind: 'value', value: '' }, end: i + 2 };
  if (w === 'now' || w === 'current_timestamp' || w === 'getdate' || w === 'sysdate') {
    return { value: { kind: 'now' }, end: i + (isKeyword(tokens[i + 1], '(') && isKeyword(tokens[i + 2], ')') ? 3 : 1) };
  }
  if (w === 'current' || w === 'creation' || w === 'insertion') {
    if (next === 'time' || next === 'timestamp' || next === 'datetime') return { value: { kind: 'now' }, end: i + 2 };
    if (next === 'date' && bare(tokens[i + 2]) === 'and' && bare(tokens[i + 3]) === 'time') return { value: { kind: 'now' }, end: i + 4 };
  }
  if (w === 'time' && next === 'of' && ['creation', 'insertion', 'insert'].includes(bare(tokens[i + 2]))) return { value: { kind: 'now' }, end: i + 3 };
  if ((w === 'random' || w === 'new' || w === 'generated') && next === 'uuid') return { value: { kind: 'uuid' }, end: i + 2 };
  if (w === 'uuid' || w === 'gen_random_uuid' || w === 'newid' || w === 'uuid_generate_v4') {
    return { value: { kind: 'uuid' }, end: i + (isKeyword(tokens[i + 1], '(') && isKeyword(tokens[i + 2], ')') ? 3 : 1) };
  }
  return null;
}
