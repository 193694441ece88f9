import { describe, expect, it } from 'vitest';
import { jsonToArrayLiteral, plainDecimal, portableDefault, toBulkValue } from '@byos/runtime/copy';
import { canonicalDecimal, canonicalJson, canonicalTimestamp, normalizeValue, valueClass } from '@byos/runtime/verify';

describe('value normalisation shared by both sides of a verification', () => {
  it('puts timestamps in UTC with six fractional digits, offsets applied, microseconds kept', () => {
    expect(canonicalTimestamp('2009-01-01 00:00:00', false)).toBe('2009-01-01T00:00:00.000000');
    expect(canonicalTimestamp('2009-01-01T00:00:00.5', false)).toBe('2009-01-01T00:00:00.500000');
    expect(canonicalTimestamp('2024-03-01 12:00:00.123456+02', true)).toBe('2024-03-01T10:00:00.123456Z');
    expect(canonicalTimestamp('2024-03-01T01:30:00-05:30', true)).toBe('2024-03-01T07:00:00.000000Z');
    expect(canonicalTimestamp('2024-03-01 00:00:00.000001Z', true)).toBe('2024-03-01T00:00:00.000001Z');
    expect(canonicalTimestamp('0044-03-15 12:00:00', false)).toBe('0044-03-15T12:00:00.000000');
    expect(canonicalTimestamp('not a date', true)).toBe('not a date');
  });

  it('writes decimals without superfluous zeros or exponents', () => {
    expect(canonicalDecimal('001.500')).toBe('1.5');
    expect(canonicalDecimal('2.00')).toBe('2');
    expect(canonicalDecimal('-0.0')).toBe('0');
    expect(canonicalDecimal('-.25')).toBe('-0.25');
    expect(canonicalDecimal('1e-7')).toBe('0.0000001');
    expect(plainDecimal(1e21)).toBe('1000000000000000000000');
    expect(plainDecimal(1.5e-7)).toBe('0.00000015');
    expect(normalizeValue(0.99, 'decimal')).toBe(normalizeValue('0.990', 'decimal'));
  });

  it('makes equal data from different drivers hash the same text', () => {
    expect(normalizeValue(1n, valueClass('integer', 'boolean'))).toBe(normalizeValue('t', valueClass('boolean', 'integer')));
    expect(normalizeValue(12n, 'integer')).toBe(normalizeValue('12', 'integer'));
    expect(normalizeValue(Buffer.from([0, 255]), 'binary')).toBe(normalizeValue('\\x00ff', 'binary'));
    expect(normalizeValue('{"b": [1, 2], "a": 1}', 'json')).toBe(normalizeValue('{"a":1,"b":[1,2]}', 'json'));
    expect(normalizeValue('ab  ', 'char')).toBe('ab');
    expect(normalizeValue('A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', 'uuid')).toBe('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11');
    expect(normalizeValue('3.14', 'float')).toBe(normalizeValue(3.14, 'float'));
    expect(normalizeValue('2020-01-02 00:00:00', 'date')).toBe('2020-01-02');
    expect(normalizeValue(null, 'text')).toBeNull();
    expect(canonicalJson('not json')).toBe('not json');
  });

  it('picks the richer class whichever side it is on', () => {
    expect(valueClass('integer', 'boolean')).toBe('boolean');
    expect(valueClass('timestamp', 'timestamptz')).toBe(valueClass('timestamptz', 'timestamp'));
    expect(valueClass('array', 'json')).toBe('json');
    expect(valueClass('enum', 'text')).toBe('text');
    expect(valueClass('decimal', 'double')).toBe('decimal');
  });
});

describe('values on their way to the target', () => {
  it('converts raw values per target kind and names the column when it cannot', () => {
    expect(toBulkValue('t', 'boolean', 'x.a')).toBe(true);
    expect(toBulkValue(0n, 'boolean', 'x.a')).toBe(false);
    expect(toBulkValue('9007199254740993', 'bigint', 'x.a')).toBe(9007199254740993n);
    expect(toBulkValue(0.1, 'decimal', 'x.a')).toBe('0.1');
    expect(toBulkValue('\\x0a0b', 'binary', 'x.a')).toEqual(Buffer.from([10, 11]));
    expect(toBulkValue('[1,null,"a\\"b"]', 'array', 'x.a')).toBe('{"1",NULL,"a\\"b"}');
    expect(() => toBulkValue('maybe', 'boolean', 'gadget.active')).toThrow('gadget.active: "maybe" is not a boolean');
    expect(() => toBulkValue('12abc', 'integer', 'track.Milliseconds')).toThrow('track.Milliseconds: "12abc" is not an integer');
  });

  it('writes nested JSON arrays as Postgres array literals', () => {
    expect(jsonToArrayLiteral('[[1,2],[3,null]]', 'x')).toBe('{{"1","2"},{"3",NULL}}');
    expect(() => jsonToArrayLiteral('{"a":1}', 'x.tags')).toThrow('x.tags');
  });

  it('translates defaults that mean the same on every engine, and only those', () => {
    expect(portableDefault("'abc'::character varying", { kind: 'varchar' })).toEqual({ kind: 'value', value: 'abc' });
    expect(portableDefault("(N'it''s')", { kind: 'varchar' })).toEqual({ kind: 'value', value: "it's" });
    expect(portableDefault('((1))', { kind: 'boolean' })).toEqual({ kind: 'value', value: true });
    expect(portableDefault('0', { kind: 'integer' })).toEqual({ kind: 'value', value: 0 });
    expect(portableDefault('CURRENT_TIMESTAMP', { kind: 'timestamp' })).toEqual({ kind: 'now' });
    expect(portableDefault('now()', { kind: 'timestamptz' })).toEqual({ kind: 'now' });
    expect(portableDefault('(newid())', { kind: 'uuid' })).toEqual({ kind: 'uuid' });
    expect(portableDefault("nextval('seq'::regclass)", { kind: 'integer' })).toBeNull();
    expect(portableDefault('lower(x)', { kind: 'text' })).toBeNull();
  });
});
