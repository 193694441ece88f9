// Writes the JSON Schemas of the contracts into runtime/schemas/ (`npm run schemas -w runtime`). The files are
// committed and shipped; runtime/test/json-schemas.test.ts fails when they differ from what this writes.
import { mkdir, writeFile } from 'node:fs/promises';
import { contractJsonSchemas, schemaFileText } from '../src/contracts/json-schema.ts';

const dir = new URL('../schemas/', import.meta.url);
await mkdir(dir, { recursive: true });
for (const [name, schema] of Object.entries(contractJsonSchemas())) {
  await writeFile(new URL(name, dir), schemaFileText(schema));
  process.stdout.write(`runtime/schemas/${name}\n`);
}
