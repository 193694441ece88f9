import type { NativeKind } from '../../native-schema.ts';
import type { Roles } from './sql-text.ts';

/**
 * A unit being built: its statements and the catalog keys (`pg_class:1234`) of every catalog row it creates, by
 * which pg_depend's edges become dependencies between units.
 */
export interface Draft {
  id: string;
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
  readonly unsupported: { kind: string; name: string }[] = [];
  readonly roles: Roles;
  constructor(roles: Roles) {
    this.roles = roles;
  }

  add(draft: Omit<Draft, 'roles' | 'deps' | 'keys' | 'depKeys'> & { keys?: (string | null | undefined)[]; deps?: string[]; depKeys?: (string | null | undefined)[] }): Draft {
    const present = (list: (string | null | undefined)[] | undefined) => (list ?? []).filter((k): k is string => !!k);
    const made: Draft = { ...draft, keys: present(draft.keys), deps: draft.deps ?? [], depKeys: present(draft.depKeys), roles: this.roles.take() };
    this.list.push(made);
    return made;
  }

  /** A grant unit for `object` when its statements are not empty. */
  grant(object: Draft, statements: string[]): void {
    if (!statements.length) return;
    this.add({ id: `grant:${object.id}`, kind: 'grant', name: object.name, table: object.table ?? (object.kind === 'table' || object.kind === 'view' ? object.name : null), section: object.section, sql: statements, deps: [object.id] });
  }
}

/** Ids are kind and name: relations share one namespace in Postgres, so a table and a view cannot clash. */
export const unitId = (kind: string, name: string) => `${kind}:${name}`;
