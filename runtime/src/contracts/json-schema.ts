import { z } from 'zod';
import { ConnectionProfile } from './connection-profile.ts';
import { TENANT_CONFIG_KEY, TenantSpec } from './tenant-spec.ts';

/**
 * JSON Schemas of the files users write, generated from the zod contracts so editors (VS Code's JSON support, the YAML
 * language server) check and complete them. The package ships them in `schemas/` (`@byos/runtime/schemas/<file>`);
 * `npm run schemas -w runtime` rewrites them and a test fails when they are stale.
 *
 * They describe the input a file may hold (defaulted fields optional). Checks zod makes in code, such as "a CIDR
 * block", are not expressible here: a file the schema accepts can still be refused by the parser, never the reverse
 * for what the schema does express (required keys, enums, patterns, ranges, no unknown keys).
 */
export const CONTRACT_SCHEMA_FILES = {
  tenantSpec: 'tenant-spec.schema.json',
  connectionProfile: 'connection-profile.schema.json',
  tenantStack: 'tenant-stack.schema.json',
} as const;

type JsonSchema = Record<string, unknown> & { properties?: Record<string, unknown> };

/** Draft 7: the draft editors' schema support (VS Code, the YAML language server) handles best. */
const DRAFT = 'http://json-schema.org/draft-07/schema#';

/** The `$schema` key a file may carry to name its schema; parsing drops it (withoutSchemaReference). */
const SCHEMA_REFERENCE = { type: 'string', description: 'The JSON Schema of this file, for editors; ignored by BYOS.' };

function inputSchema(schema: z.ZodType): JsonSchema {
  const { $schema: _draft, ...rest } = z.toJSONSchema(schema, { io: 'input', target: 'draft-7' }) as JsonSchema;
  return rest;
}

/** Every schema by file name, in the order written; the content is what the committed files must equal. */
export function contractJsonSchemas(): Record<string, JsonSchema> {
  const spec = inputSchema(TenantSpec);
  const profile = inputSchema(ConnectionProfile);
  return {
    [CONTRACT_SCHEMA_FILES.tenantSpec]: {
      $schema: DRAFT,
      title: 'BYOS TenantSpec',
      description: "One tenant's database: provider, region, residency, compliance, encryption, backup, network and size.",
      ...spec,
      properties: { $schema: SCHEMA_REFERENCE, ...spec.properties },
    },
    [CONTRACT_SCHEMA_FILES.connectionProfile]: {
      $schema: DRAFT,
      title: 'BYOS ConnectionProfile',
      description: "What the runtime needs to reach one tenant's database. Keep a password out of the file: passwordRef env:NAME or file:PATH.",
      ...profile,
      properties: { $schema: SCHEMA_REFERENCE, ...profile.properties },
    },
    [CONTRACT_SCHEMA_FILES.tenantStack]: {
      $schema: DRAFT,
      title: 'BYOS tenant stack file (stacks/Pulumi.<tenant>.yaml)',
      description: `A Pulumi stack config file whose ${TENANT_CONFIG_KEY} holds the tenant's TenantSpec; other keys are Pulumi's or the providers' settings.`,
      type: 'object',
      properties: {
        config: {
          type: 'object',
          properties: { [TENANT_CONFIG_KEY]: { $ref: '#/definitions/TenantSpec' } },
          required: [TENANT_CONFIG_KEY],
        },
      },
      required: ['config'],
      definitions: { TenantSpec: spec },
    },
  };
}

/** A schema file's text: two-space JSON and a final newline, as committed. */
export function schemaFileText(schema: unknown): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}
