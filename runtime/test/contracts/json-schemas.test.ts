import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { ConnectionProfile, parseConnectionProfile, parseTenantSpec, TenantSpec } from '../../src/contracts/index.ts';
import { CONTRACT_SCHEMA_FILES, contractJsonSchemas, schemaFileText } from '../../src/contracts/json-schema.ts';

const SCHEMAS_DIR = new URL('../../schemas/', import.meta.url);
const STACKS_DIR = new URL('../../../stacks/', import.meta.url);

type Schema = Record<string, unknown>;

function committed(name: string): Schema {
  return JSON.parse(readFileSync(new URL(name, SCHEMAS_DIR), 'utf8')) as Schema;
}

/**
 * A small validator for the keywords these schemas use, enough to check their semantics without a schema library. An
 * unknown keyword throws, so a constraint the generator starts to emit can never pass here unchecked.
 */
const KNOWN = new Set([
  '$schema',
  'title',
  'description',
  'default',
  'definitions',
  'type',
  'enum',
  'pattern',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'maxItems',
  'items',
  'properties',
  'required',
  'additionalProperties',
  '$ref',
]);

function schemaErrors(schema: Schema, value: unknown, root: Schema = schema, path = ''): string[] {
  for (const key of Object.keys(schema)) if (!KNOWN.has(key)) throw new Error(`test validator does not know keyword ${key} at ${path || '(root)'}`);
  if (typeof schema.$ref === 'string') {
    const target = schema.$ref
      .replace(/^#\//, '')
      .split('/')
      .reduce<unknown>((node, part) => (node as Schema)[part], root);
    return schemaErrors(target as Schema, value, root, path);
  }
  const at = path || '(root)';
  const type = schema.type as string | undefined;
  const isObject = value !== null && typeof value === 'object' && !Array.isArray(value);
  const typeOk =
    type === undefined ||
    (type === 'object' && isObject) ||
    (type === 'array' && Array.isArray(value)) ||
    (type === 'string' && typeof value === 'string') ||
    (type === 'boolean' && typeof value === 'boolean') ||
    (type === 'number' && typeof value === 'number') ||
    (type === 'integer' && Number.isInteger(value));
  if (!typeOk) return [`${at}: not ${type}`];
  const errors: string[] = [];
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) errors.push(`${at}: not one of ${schema.enum.join(', ')}`);
  if (typeof value === 'string') {
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value)) errors.push(`${at}: does not match ${schema.pattern}`);
    if (typeof schema.minLength === 'number' && value.length < schema.minLength) errors.push(`${at}: too short`);
    if (typeof schema.maxLength === 'number' && value.length > schema.maxLength) errors.push(`${at}: too long`);
  }
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum) errors.push(`${at}: below ${schema.minimum}`);
    if (typeof schema.maximum === 'number' && value > schema.maximum) errors.push(`${at}: above ${schema.maximum}`);
    if (typeof schema.exclusiveMinimum === 'number' && value <= schema.exclusiveMinimum) errors.push(`${at}: not above ${schema.exclusiveMinimum}`);
  }
  if (Array.isArray(value)) {
    if (typeof schema.maxItems === 'number' && value.length > schema.maxItems) errors.push(`${at}: too many items`);
    if (schema.items) value.forEach((item, i) => errors.push(...schemaErrors(schema.items as Schema, item, root, `${path}[${i}]`)));
  }
  if (isObject) {
    const object = value as Record<string, unknown>;
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    for (const key of (schema.required ?? []) as string[]) if (!(key in object)) errors.push(`${at}: ${key} is required`);
    for (const [key, item] of Object.entries(object)) {
      const child = path ? `${path}.${key}` : key;
      if (properties[key]) errors.push(...schemaErrors(properties[key], item, root, child));
      else if (schema.additionalProperties === false) errors.push(`${child}: not allowed`);
    }
  }
  return errors;
}

function accepts(parse: (input: unknown) => unknown, input: unknown): boolean {
  try {
    parse(input);
    return true;
  } catch {
    return false;
  }
}

const minimalSpec = { tenant: 'acme-sg', provider: 'aws', region: 'ap-southeast-1' };
const fullSpec = {
  ...minimalSpec,
  residency: 'SG',
  compliance: ['pdpa', 'soc2'],
  encryption: { customerManagedKey: true },
  backup: { retentionDays: 14, pointInTimeRecovery: true },
  network: { publicAccess: false, allowedCidrs: ['203.0.113.0/24'] },
  size: 'medium',
};
const sqliteProfile = { tenant: 'dev', provider: 'local-sqlite', dialect: 'sqlite', database: '.byos/tenants/dev.sqlite' };

describe('JSON Schemas of the contracts', () => {
  it('the committed files in runtime/schemas are what the zod contracts generate (run `npm run schemas -w runtime` when this fails)', () => {
    const generated = contractJsonSchemas();
    const files = readdirSync(SCHEMAS_DIR).sort();
    expect(files).toEqual(Object.keys(generated).sort());
    for (const [name, schema] of Object.entries(generated)) {
      expect(readFileSync(new URL(name, SCHEMAS_DIR), 'utf8'), `runtime/schemas/${name} is stale`).toBe(schemaFileText(schema));
    }
  });

  it('hold the required keys and every enum value of the contracts', () => {
    const spec = committed(CONTRACT_SCHEMA_FILES.tenantSpec);
    const props = spec.properties as Record<string, Schema>;
    expect(spec.required).toEqual(['tenant', 'provider', 'region']);
    expect(spec.additionalProperties).toBe(false);
    expect(props.provider!.enum).toEqual(TenantSpec.shape.provider.options);
    expect(props.size!.enum).toEqual(['small', 'medium', 'large']);
    expect(props.residency!.enum).toContain('SG');
    const profile = committed(CONTRACT_SCHEMA_FILES.connectionProfile);
    expect(profile.required).toEqual(['provider', 'dialect', 'database']);
    expect((profile.properties as Record<string, Schema>).dialect!.enum).toEqual(ConnectionProfile.shape.dialect.options);
  });

  // The schema's verdict must match zod's wherever the schema can express the rule.
  const specCases: [label: string, input: unknown, valid: boolean][] = [
    ['the minimal spec', minimalSpec, true],
    ['a full spec', fullSpec, true],
    ['a spec naming its schema', { $schema: '../node_modules/@byos/runtime/schemas/tenant-spec.schema.json', ...minimalSpec }, true],
    ['no region', { tenant: 'acme-sg', provider: 'aws' }, false],
    ['an unknown provider', { ...minimalSpec, provider: 'oracle' }, false],
    ['an unknown residency', { ...minimalSpec, residency: 'XX' }, false],
    ['an unknown framework', { ...minimalSpec, compliance: ['iso27001'] }, false],
    ['an unknown key', { ...minimalSpec, colour: 'blue' }, false],
    ['an unknown nested key', { ...minimalSpec, backup: { retentionDays: 7, snapshots: true } }, false],
    ['retention over 3650 days', { ...minimalSpec, backup: { retentionDays: 4000 } }, false],
    ['a fractional retention', { ...minimalSpec, backup: { retentionDays: 1.5 } }, false],
    ['a tenant id with capitals', { ...minimalSpec, tenant: 'Acme' }, false],
    ['a size that is not a tier', { ...minimalSpec, size: 'huge' }, false],
    ['a boolean as a string', { ...minimalSpec, network: { publicAccess: 'no' } }, false],
  ];

  it.each(specCases)('TenantSpec: %s is %s', (_label, input, valid) => {
    const schema = committed(CONTRACT_SCHEMA_FILES.tenantSpec);
    expect(schemaErrors(schema, input).length === 0, schemaErrors(schema, input).join('; ')).toBe(valid);
    expect(accepts(parseTenantSpec, input)).toBe(valid);
  });

  it('TenantSpec: a CIDR check zod makes in code is beyond the schema (accepted there, refused by the parser)', () => {
    const input = { ...minimalSpec, network: { allowedCidrs: ['not-a-cidr'] } };
    expect(schemaErrors(committed(CONTRACT_SCHEMA_FILES.tenantSpec), input)).toEqual([]);
    expect(() => parseTenantSpec(input)).toThrow(/CIDR/);
  });

  const profileCases: [label: string, input: unknown, valid: boolean][] = [
    ['a SQLite profile', sqliteProfile, true],
    ['a profile naming its schema', { $schema: './connection-profile.schema.json', ...sqliteProfile }, true],
    [
      'a Postgres profile with a passwordRef and TLS',
      { provider: 'aws', dialect: 'postgres', host: 'db', port: 5432, database: 'app', passwordRef: 'env:DB_PASSWORD', tls: { mode: 'verify-full' } },
      true,
    ],
    ['no dialect', { provider: 'local-sqlite', database: 'x.sqlite' }, false],
    ['port 70000', { ...sqliteProfile, port: 70000 }, false],
    ['port 0', { ...sqliteProfile, port: 0 }, false],
    ['a passwordRef that is neither env: nor file:', { ...sqliteProfile, passwordRef: 'vault:db' }, false],
    ['an unknown TLS mode', { ...sqliteProfile, tls: { mode: 'prefer' } }, false],
    ['an unknown key', { ...sqliteProfile, schema: 'public' }, false],
    ['an empty database', { ...sqliteProfile, database: '' }, false],
  ];

  it.each(profileCases)('ConnectionProfile: %s is %s', (_label, input, valid) => {
    const schema = committed(CONTRACT_SCHEMA_FILES.connectionProfile);
    expect(schemaErrors(schema, input).length === 0, schemaErrors(schema, input).join('; ')).toBe(valid);
    expect(accepts(parseConnectionProfile, input)).toBe(valid);
  });

  it('tenant stack files: every stack in stacks/ validates; a missing or broken byos:tenant does not', () => {
    const schema = committed(CONTRACT_SCHEMA_FILES.tenantStack);
    const stacks = readdirSync(STACKS_DIR).filter((name) => /^Pulumi\..+\.yaml$/.test(name));
    expect(stacks.length).toBeGreaterThan(3);
    for (const name of stacks) {
      const document = parseYaml(readFileSync(new URL(name, STACKS_DIR), 'utf8')) as unknown;
      expect(schemaErrors(schema, document), name).toEqual([]);
    }
    expect(schemaErrors(schema, { config: { 'byos:tenant': minimalSpec, 'byos:localPostgresPort': 54329, 'aws:region': 'x' } })).toEqual([]);
    expect(schemaErrors(schema, { config: { 'aws:region': 'x' } })).toEqual(['config: byos:tenant is required']);
    expect(schemaErrors(schema, { config: { 'byos:tenant': { ...minimalSpec, provider: 'oracle' } } })).toEqual([
      expect.stringContaining('config.byos:tenant.provider: not one of'),
    ]);
  });

  it('a $schema key naming the schema is accepted by the parsers and left out of the parsed value', () => {
    const profile = parseConnectionProfile({ $schema: './connection-profile.schema.json', ...sqliteProfile });
    expect(profile).not.toHaveProperty('$schema');
    expect(parseTenantSpec({ $schema: './tenant-spec.schema.json', ...minimalSpec })).not.toHaveProperty('$schema');
    // Only as a string naming a schema; anything else is still an unknown key.
    expect(() => parseConnectionProfile({ $schema: 42, ...sqliteProfile })).toThrow(/\$schema/);
  });
});
