import type { NativeKind, UnsupportedObject } from '../../native-schema.ts';
import { leadingIdentifier, type Roles, unquote } from './sql-text.ts';

const SCHEMALESS = new Set(['extension', 'cast', 'foreign-server', 'default-privileges']);

/**
 * A unit being built: its statements and the catalog keys (`pg_class:1234`) of every catalog row it creates, by
 * which pg_depend's edges become dependencies between units.
 */
export interface Draft {
  id: string;
  /** The schema it lives in, unquoted; null for what lives in none (extensions, casts, servers, global defaults). */
  schema: string | null;
  kind: NativeKind;
  name: string;
  table: string | null;
  section: 'pre' | 'post';
  sql: string[];
  keys: string[];
  /** Dependencies known without pg_depend: unit ids (a grant on its object) and catalog keys (an index's parent). */
  deps: string[];
  depKeys: string[];
  /** The relation whose rows must be loaded before this post-data unit runs. */
  needsRows?: string;
  /**
   * A view that selects from itself (CREATE OR REPLACE can make one): statements that create it in two steps, a
   * placeholder with its columns' types first, pg_dump's way; used when pg_depend shows the self-reference.
   */
  selfReferencing?: string[];
  roles: string[];
}

export class Drafts {
  readonly list: Draft[] = [];
  readonly unsupported: (UnsupportedObject & { key?: string })[] = [];
  readonly roles: Roles;
  constructor(roles: Roles) {
    this.roles = roles;
  }

  add(
    draft: Omit<Draft, 'roles' | 'deps' | 'keys' | 'depKeys' | 'schema'> & {
      schema?: string | null;
      keys?: (string | null | undefined)[];
      deps?: string[];
      depKeys?: (string | null | undefined)[];
    },
  ): Draft {
    const present = (list: (string | null | undefined)[] | undefined) => (list ?? []).filter((k): k is string => !!k);
    const schema = draft.schema !== undefined ? draft.schema : SCHEMALESS.has(draft.kind) ? null : unquote(leadingIdentifier(draft.name));
    const made: Draft = { ...draft, schema, keys: present(draft.keys), deps: draft.deps ?? [], depKeys: present(draft.depKeys), roles: this.roles.take() };
    this.list.push(made);
    return made;
  }

  /**
   * An object the reader cannot recreate. `key` is its catalog key, by which the objects that need it are found
   * (see neededBy); `rows` marks a table whose rows could not be copied either.
   */
  notRecreated(kind: string, name: string, options: { key?: string | null; rows?: boolean } = {}): void {
    this.unsupported.push({
      kind,
      name,
      schema: unquote(leadingIdentifier(name)),
      ...(options.rows ? { rows: true } : {}),
      ...(options.key ? { key: options.key } : {}),
    });
  }

  /** For each object not recreated: the units built here that depend on it (pg_depend's `edges`), by kind and name. */
  markNeeded(edges: readonly { key: string; ref: string }[]): void {
    const unitOf = new Map(this.list.flatMap((d) => d.keys.map((k) => [k, d] as const)));
    for (const u of this.unsupported) {
      if (!u.key) continue;
      const needers = new Set(
        edges
          .filter((e) => e.ref === u.key)
          .map((e) => unitOf.get(e.key))
          .filter((d) => d !== undefined)
          .map((d) => `${d.kind} ${d.name}`),
      );
      if (needers.size) u.neededBy = [...needers].sort();
    }
  }

  /** A grant unit for `object` when its statements are not empty. */
  grant(object: Draft, statements: string[]): void {
    if (!statements.length) return;
    // After the schema's own privileges: a grant made as another role needs that role's usage of the schema.
    const schemaGrant = object.schema === null || object.kind === 'schema' ? [] : [`grant:${unitId('schema', leadingIdentifier(object.name))}`];
    this.add({
      id: `grant:${object.id}`,
      kind: 'grant',
      name: object.name,
      schema: object.schema,
      table: object.table ?? (object.kind === 'table' || object.kind === 'view' ? object.name : null),
      section: object.section,
      sql: statements,
      deps: [object.id, ...schemaGrant],
    });
  }
}

/** Ids are kind and name: relations share one namespace in Postgres, so a table and a view cannot clash. */
export const unitId = (kind: string, name: string) => `${kind}:${name}`;
