import { describe, expect, it } from 'vitest';
import { bulkValueConverter, toBulkValue } from '@byos/runtime/copy';

const KINDS = ['boolean', 'smallint', 'integer', 'bigint', 'decimal', 'money', 'real', 'double', 'binary', 'array', 'text', 'json', 'date', 'uuid'] as const;
const VALUES: unknown[] = [
  null,
  undefined,
  't',
  'off',
  '',
  ' 42 ',
  '-7',
  'abc',
  '1.5',
  'NaN',
  '[1,null,"a\\"b"]',
  '\\x0a0b',
  0,
  1,
  -3,
  0.1,
  1e-7,
  2 ** 60,
  Number.NaN,
  0n,
  9007199254740993n,
  true,
  false,
  Buffer.from([1, 2]),
  new Uint8Array([255]),
  new Date(Date.UTC(2024, 1, 29)),
];

/** The outcome of a conversion: its value, or its error message. */
const outcome = (convert: () => unknown) => {
  try {
    return { value: convert() };
  } catch (error) {
    return { error: (error as Error).message };
  }
};

describe('per-column converters (the copy converts a page column by column)', () => {
  it('give what toBulkValue gives for every kind and value, errors included', () => {
    for (const kind of KINDS) {
      const convert = bulkValueConverter(kind, `t.${kind}`);
      for (const value of VALUES)
        expect(
          outcome(() => convert(value)),
          `${kind} ${String(value)}`,
        ).toEqual(outcome(() => toBulkValue(value, kind, `t.${kind}`)));
    }
  });
});
