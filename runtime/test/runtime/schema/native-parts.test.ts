import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { connect, introspect, SchemaModel, type TenantDb } from '../../../src/index.ts';
import { CHANGE_TABLE } from '../../../src/dialects/change-capture.ts';
import { MACHINERY_TABLES } from '../../../src/machinery.ts';
import { DEFAULT_CHECKPOINT_TABLE, SWITCH_CHECKPOINT_TABLE } from '../../../src/movers/copy/checkpoint.ts';
import { startCapture } from '../../../src/movers/capture/index.ts';
import { loadAppSchema, uniqueRole } from '../../../../test/helpers/app-schema.ts';
import { freshPostgresDatabase, freshTenantDb } from '../../../../test/helpers/databases.ts';
import { atFileEnd } from '../../../../test/helpers/file-cleanup.ts';

// The SchemaModel knows what has no neutral form: schemas, partitions and what is declared on them, sequences,
// extensions, and routines, triggers, policies, row security and grants as named objects with their definitions.

describe('Postgres: the application schema in the SchemaModel', () => {
  let model: SchemaModel;
  let role: string;
  beforeAll(async () => {
    const url = await freshPostgresDatabase('native_parts');
    role = uniqueRole();
    await loadAppSchema(url, role);
    const tenant = await connect(url);
    atFileEnd(() => tenant.close());
    // BYOS's own capture machinery is installed too, and must not show as the tenant's.
    await startCapture(tenant);
    model = await introspect(tenant);
  }, 60_000);

  it('lists schemas, extensions and sequences', () => {
    expect(SchemaModel.parse(model)).toEqual(model);
    expect(model.schemas.map((s) => s.name)).toEqual(['app', 'audit', 'billing', 'public']);
    expect(model.schemas.find((s) => s.name === 'app')?.comment).toBe("The application's own tables");
    expect(model.extensions.map((e) => e.name)).toEqual(['btree_gist', 'citext', 'plpgsql']);
    expect(model.sequences).toEqual([
      { schema: 'app', name: 'member_id_seq', ownedBy: { schema: 'app', table: 'member', column: 'id' } },
      { schema: 'audit', name: 'log_id_seq', ownedBy: { schema: 'audit', table: 'log', column: 'id' } },
      { schema: 'billing', name: 'invoice_number_seq', ownedBy: { schema: 'billing', table: 'invoice', column: 'number' } },
    ]);
  });

  it('knows a partitioned table, its partitions, and the foreign key declared on one of them', () => {
    const invoice = model.tables.find((t) => t.schema === 'billing' && t.name === 'invoice')!;
    expect(invoice.partitionBy).toBe('RANGE (issued_on)');
    expect(model.tables.some((t) => t.name.startsWith('invoice_'))).toBe(false);
    expect(model.partitions.map((p) => [p.name, p.bound])).toEqual([
      ['invoice_2024', "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')"],
      ['invoice_2025', "FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')"],
      ['invoice_other', 'DEFAULT'],
    ]);
    const p2025 = model.partitions.find((p) => p.name === 'invoice_2025')!;
    expect(p2025.parent).toEqual({ schema: 'billing', name: 'invoice' });
    expect(p2025.foreignKeys).toEqual([expect.objectContaining({ name: 'invoice_2025_account_fkey', referencedSchema: 'app', referencedTable: 'account' })]);
    // Indexes attached to the parent's are the parent's, not the partition's own.
    expect(p2025.indexes).toEqual([]);
  });

  it('carries routines, triggers, policies, row security and grants as named objects with their definitions', () => {
    const named = (kind: string) => model.objects.filter((o) => o.kind === kind).map((o) => o.name);
    expect(named('function')).toEqual(['app.account_count(app.plan)', 'app.set_plan(bigint,app.plan)', 'audit.record_insert()']);
    expect(named('procedure')).toEqual(['billing.close_year(integer)']);
    expect(named('trigger')).toEqual(['app.account account_audit']);
    expect(named('policy').sort()).toEqual(['app.member member_admin_write', 'app.member member_tenant']);
    expect(named('exclusion-constraint')).toEqual(['app.booking booking_room_id_during_excl']);
    const definer = model.objects.find((o) => o.name === 'app.set_plan(bigint,app.plan)')!;
    expect(definer.definition).toMatch(/SECURITY DEFINER/);
    expect(model.objects.find((o) => o.kind === 'row-security')!.definition).toBe(
      'ALTER TABLE app.member ENABLE ROW LEVEL SECURITY;\nALTER TABLE app.member FORCE ROW LEVEL SECURITY;',
    );
    expect(model.objects.find((o) => o.kind === 'grant' && o.name === 'app.account')!.definition).toBe(
      `GRANT INSERT, SELECT, UPDATE ON TABLE app.account TO ${role};`,
    );
    expect(model.objects.find((o) => o.kind === 'trigger')!.table).toBe('app.account');
    // Nothing of the change capture among the named objects and sequences: not its functions, triggers or grants.
    // (Its table is listed among the tables, where copy, verify and capture recognise it as machinery.)
    expect(JSON.stringify([model.objects, model.sequences])).not.toMatch(/byos_capture|byos_changes/);
  });
});

describe('SQLite: triggers are named objects', () => {
  let tenant: TenantDb;
  beforeAll(async () => {
    tenant = await freshTenantDb('sqlite', 'native_parts');
    await sql`create table item (id integer primary key, name text)`.execute(tenant.db);
    await sql`create table item_log (id integer primary key, item_id integer)`.execute(tenant.db);
    await sql`create trigger item_logged after insert on item begin insert into item_log (item_id) values (new.id); end`.execute(tenant.db);
  });

  it('lists the tenant trigger with its SQL, and not the capture machinery', async () => {
    await startCapture(tenant);
    const model = await introspect(tenant);
    expect(model.schemas).toEqual([{ name: 'main', comment: null }]);
    expect(model.objects).toEqual([{ kind: 'trigger', name: 'item_logged', table: 'item', definition: expect.stringContaining('insert into item_log') }]);
  });
});

it('the machinery list names the change table and both checkpoint tables', () => {
  expect([...MACHINERY_TABLES].sort()).toEqual([CHANGE_TABLE, DEFAULT_CHECKPOINT_TABLE, SWITCH_CHECKPOINT_TABLE].sort());
});
