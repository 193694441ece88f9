import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { generateTypes } from '@byos/runtime';
import { FEATURES_MODEL } from '../../runtime/test/runtime/mssql/features-catalog.ts';
import { scratchProject, typecheck } from '../helpers/scratch.ts';

// No SQL Server runs here: the model is the one the SQL Server introspector's tests assemble from catalog rows.
it('SQL Server: types follow tedious (bigint string, money/decimal number, bit boolean, datetime2 Date) and compile under strict', async () => {
  const text = generateTypes(FEATURES_MODEL, { zod: true, kysely: true });
  const dir = await scratchProject('typegen-mssql');
  await writeFile(join(dir, 'db.ts'), text);
  await writeFile(
    join(dir, 'checks.ts'),
    `import type { Kysely } from 'kysely';
import type { DB } from './db.ts';
declare const db: Kysely<DB>;

export async function checks() {
  const event = await db.selectFrom('audit.Event').selectAll().executeTakeFirstOrThrow();
  const typed: [string, number, number | null, Date, string, boolean, Buffer | null] = [event.EventId, event.Amount, event.AmountWithTax, event.At, event.Actor, event.IsSystem, event.Raw];
  const user = await db.selectFrom('User Account').select(['Id', 'Prénom']).executeTakeFirstOrThrow();
  await db.insertInto('User Account').values({ Region: 'SG', Code: 1 }).execute();
  // @ts-expect-error AmountWithTax is a computed column
  await db.updateTable('audit.Event').set({ AmountWithTax: 1 }).execute();
  // @ts-expect-error Code is an int
  await db.insertInto('User Account').values({ Region: 'SG', Code: '1' }).execute();
  return [typed, user];
}
`,
  );
  await typecheck(dir);

  const generated = await import(join(dir, 'db.ts'));
  const row = {
    EventId: '9007199254740993',
    Payload: null,
    Amount: 12.5,
    AmountWithTax: 13.625,
    AmountText: '12.50',
    At: new Date(),
    Actor: 'E0A1B2C3-D4E5-F601-2345-6789ABCDEF01',
    IsSystem: false,
    Raw: null,
    Phone: null,
    Country: 'SG',
    Place: null,
    Host: 'h',
    Version: Buffer.alloc(8),
    Region: 'SG',
    Code: 65,
  };
  expect(generated.AuditEventRowSchema.parse(row)).toEqual(row);
  const insert = generated.AuditEventInsertSchema;
  // The catalog model does not (yet) mark rowversion as database-written, so its Insert still asks for it.
  const version = 'Version' in insert.shape ? { Version: row.Version } : {};
  const minimal = { Amount: 1, At: new Date(), Actor: row.Actor, IsSystem: true, Country: 'SG', Host: 'h', ...version };
  expect(insert.safeParse(minimal).success).toBe(true);
  expect(insert.safeParse({ ...minimal, Amount: -1 }).success).toBe(false); // CK_Event_Amount
  expect(insert.safeParse({ ...minimal, Host: 'h'.repeat(129) }).success).toBe(false); // nvarchar(128)
  expect(insert.safeParse({ ...minimal, AmountText: 'x' }).success).toBe(false); // computed
  expect(text).toContain('"audit.Event": AuditEventTable;');
  expect(text).toContain('"User Account": UserAccountTable;');
});
