import type { ValueShape } from '../dialects/value-shape.ts';
import { arrayLiteral, stringLiteral } from '../util/code-text.ts';
import type { CheckRule } from './checks.ts';
import type { ColumnPlan } from './plan.ts';

const INTEGER_RANGE: Record<string, [number, number]> = { smallint: [-32768, 32767], integer: [-2147483648, 2147483647] };
const UUID = '/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/';

/**
 * Helpers the generated file defines once, only when its schemas use them (an unused one would trip an
 * application's `noUnusedLocals`).
 */
const HELPERS: [name: string, definition: string][] = [
  ['INTEGER_TEXT', 'const INTEGER_TEXT = /^-?\\d+$/;'],
  // Postgres numeric also holds NaN (and, unconstrained, ±Infinity); the driver hands them back as text.
  ['DECIMAL_TEXT', 'const DECIMAL_TEXT = /^(-?\\d+(\\.\\d+)?|NaN|-?Infinity)$/;'],
  [
    'fitsDecimal',
    `/** True when the value has at most \`precision\` digits, \`scale\` of them after the point. */
function fitsDecimal(precision: number, scale: number) {
  return (value: string | number): boolean => {
    if (/Infinity/.test(String(value))) return false; // a numeric(p,s) cannot hold ±Infinity (NaN it can)
    const [whole = '', fraction = ''] = String(value).replace(/^-/, '').split('.');
    return fraction.length <= scale && whole.replace(/^0+(?=\\d)/, '').length <= precision - scale;
  };
}`,
  ],
  [
    'JSON_INSERT',
    `/** JSON text the database will parse, or a value the driver serialises (see JsonInsert). */
const JSON_INSERT = z.union([
  z.string().refine((text) => {
    try {
      JSON.parse(text);
      return true;
    } catch {
      return false;
    }
  }, 'must be JSON text'),
  z.number(),
  z.boolean(),
  z.record(z.string(), z.json()),
]);`,
  ],
  [
    'INTERVAL',
    `/** An interval as the driver returns it: numeric parts, and a toPostgres() that writes it back. */
const INTERVAL = z.custom<PostgresInterval>(
  (v) => typeof v === 'object' && v !== null && typeof (v as PostgresInterval).toPostgres === 'function' && Object.values(v).every((part) => typeof part === 'number'),
  'must be an interval object',
);`,
  ],
];

/** The definitions of the helpers zodForColumn recorded in `used`, in a fixed order. */
export function zodHelpers(used: ReadonlySet<string>): string[] {
  return HELPERS.filter(([name]) => used.has(name)).map(([, definition]) => definition);
}

/**
 * The Zod expression for one column. `constrained` adds what the database enforces beyond the type (length,
 * precision, range, CHECKs): always for Insert, for Row only when the dialect enforces declared types.
 */
export function zodForColumn(plan: ColumnPlan, mode: 'row' | 'insert', constrained: boolean, used: Set<string>): string {
  const use = (name: string) => (used.add(name), name);
  let expr = base(plan, plan.shape, mode, constrained, use);
  if (constrained) expr += refinements(plan.shape, plan.rules, plan);
  if (plan.nullable) expr += '.nullable()';
  if (mode === 'insert' && plan.insert === 'optional') expr += '.optional()';
  return expr;
}

function base(plan: ColumnPlan, shape: ValueShape, mode: 'row' | 'insert', constrained: boolean, use: (helper: string) => string): string {
  const type = plan.column.type;
  const inList = plan.rules.find((r): r is Extract<CheckRule, { op: 'in' }> => r.op === 'in');
  switch (shape.kind) {
    case 'string': {
      if (plan.enumValues) return `z.enum(${arrayLiteral(plan.enumValues)})`;
      if (constrained && inList?.values.every((v) => typeof v === 'string')) return `z.enum(${arrayLiteral(inList.values)})`;
      if (type.kind === 'uuid') return `z.string().regex(${UUID})`;
      return constrained && type.length !== undefined && (type.kind === 'varchar' || type.kind === 'char') ? `z.string().max(${type.length})` : 'z.string()';
    }
    case 'number': {
      let expr = 'z.number()';
      if (type.kind === 'smallint' || type.kind === 'integer' || type.kind === 'bigint') expr += '.int()';
      const range = INTEGER_RANGE[type.kind];
      if (constrained && range) expr += `.min(${range[0]}).max(${range[1]})`;
      if (constrained && type.kind === 'decimal' && type.precision !== undefined)
        expr += `.refine(${use('fitsDecimal')}(${type.precision}, ${type.scale ?? 0}), 'more digits than numeric(${type.precision},${type.scale ?? 0}) holds')`;
      return expr;
    }
    case 'integer-string':
      return mode === 'insert'
        ? `z.union([z.string().regex(${use('INTEGER_TEXT')}), z.number().int(), z.bigint()])`
        : `z.string().regex(${use('INTEGER_TEXT')})`;
    case 'decimal-string': {
      const text = `z.string().regex(${use('DECIMAL_TEXT')})`;
      const expr = mode === 'insert' ? `z.union([${text}, z.number()])` : text;
      return constrained && type.precision !== undefined
        ? `${expr}.refine(${use('fitsDecimal')}(${type.precision}, ${type.scale ?? 0}), 'more digits than numeric(${type.precision},${type.scale ?? 0}) holds')`
        : expr;
    }
    case 'bigint':
      return mode === 'insert' ? 'z.union([z.bigint(), z.number().int()])' : 'z.bigint()';
    case 'boolean':
      return 'z.boolean()';
    case 'date':
      return mode === 'insert' ? 'z.union([z.date(), z.string()])' : 'z.date()';
    case 'buffer':
      return 'z.instanceof(Buffer)';
    case 'json':
      return mode === 'insert' ? use('JSON_INSERT') : 'z.json()';
    case 'interval':
      return mode === 'insert' ? `z.union([${use('INTERVAL')}, z.string()])` : use('INTERVAL');
    case 'array':
      return `z.array(${base({ ...plan, rules: [] }, shape.element, mode, false, use)})`;
    case 'array-text':
      return mode === 'insert' ? `z.union([z.string(), z.array(${base({ ...plan, rules: [] }, shape.element, mode, false, use)})])` : 'z.string()';
    case 'unknown':
      return 'z.unknown()';
  }
}

function refinements(shape: ValueShape, rules: CheckRule[], plan: ColumnPlan): string {
  let out = '';
  const numeric = shape.kind === 'number';
  const textual = shape.kind === 'integer-string' || shape.kind === 'decimal-string';
  for (const rule of rules) {
    if (rule.op === 'in') {
      if (shape.kind === 'string' && rule.values.every((v) => typeof v === 'string')) continue; // already z.enum
      out += `.refine((v) => ${arrayLiteral(rule.values)}.includes(${numeric ? 'v' : 'String(v)'} as never), ${stringLiteral(`must be one of ${rule.values.join(', ')}`)})`;
      continue;
    }
    if (!numeric && !textual) continue;
    const cmp = rule.op === '=' ? '===' : rule.op === '<>' ? '!==' : rule.op;
    out += `.refine((v) => Number(v) ${cmp} ${rule.value}, ${stringLiteral(`must satisfy ${plan.column.name} ${rule.op} ${rule.value}`)})`;
  }
  return out;
}
