import type { NativeSchema } from '../dialects/native-schema.ts';

/** Which schemas a copy or a verification covers: only `schemas` when given, never `excludeSchemas`. */
export interface SchemaChoice {
  schemas?: readonly string[];
  excludeSchemas?: readonly string[];
}

/**
 * A test for an object's schema (unquoted). What lives in no schema (`null`: extensions, casts, servers) is always
 * in; with no choice made, everything is.
 */
export function inChosenSchemas(choice: SchemaChoice): (schema: string | null) => boolean {
  const only = choice.schemas;
  const skip = choice.excludeSchemas ?? [];
  return (schema) => schema === null || ((!only || only.includes(schema)) && !skip.includes(schema));
}

export function choosesSchemas(choice: SchemaChoice): boolean {
  return !!choice.schemas || !!choice.excludeSchemas?.length;
}

/** The part of a native schema in the chosen schemas: its units, tables, sequences and what it cannot recreate. */
export function keepChosenSchemas(whole: NativeSchema, choice: SchemaChoice): NativeSchema {
  if (!choosesSchemas(choice)) return whole;
  const wanted = inChosenSchemas(choice);
  const units = whole.units.filter((u) => wanted(u.schema));
  const kept = new Set(units.map((u) => u.id));
  // A sequence is in its unit's schema; one without a unit of its own (an identity's) in its table's.
  const sequenceSchema = new Map(whole.units.filter((u) => u.kind === 'sequence').map((u) => [u.name, u.schema]));
  const schemaOf = (name: string, ownedBy: string | null) =>
    sequenceSchema.get(name) ?? whole.tables.find((t) => ownedBy?.startsWith(`${t.q}.`))?.schema ?? null;
  return {
    ...whole,
    units,
    tables: whole.tables.filter((t) => kept.has(t.unit)),
    sequences: whole.sequences.filter((s) => wanted(schemaOf(s.name, s.ownedBy))),
    unsupported: whole.unsupported.filter((u) => wanted(u.schema)),
  };
}
