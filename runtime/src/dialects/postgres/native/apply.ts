import type { Finding } from '../../../contracts/finding.ts';
import type { NativeSchema, NativeUnit, RunStatement } from '../../native-schema.ts';

/** The server's SQLSTATE of a statement that failed (the clone wraps it, keeping it as the cause). */
const sqlState = (error: unknown) => ((error as { cause?: { code?: string } }).cause ?? (error as { code?: string })).code;
const INSUFFICIENT_PRIVILEGE = '42501';

/** Units name everything schema-qualified and are created with bodies unchecked until all exist (pg_dump's way). */
const SETTINGS = ['SET LOCAL check_function_bodies = off', 'SET LOCAL search_path = pg_catalog'];
const RESET = 'SET LOCAL search_path TO DEFAULT';

/**
 * Pre-data in the clone's transaction. When the copy brings the source's `public`, the new database's empty one
 * goes first, so that the source's (its owner, privileges and comment) is created in its place; a role that does
 * not own it may not drop it, and then keeps it and applies the source's settings over it as far as it may, each
 * refusal a warning (verification names what differs).
 */
export async function createPostgresPreData(run: RunStatement, schema: NativeSchema, roles: readonly string[]): Promise<Finding[]> {
  const warnings: Finding[] = [];
  for (const statement of roles) await run(statement);
  const tolerate = async (statement: string, onRefusal: (error: Error) => void): Promise<void> => {
    await run('SAVEPOINT byos_public');
    await run(statement).catch(async (error: Error) => {
      if (sqlState(error) !== INSUFFICIENT_PRIVILEGE) throw error;
      await run('ROLLBACK TO SAVEPOINT byos_public');
      onRefusal(error);
    });
  };
  // Replaced only by the source's own: a copy of other schemas leaves the target's as a new database has it.
  const bringsPublic = schema.units.some((u) => u.id === 'schema:public');
  let keepPublic = !bringsPublic;
  if (bringsPublic) await tolerate('DROP SCHEMA IF EXISTS public', () => (keepPublic = true));
  for (const statement of SETTINGS) await run(statement);
  for (const unit of schema.units.filter((u) => u.section === 'pre')) {
    const onPublic = keepPublic && (unit.id === 'schema:public' || unit.id === 'grant:schema:public');
    for (const statement of unit.sql) {
      if (!onPublic) await run(statement);
      else if (statement !== 'CREATE SCHEMA public') {
        await tolerate(statement, (error) => {
          const reason = ((error.cause as Error | undefined) ?? error).message;
          warnings.push({
            rule: 'copy-public-schema-kept',
            severity: 'warning',
            subject: 'public',
            message: `the target's own public schema was kept (the connecting role does not own it), and \`${statement}\` was refused: ${reason}`,
          });
        });
      }
    }
  }
  await run(RESET);
  // The checkpoint table lives in public: a source without one gets it back at the end (finishStatements).
  if (!bringsPublic) await run('CREATE SCHEMA IF NOT EXISTS public');
  return warnings;
}

export async function createPostgresUnit(run: RunStatement, unit: NativeUnit): Promise<void> {
  await run('SET LOCAL search_path = pg_catalog');
  for (const statement of unit.sql) await run(statement);
  await run(RESET);
}

/** The objects a new, empty database already has: its `public` schema (with its privileges) and PL/pgSQL. */
export function isNewPostgresDatabaseObject(unit: NativeUnit): boolean {
  return unit.id === 'schema:public' || unit.id === 'grant:schema:public' || unit.id === 'extension:plpgsql';
}

/** A source without `public` gives a copy without it, once the checkpoints that lived there are gone. */
export function postgresFinishStatements(schema: NativeSchema): string[] {
  return schema.units.some((u) => u.id === 'schema:public') ? [] : ['DROP SCHEMA IF EXISTS public'];
}
